#include "clients/databricks/ai_runtime_images_api.h"

#include <algorithm>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "clients/databricks/json_fields.h"

namespace dcs::databricks {
namespace {

constexpr char kImages[] = "/api/2.0/ai-compute-manager/images";

// Splits "repo[:tag][@digest]" into its parts; the tag is only looked for in
// the last path component (a registry port also uses ':').
struct Reference {
  std::string repository, tag, digest;  // tag/digest without ':' / '@'
  bool has_tag = false, has_digest = false;
};

Reference Split(const std::string& url) {
  Reference r;
  std::string rest = url;
  if (auto at = rest.find('@'); at != std::string::npos) {
    r.digest = rest.substr(at + 1);
    r.has_digest = true;
    rest.resize(at);
  }
  const size_t slash = rest.rfind('/');
  const size_t colon = rest.find(':', slash == std::string::npos ? 0 : slash + 1);
  if (colon != std::string::npos) {
    r.tag = rest.substr(colon + 1);
    r.has_tag = true;
    rest.resize(colon);
  }
  r.repository = rest;
  return r;
}

absl::Status Invalid(const std::string& url, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("\"", url, "\" is not a valid image reference: ", why));
}

bool IsNotRegistered(const absl::Status& s) {
  return absl::IsNotFound(s) && !absl::StartsWith(s.message(), "ENDPOINT_NOT_FOUND");
}

}  // namespace

std::string NormalizeImageUrl(const std::string& input) {
  std::string url(absl::StripAsciiWhitespace(input));
  const std::string first = url.substr(0, url.find('/'));
  const std::string first_host = first.substr(0, first.find(':'));
  if (first_host.find('.') == std::string::npos) {
    url = absl::StrCat(url.find('/') == std::string::npos ? "docker.io/library/" : "docker.io/", url);
  }
  Reference r = Split(url);
  if (r.has_digest) return absl::StrCat(r.repository, "@", r.digest);
  if (!r.has_tag) return absl::StrCat(url, ":latest");
  return url;
}

absl::StatusOr<std::string> NormalizeAndCheckImageUrl(const std::string& input) {
  const std::string trimmed(absl::StripAsciiWhitespace(input));
  if (trimmed.empty()) return Invalid(input, "it is empty");
  if (std::any_of(trimmed.begin(), trimmed.end(), [](unsigned char c) { return std::isspace(c) || c < 0x20; })) {
    return Invalid(trimmed, "it contains whitespace");
  }
  if (absl::StrContains(trimmed, "://")) return Invalid(trimmed, "leave out the scheme (https://)");
  const std::string url = NormalizeImageUrl(trimmed);
  const Reference r = Split(url);
  static const std::regex kHost(R"(^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$)");
  static const std::regex kComponent(R"(^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$)");
  static const std::regex kTag(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$)");
  static const std::regex kDigest(R"(^sha256:[0-9a-f]{64}$)");
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t slash = r.repository.find('/', start);
    parts.push_back(r.repository.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!std::regex_match(parts[0], kHost)) return Invalid(trimmed, absl::StrCat("bad registry host \"", parts[0], "\""));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty()) return Invalid(trimmed, "empty path component");
    if (!std::regex_match(parts[i], kComponent)) {
      return Invalid(trimmed, absl::StrCat("repository path component \"", parts[i],
                                           "\" must be lower-case letters, digits and single . _ - separators"));
    }
  }
  if (r.has_tag && !std::regex_match(r.tag, kTag)) {
    return Invalid(trimmed, absl::StrCat("bad tag \"", r.tag,
                                         "\" (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)"));
  }
  if (r.has_digest && !std::regex_match(r.digest, kDigest)) {
    return Invalid(trimmed, absl::StrCat("bad digest \"", r.digest, "\" (want sha256: and 64 lower-case hex digits)"));
  }
  return url;
}

bool UsesLatestTag(const std::string& normalized_url) {
  Reference r = Split(normalized_url);
  return !r.has_digest && r.has_tag && r.tag == "latest";
}

absl::StatusOr<ImageRegistration> ParseImageRegistration(const nlohmann::json& answer, const std::string& what) {
  return ParseAnswer<ImageRegistration>(answer, what, [](const nlohmann::json& j) {
    const nlohmann::json& o = j.contains("image") && j["image"].is_object() ? j["image"] : j;
    ImageRegistration r;
    r.docker_image_url = o.value("docker_image_url", std::string());
    std::optional<std::string> state;
    Get(o, "state", state);
    r.state = state.value_or("PENDING");
    if (r.state != "IMPORTING" && r.state != "AVAILABLE" && r.state != "FAILED") r.state = "PENDING";
    Get(o, "status_message", r.status_message);
    Get(o, "manifest_sha256", r.manifest_sha256);
    return r;
  });
}

