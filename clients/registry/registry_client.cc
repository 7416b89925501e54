#include "clients/registry/registry_client.h"

#include "absl/strings/str_cat.h"
#include "base/http_status.h"
#include "base/status_macros.h"
#include "clients/registry/registry_util.h"

namespace dcs::registry {
namespace {

constexpr char kAccept[] =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr int kMaxTagPages = 10000;
// Registries refuse manifests above 4 MiB (the distribution spec's limit).
constexpr size_t kMaxManifestBytes = 4 << 20;

std::string Scope(const std::string& repository, const char* actions) {
  return absl::StrCat("repository:", repository, ":", actions);
}

bool IsManifestType(const std::string& mt) {
  return mt == kMediaTypeOciIndex || mt == kMediaTypeOciManifest || mt == kMediaTypeDockerList ||
         mt == kMediaTypeDockerManifest ||
         mt == "application/vnd.docker.distribution.manifest.v1+prettyjws";
}

}  // namespace

RegistryClient::RegistryClient(RegistryOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<RegistryClient>> RegistryClient::Create(RegistryOptions options) {
  if (options.host.empty()) return absl::InvalidArgumentError("registry host is empty");
  if (!options.transport) return absl::InvalidArgumentError("registry client needs a transport");
  if (options.host == "docker.io" || options.host == "index.docker.io") {
    options.host = "registry-1.docker.io";
  }
  if (!options.clock) options.clock = http::RealClock();
  const bool plain = options.plain_http.value_or(internal::IsLoopbackHost(options.host));
  std::unique_ptr<RegistryClient> c(new RegistryClient(std::move(options)));
  c->base_url_ = absl::StrCat(plain ? "http://" : "https://", c->options_.host);
  c->http_ = std::make_unique<http::RetryingClient>(c->options_.transport, c->options_.retry,
                                                    c->options_.clock);
  return c;
}

http::Request RegistryClient::NewRequest(const std::string& method, const std::string& url) const {
  http::Request r;
  r.method = method;
  r.url = url;
  return r;
}

absl::Status RegistryClient::Error(const http::Response& r, const std::string& what) const {
  const std::string text = absl::StrCat("registry ", options_.host, ": ", what, " failed (HTTP ",
                                        r.status, "): ", DescribeRegistryBody(r));
  if (r.status == 405) return StatusForHttp(r.status, text + " (deletes may be disabled on this registry)");
  return StatusForHttp(r.status, text);
}

absl::Status RegistryClient::Ping() const {
  DCS_ASSIGN_OR_RETURN(http::Response r, Do(NewRequest("GET", base_url_ + "/v2/"), ""));
  if (r.status != 200) return Error(r, "GET /v2/");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RegistryClient::ListTags(const std::string& repo,
                                                                  int page_size) const {
  std::string url = absl::StrCat(base_url_, "/v2/", repo, "/tags/list");
  if (page_size > 0) absl::StrAppend(&url, "?n=", page_size);
  std::vector<std::string> tags;
  for (int page = 0; !url.empty(); ++page) {
    if (page >= kMaxTagPages) {
      return absl::DataLossError(absl::StrCat("registry ", options_.host,
                                              ": tag list pagination does not end"));
    }
    DCS_ASSIGN_OR_RETURN(http::Response r, Do(NewRequest("GET", url), Scope(repo, "pull")));
    if (r.status != 200) return Error(r, "listing tags of " + repo);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object()) {
      return absl::DataLossError(absl::StrCat("registry ", options_.host, ": tag list of ", repo,
                                              " is not JSON: ", DescribeRegistryBody(r)));
    }
    if (j.contains("tags") && j["tags"].is_array()) {
      for (const auto& t : j["tags"]) {
        if (t.is_string()) tags.push_back(t.get<std::string>());
      }
    }
    url = NextLink(r.Header("Link"), base_url_);
  }
  return tags;
}

absl::StatusOr<ManifestInfo> RegistryClient::HeadManifest(const std::string& repo,
                                                          const std::string& ref) const {
  http::Request req = NewRequest("HEAD", absl::StrCat(base_url_, "/v2/", repo, "/manifests/", ref));
  req.headers.emplace_back("Accept", kAccept);
  DCS_ASSIGN_OR_RETURN(http::Response r, Do(req, Scope(repo, "pull")));
  if (r.status != 200) return Error(r, absl::StrCat("HEAD manifest ", repo, ":", ref));
  ManifestInfo info;
  info.digest = r.Header("Docker-Content-Digest");
  info.media_type = internal::BareMediaType(r.Header("Content-Type"));
  const std::string len = r.Header("Content-Length");
  info.size = len.empty() ? -1 : std::atoll(len.c_str());
  if (info.digest.empty()) {
    DCS_ASSIGN_OR_RETURN(Manifest m, GetManifest(repo, ref));
    return m.info;
  }
  return info;
}

absl::StatusOr<Manifest> RegistryClient::GetManifest(const std::string& repo,
                                                     const std::string& ref) const {
  http::Request req = NewRequest("GET", absl::StrCat(base_url_, "/v2/", repo, "/manifests/", ref));
  req.headers.emplace_back("Accept", kAccept);
  req.max_body_bytes = kMaxManifestBytes;
  const std::string what = absl::StrCat("GET manifest ", repo, ":", ref);
  absl::StatusOr<http::Response> answer = Do(req, Scope(repo, "pull"));
  if (answer.status().code() == absl::StatusCode::kOutOfRange) {
    return absl::OutOfRangeError(absl::StrCat("registry ", options_.host, ": ", what, ": the answer is larger than ",
                                              kMaxManifestBytes, " bytes, which no manifest is (download stopped)"));
  }
  DCS_ASSIGN_OR_RETURN(http::Response r, std::move(answer));
  if (r.status != 200) return Error(r, what);
  Manifest m;
  m.body = r.body;
  m.info.size = static_cast<int64_t>(r.body.size());
  const std::string len = r.Header("Content-Length");
  if (!len.empty() && std::atoll(len.c_str()) != m.info.size) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host, ": ", what, ": body has ",
                                            m.info.size, " bytes but Content-Length says ", len,
                                            " (truncated answer)"));
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host, ": ", what,
                                            ": the answer is not a manifest: ",
                                            DescribeRegistryBody(r)));
  }
  m.info.media_type = internal::BareMediaType(r.Header("Content-Type"));
  // (A mediaType that is not a string is left out, as a missing one is.)
  if (!IsManifestType(m.info.media_type)) m.info.media_type = internal::StringField(j, "mediaType", m.info.media_type);
  const std::string computed = Sha256Digest(r.body);
  m.info.digest = r.Header("Docker-Content-Digest");
  if (m.info.digest.empty()) m.info.digest = computed;
  if (ref.rfind("sha256:", 0) == 0 && ref != computed) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host, ": ", what,
                                            ": content has digest ", computed));
  }
  return m;
}

