// An OCI distribution (Docker Registry v2) client: ping, tag listing with
// pagination, manifest HEAD/GET/PUT/DELETE, blob existence and retagging,
// with anonymous, Basic, Bearer-token and ACR (Entra ID exchange) auth.
//
// Auth: every request first goes out with whatever authorization is cached
// for its scope; on 401 the WWW-Authenticate challenge decides: Basic -> the
// credentials; Bearer -> a token from the realm (GET with Basic credentials,
// or the OAuth2 refresh-token POST when holding an identity token or an ACR
// refresh token), cached per (realm, service, scope) until it expires. When
// no credentials are given they are looked up in the Docker CLI config
// (credentials.h) at the first challenge.
//
// Thread-safety: all methods are const and safe to call concurrently.
#ifndef DCS_CLIENTS_REGISTRY_REGISTRY_CLIENT_H_
#define DCS_CLIENTS_REGISTRY_REGISTRY_CLIENT_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/http/http.h"
#include "clients/registry/challenge.h"
#include "clients/registry/credentials.h"

namespace dcs::registry {

inline constexpr char kMediaTypeOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kMediaTypeOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kMediaTypeDockerList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kMediaTypeDockerManifest[] =
    "application/vnd.docker.distribution.manifest.v2+json";

struct RegistryAuth {
  Credentials credentials;  // empty: anonymous unless discovered
  bool discover = true;     // consult the Docker config when credentials are empty
  std::string docker_config_path;  // "" = CredentialStore::DefaultConfigPath()
  // ACR: when set, Bearer challenges are answered with the Entra ID exchange
  // (POST /oauth2/exchange -> refresh token -> POST /oauth2/token).
  std::function<absl::StatusOr<std::string>()> entra_access_token;
  std::string tenant;  // optional, sent to /oauth2/exchange
};

struct RegistryOptions {
  std::string host;                 // host[:port]; "docker.io" maps to registry-1.docker.io
  std::optional<bool> plain_http;   // default: http for loopback hosts, else https
  RegistryAuth auth;
  std::shared_ptr<http::Transport> transport;
  http::RetryPolicy retry;
  std::shared_ptr<http::Clock> clock;  // default RealClock()
  HelperRunner helper_runner = RunHelper;
};

struct ManifestInfo {
  std::string digest;      // "sha256:..."
  std::string media_type;  // Content-Type without parameters
  int64_t size = -1;
};

struct Manifest {
  ManifestInfo info;
  std::string body;  // exact bytes
};

class RegistryClient {
 public:
  // Errors: InvalidArgument for an empty host or missing transport.
  static absl::StatusOr<std::unique_ptr<RegistryClient>> Create(RegistryOptions options);

  const std::string& base_url() const { return base_url_; }

  // GET /v2/. OK when the registry answers 200 (after auth).
  absl::Status Ping() const;
  // ACR with `auth.entra_access_token`: the ACR refresh token from
  // /oauth2/exchange (on the token realm's host, as az acr login does),
  // obtained through a GET /v2/ challenge. The Docker daemon pushes with it
  // as the password of user 00000000-0000-0000-0000-000000000000.
  // Errors: FailedPrecondition without entra_access_token; Ping's errors.
  absl::StatusOr<std::string> AcrRefreshTokenForDocker() const;
  // Every tag, following Link headers (page size `page_size`, 0 = server's).
  absl::StatusOr<std::vector<std::string>> ListTags(const std::string& repository,
                                                    int page_size = 0) const;
  // HEAD; falls back to GET when the registry sends no Docker-Content-Digest.
  // Errors: NotFound for an unknown manifest or repository.
  absl::StatusOr<ManifestInfo> HeadManifest(const std::string& repository,
                                            const std::string& reference) const;
  // GET with the full Accept list. Errors: DataLoss for truncated bodies,
  // non-JSON answers, or a body whose sha256 differs from the requested digest.
  absl::StatusOr<Manifest> GetManifest(const std::string& repository,
                                       const std::string& reference) const;
  // PUT; returns the digest. `media_type` becomes the Content-Type.
  absl::StatusOr<std::string> PutManifest(const std::string& repository,
                                          const std::string& reference,
                                          const std::string& media_type,
                                          const std::string& body) const;
  // DELETE by digest (removes every tag pointing to it).
  absl::Status DeleteManifest(const std::string& repository, const std::string& digest) const;
  absl::StatusOr<bool> BlobExists(const std::string& repository, const std::string& digest) const;
  // GET of a small blob (an image config), verified against `digest`.
  // Errors: NotFound, DataLoss (truncated / digest mismatch), OutOfRange when
  // larger than `max_bytes`.
  absl::StatusOr<std::string> GetBlob(const std::string& repository, const std::string& digest,
                                      size_t max_bytes = 4 << 20) const;
  // GET manifest `from` + PUT it as `to_tag` (no build); returns the digest.
  absl::StatusOr<std::string> Retag(const std::string& repository, const std::string& from,
                                    const std::string& to_tag) const;

 private:
  struct CachedToken {
    std::string header;
    std::chrono::steady_clock::time_point expires;
  };
  explicit RegistryClient(RegistryOptions options);

  absl::StatusOr<http::Response> Do(http::Request request, const std::string& scope) const;
  absl::StatusOr<std::string> Authorize(const Challenge& challenge, const std::string& scope) const;
  absl::StatusOr<CachedToken> FetchToken(const Challenge& challenge, const std::string& scope) const;
  absl::StatusOr<std::string> AcrRefreshToken(const Challenge& challenge) const;
  absl::StatusOr<CachedToken> ParseTokenAnswer(const http::Response& r,
                                               const std::string& realm) const;
  absl::StatusOr<Credentials> ResolveCredentials() const;
  http::Request NewRequest(const std::string& method, const std::string& url) const;
  absl::Status Error(const http::Response& r, const std::string& what) const;

  RegistryOptions options_;
  std::string base_url_;
  std::unique_ptr<http::RetryingClient> http_;

  mutable std::mutex mu_;
  mutable std::map<std::string, CachedToken> tokens_;  // by scope (Basic under "")
  mutable std::optional<Credentials> resolved_;
  mutable std::string acr_refresh_token_;
};

// The registry error body {"errors":[{"code","message"}]} as text, or a
// description of a non-JSON body ("HTML page", first bytes). Exposed for tests.
std::string DescribeRegistryBody(const http::Response& r);

// sha256:<hex> of `bytes`.
std::string Sha256Digest(std::string_view bytes);

// The URL of rel="next" in a Link header, resolved against `base_url`; "".
std::string NextLink(const std::string& link_header, const std::string& base_url);

}  // namespace dcs::registry

#endif  // DCS_CLIENTS_REGISTRY_REGISTRY_CLIENT_H_
