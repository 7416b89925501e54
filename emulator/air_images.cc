#include "emulator/air_images.h"

#include <openssl/sha.h>

#include <algorithm>
#include <iterator>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"

namespace dcs::emulator {
namespace {

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// Looks `url` up by the full reference first, then by its repository.
template <class Container>
auto FindImage(const Container& c, const std::string& url) {
  auto it = c.find(url);
  return it != c.end() ? it : c.find(RepositoryOf(url));
}

// The "username:password" stored (base64) in scope/key, or an error text.
bool ReadCredentials(const Workspace& ws, const std::string& scope, const std::string& key,
                     std::string* credentials, std::string* problem) {
  auto s = ws.scopes.find(scope);
  if (s == ws.scopes.end()) {
    *problem = absl::StrCat("secret scope ", scope, " no longer exists");
    return false;
  }
  auto secret = s->second.secrets.find(absl::AsciiStrToLower(key));
  if (secret == s->second.secrets.end()) {
    *problem = absl::StrCat("secret ", key, " no longer exists in scope ", scope);
    return false;
  }
  std::string text = secret->second.value;
  if (secret->second.is_bytes && !absl::Base64Unescape(secret->second.value, &text)) text.clear();
  std::string decoded;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(text), &decoded) ||
      decoded.find(':') == std::string::npos || decoded.front() == ':') {
    *problem = absl::StrCat("the value of secret ", scope, "/", key,
                            " is not the base64 encoding of \"username:password\"");
    return false;
  }
  *credentials = decoded;
  return true;
}

}  // namespace

std::string RepositoryOf(const std::string& url) {
  std::string repo = url.substr(0, url.find('@'));
  auto slash = repo.rfind('/');
  auto colon = repo.find(':', slash == std::string::npos ? 0 : slash + 1);
  if (slash != std::string::npos && colon != std::string::npos) repo.resize(colon);
  return repo;
}

absl::Status CheckNormalisedReference(const std::string& url) {
  static const std::regex kReference(
      R"(^([a-zA-Z0-9.-]+(:[0-9]+)?)((/[a-z0-9]+([._-]+[a-z0-9]+)*)+)(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$)");
  std::smatch m;
  if (url.empty() || url.size() > 1024 || !std::regex_match(url, m, kReference)) {
    return InvalidParameter(absl::StrCat(
        "Invalid docker_image_url '", url,
        "': expected <registry>/<repository>:<tag> or <registry>/<repository>@sha256:<digest>"));
  }
  const std::string host = m[1].str();
  if (host.find('.') == std::string::npos && host.find(':') == std::string::npos && host != "localhost") {
    return InvalidParameter(absl::StrCat("Invalid docker_image_url '", url, "': the first component '", host,
                                         "' is not a registry host; use the normalised form (e.g. docker.io/",
                                         url, ")"));
  }
  if (!m[6].matched && !m[7].matched) {
    return InvalidParameter(absl::StrCat("Invalid docker_image_url '", url, "': a tag or digest is required"));
  }
  return absl::OkStatus();
}

PullResult SimulatePull(const Workspace& ws, const std::string& url, const std::string& scope,
                        const std::string& key) {
  PullResult r;
  const Settings& s = ws.settings;
  if (s.failing_images.count(url) || s.failing_images.count(RepositoryOf(url))) {
    r.message = absl::StrCat("Failed to pull image ", url,
                             ": manifest unknown: the repository, tag or digest does not exist in the registry");
    return r;
  }
  std::string credentials;
  if (!scope.empty()) {
    std::string problem;
    if (!ReadCredentials(ws, scope, key, &credentials, &problem)) {
      r.message = absl::StrCat("Failed to pull image ", url, ": cannot use the registry credentials: ", problem);
      return r;
    }
  }
  auto priv = FindImage(s.air_private_images, url);
  if (priv != s.air_private_images.end()) {
    if (credentials.empty()) {
      r.message = absl::StrCat("Failed to pull image ", url,
                               ": 401 Unauthorized: authentication required (the repository is private)");
      return r;
    }
    if (credentials != priv->second) {
      r.message = absl::StrCat("Failed to pull image ", url, ": 401 Unauthorized: incorrect username or password ",
                               "(credentials from secret ", scope, "/", key, ")");
      return r;
    }
  }
  r.ok = true;
  if (auto at = url.find("@sha256:"); at != std::string::npos) {
    r.manifest_sha256 = url.substr(at + 8);
  } else if (auto d = s.air_image_digests.find(url); d != s.air_image_digests.end()) {
    r.manifest_sha256 = d->second;
  } else {
    r.manifest_sha256 = Sha256Hex(absl::StrCat("dcs-emulator manifest of ", url));
  }
  return r;
}

bool AdvanceAirImage(AirImage& image, int64_t now_ms, int64_t step_ms) {
  bool changed = false;
  if (image.state == "PENDING" && image.deadline_ms > 0 && now_ms >= image.deadline_ms) {
    image.state = "IMPORTING";
    image.deadline_ms += std::max<int64_t>(step_ms, 0);
    changed = true;
  }
  if (image.state == "IMPORTING" && image.deadline_ms > 0 && now_ms >= image.deadline_ms) {
    image.state = image.outcome;
    image.deadline_ms = 0;
    image.update_time = now_ms;
    if (image.outcome == "AVAILABLE") {
      image.manifest_sha256 = image.outcome_sha256;
      image.status_message.clear();
    } else {
      image.manifest_sha256.clear();
      image.status_message = image.outcome_message;
    }
    changed = true;
  }
  return changed;
}

void AdvanceAllAirImages(Workspace& ws, int64_t now_ms) {
  for (auto& [user, images] : ws.air_images) {
    for (auto& [url, image] : images) {
      if (AdvanceAirImage(image, now_ms, ws.settings.air_step_delay_ms)) ws.Touch();
    }
  }
}

nlohmann::json RenderAirImage(const AirImage& image) {
  nlohmann::json j = {{"docker_image_url", image.docker_image_url}, {"state", image.state}};
  if (!image.status_message.empty()) j["status_message"] = image.status_message;
  if (!image.manifest_sha256.empty()) j["manifest_sha256"] = image.manifest_sha256;
  return j;
}

absl::Status DriftAirImage(Workspace& ws, const nlohmann::json& req) {
  const std::string url = req.value("id", "");
  const std::string user = req.value("user", "");
  const std::string state = req.value("state", "");
  if (!req.value("delete", false) && state != "FAILED") {
    return InvalidParameter("air_image drift needs \"delete\": true or \"state\": \"FAILED\"");
  }
  int matched = 0;
  for (auto u = ws.air_images.begin(); u != ws.air_images.end();) {
    auto& images = u->second;
    auto it = (user.empty() || user == u->first) ? images.find(url) : images.end();
    if (it != images.end()) {
      ++matched;
      if (req.value("delete", false)) {
        images.erase(it);
      } else {
        it->second.state = "FAILED";
        it->second.deadline_ms = 0;
        it->second.manifest_sha256.clear();
        it->second.status_message = req.value("status_message", "The cached image was evicted by the platform");
      }
    }
    u = images.empty() ? ws.air_images.erase(u) : std::next(u);
  }
  if (matched == 0) return NotFound(absl::StrCat("No image registration for ", url));
  return absl::OkStatus();
}

}  // namespace dcs::emulator