absl::StatusOr<std::string> RegistryClient::PutManifest(const std::string& repo,
                                                        const std::string& ref,
                                                        const std::string& media_type,
                                                        const std::string& body) const {
  http::Request req = NewRequest("PUT", absl::StrCat(base_url_, "/v2/", repo, "/manifests/", ref));
  req.headers.emplace_back("Content-Type", media_type);
  req.body = body;
  DCS_ASSIGN_OR_RETURN(http::Response r, Do(req, Scope(repo, "pull,push")));
  if (r.status != 201 && r.status != 200) return Error(r, absl::StrCat("PUT manifest ", repo, ":", ref));
  std::string digest = r.Header("Docker-Content-Digest");
  return digest.empty() ? Sha256Digest(body) : digest;
}

absl::Status RegistryClient::DeleteManifest(const std::string& repo, const std::string& digest) const {
  DCS_ASSIGN_OR_RETURN(
      http::Response r,
      Do(NewRequest("DELETE", absl::StrCat(base_url_, "/v2/", repo, "/manifests/", digest)),
         Scope(repo, "delete")));
  if (r.status != 202 && r.status != 200) {
    return Error(r, absl::StrCat("DELETE manifest ", repo, "@", digest));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RegistryClient::BlobExists(const std::string& repo,
                                                const std::string& digest) const {
  DCS_ASSIGN_OR_RETURN(
      http::Response r,
      Do(NewRequest("HEAD", absl::StrCat(base_url_, "/v2/", repo, "/blobs/", digest)),
         Scope(repo, "pull")));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  return Error(r, absl::StrCat("HEAD blob ", repo, "@", digest));
}

absl::StatusOr<std::string> RegistryClient::GetBlob(const std::string& repo,
                                                    const std::string& digest,
                                                    size_t max_bytes) const {
  const std::string what = absl::StrCat("GET blob ", repo, "@", digest);
  http::Request req = NewRequest("GET", absl::StrCat(base_url_, "/v2/", repo, "/blobs/", digest));
  req.max_body_bytes = max_bytes;  // stop reading a blob that is too big instead of buffering it
  absl::StatusOr<http::Response> answer = Do(req, Scope(repo, "pull"));
  if (answer.status().code() == absl::StatusCode::kOutOfRange) {
    return absl::OutOfRangeError(absl::StrCat("registry ", options_.host, ": ", what, " is larger than ",
                                              max_bytes, " bytes (download stopped)"));
  }
  DCS_ASSIGN_OR_RETURN(http::Response r, std::move(answer));
  if (r.status != 200) return Error(r, what);
  if (r.body.size() > max_bytes) {
    return absl::OutOfRangeError(absl::StrCat("registry ", options_.host, ": ", what, " is larger than ",
                                              max_bytes, " bytes"));
  }
  if (digest.rfind("sha256:", 0) == 0 && Sha256Digest(r.body) != digest) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host, ": ", what,
                                            ": content does not match its digest (truncated or corrupt)"));
  }
  return r.body;
}

absl::StatusOr<std::string> RegistryClient::Retag(const std::string& repo, const std::string& from,
                                                  const std::string& to_tag) const {
  DCS_ASSIGN_OR_RETURN(Manifest m, GetManifest(repo, from));
  return PutManifest(repo, to_tag, m.info.media_type, m.body);
}

}  // namespace dcs::registry