absl::StatusOr<ImageRegistration> AiRuntimeImagesApi::Register(const std::string& url,
                                                               const std::optional<std::string>& scope,
                                                               const std::optional<std::string>& key,
                                                               const std::atomic<bool>* stop) {
  nlohmann::json body = {{"docker_image_url", NormalizeImageUrl(url)}};
  if (scope && key) {
    body["credentials_scope"] = *scope;
    body["credentials_key"] = *key;
  }
  // The service documents registration as idempotent (re-registering
  // reconciles), so throttled or unavailable answers are retried.
  auto answer = client_.Call("POST", kImages, body, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseImageRegistration(*answer, "POST ai-compute-manager/images");
}

absl::StatusOr<std::optional<ImageRegistration>> AiRuntimeImagesApi::Get(const std::string& url,
                                                                          const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", absl::StrCat(kImages, ":get"), {{"docker_image_url", NormalizeImageUrl(url)}},
                             stop, Retry::kIdempotent);
  if (!answer.ok()) {
    if (IsNotRegistered(answer.status())) return std::optional<ImageRegistration>();
    return answer.status();
  }
  auto r = ParseImageRegistration(*answer, "GET ai-compute-manager/images:get");
  if (!r.ok()) return r.status();
  return std::optional<ImageRegistration>(*std::move(r));
}

absl::StatusOr<std::vector<ImageRegistration>> AiRuntimeImagesApi::List(const std::atomic<bool>* stop) {
  std::vector<ImageRegistration> all;
  nlohmann::json query = nlohmann::json::object();
  for (int page = 0; page < 10000; ++page) {
    auto answer = client_.Call("GET", kImages, query, stop, Retry::kIdempotent);
    if (!answer.ok()) return answer.status();
    if (!answer->is_object()) return absl::InternalError("unexpected answer from GET ai-compute-manager/images: not an object");
    if (answer->contains("images")) {
      const nlohmann::json& images = (*answer)["images"];
      if (!images.is_array()) {
        return absl::InternalError("unexpected answer from GET ai-compute-manager/images: `images` is not a list");
      }
      for (const auto& j : images) {
        auto r = ParseImageRegistration(j, "GET ai-compute-manager/images");
        if (!r.ok()) return r.status();
        all.push_back(*std::move(r));
      }
    }
    auto token = answer->find("next_page_token");
    if (token == answer->end() || !token->is_string() || token->get<std::string>().empty()) break;
    query["page_token"] = token->get<std::string>();
  }
  return all;
}

std::optional<bool> AiRuntimeImagesApi::CheckImageAccess(const std::string& url, const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", absl::StrCat(kImages, ":checkImageAccess"),
                             {{"docker_image_url", NormalizeImageUrl(url)}}, stop, Retry::kIdempotent);
  if (!answer.ok() || !answer->is_object()) return std::nullopt;
  auto it = answer->find("publicly_accessible");
  if (it == answer->end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

absl::Status AiRuntimeImagesApi::Delete(const std::string& url, const std::atomic<bool>* stop) {
  return client_
      .Call("DELETE", absl::StrCat(kImages, ":delete"), {{"docker_image_url", NormalizeImageUrl(url)}}, stop, Retry::kIdempotent)
      .status();
}

bool IsTransient(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsResourceExhausted(s) || absl::IsDeadlineExceeded(s) ||
         absl::IsInternal(s);
}

absl::StatusOr<ImageRegistration> WaitForImageRegistration(AiRuntimeImagesApi& api, const std::string& url,
                                                           std::chrono::steady_clock::time_point deadline,
                                                           const std::atomic<bool>* stop, http::Clock& clock,
                                                           const RegistrationProgress& progress,
                                                           const RegistrationWaitOptions& options) {
  const auto start = clock.Now();
  std::chrono::milliseconds interval = options.initial_interval;
  std::string last_state = "(none)";
  absl::Status last_error;
  int transient_failures = 0;
  while (true) {
    auto got = api.Get(url, stop);
    if (!got.ok()) {
      if (absl::IsCancelled(got.status()) || !IsTransient(got.status()) ||
          ++transient_failures > options.max_transient_failures) {
        return got.status();
      }
      last_error = got.status();
      dcs::log::Warn("image registration poll failed; retrying",
                     {{"@module", "databricks"}, {"url", url}, {"error", std::string(got.status().message())}});
    } else if (!got->has_value()) {
      return absl::NotFoundError(absl::StrCat("the registration of ", url, " disappeared while waiting (it was ",
                                              last_state, ")"));
    } else {
      transient_failures = 0;
      const ImageRegistration& r = **got;
      if (progress) {
        progress(r, std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now() - start));
      }
      if (r.state == "AVAILABLE") return r;
      if (r.state == "FAILED") {
        return absl::FailedPreconditionError(absl::StrCat("registration of ", url, " FAILED: ",
                                                          r.status_message.value_or("(no status_message)")));
      }
      if (r.state != last_state) {
        interval = options.initial_interval;
        last_state = r.state;
      }
    }
    const auto now = clock.Now();
    if (now >= deadline) {
      std::string msg = absl::StrCat("timed out waiting for the registration of ", url, " to become AVAILABLE; it is ",
                                     last_state == "(none)" ? "in an unknown state" : "still " + last_state);
      if (!last_error.ok()) absl::StrAppend(&msg, " (last poll error: ", last_error.message(), ")");
      return absl::DeadlineExceededError(msg);
    }
    auto wait = std::min(interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (!clock.Sleep(wait, stop)) {
      return absl::CancelledError(absl::StrCat("cancelled while waiting for the registration of ", url));
    }
    interval = std::min(options.max_interval,
                        std::chrono::milliseconds(static_cast<int64_t>(interval.count() * options.growth)));
  }
}

}  // namespace dcs::databricks
