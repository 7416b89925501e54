// A Docker Engine API client: version negotiation, builds (BuildKit through
// a session, or the classic builder from a streamed context), tag, inspect,
// push and remove. See README.md.
//
// Thread-safety: after Connect, all methods are const and may run
// concurrently.
#ifndef DCS_CLIENTS_DOCKER_DOCKER_CLIENT_H_
#define DCS_CLIENTS_DOCKER_DOCKER_CLIENT_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/docker/endpoint.h"
#include "clients/docker/session.h"
#include "clients/http/http.h"

namespace dcs::docker {

// Newest Engine API version this client speaks; the server's is used when
// lower. Oldest accepted: 1.30 (classic builder aux image id).
inline constexpr char kMaxApiVersion[] = "1.47";
inline constexpr char kMinApiVersion[] = "1.30";
// Oldest API version whose engine serves BuildKit sessions (POST /session
// without experimental mode, /build?version=2): Engine 18.09.
inline constexpr char kMinBuildKitApiVersion[] = "1.39";
// Oldest API version whose embedded Dockerfile frontend understands heredocs
// (Engine 23.0, Dockerfile syntax 1.4).
inline constexpr char kMinHeredocApiVersion[] = "1.42";

enum class Builder { kClassic, kBuildKit };

// Registry credentials as the Engine expects them (X-Registry-Auth,
// X-Registry-Config).
struct AuthConfig {
  std::string username;
  std::string password;
  std::string server_address;  // host[:port], no scheme
  std::string identity_token;  // instead of username/password
};

// base64url (with padding) of the AuthConfig JSON; "{}" when empty.
std::string EncodeAuthConfig(const AuthConfig& auth);

// Name of the tar entry holding an inline Dockerfile.
inline constexpr char kInlineDockerfileName[] = ".dcs-inline.Dockerfile";

struct BuildOptions {
  std::string context_dir;
  std::string dockerfile = "Dockerfile";  // path inside the context
  // When non-empty, the Dockerfile's text: sent as an extra tar entry named
  // kInlineDockerfileName (the context's own files are left untouched).
  std::string dockerfile_inline;
  std::vector<std::string> tags;          // "name[:tag]"
  std::map<std::string, std::string> build_args;
  std::map<std::string, std::string> labels;
  std::string target;
  std::string platform;
  std::string network_mode;  // "", "none", "host", "bridge", ...
  bool no_cache = false;
  bool pull = false;
  std::vector<AuthConfig> registry_auths;  // for private base images
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  Builder builder = Builder::kClassic;
  // BuildKit only: RUN --mount=type=secret values by id (served through the
  // session, never sent in the build request).
  std::map<std::string, std::string> secrets;
  // Images whose cache the build may use (`cachefrom`).
  std::vector<std::string> cache_from;
  // When set and true, the build is abandoned (the connection is dropped,
  // which cancels it in the engine).
  const std::atomic<bool>* stop = nullptr;
};

struct BuildResult {
  std::string image_id;             // "sha256:..."
  std::vector<std::string> output;  // every output line
  uint64_t context_bytes = 0;       // tar bytes sent (classic) / file bytes synced (BuildKit)
  std::vector<std::string> completed_steps;  // BuildKit: step names, "CACHED " prefixed when cached
  SessionLog session;                        // BuildKit: what the builder asked for
};

struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;  // "repo@sha256:..."
  std::map<std::string, std::string> labels;
  std::string raw_json;
};

struct PushResult {
  std::string digest;  // from the stream (aux or status line), may be empty
};

class DockerClient {
 public:
  // Connects to `endpoint` (see EndpointFromEnvironment): pings the daemon
  // and negotiates min(server API version, kMaxApiVersion) unless the
  // endpoint pins one. Errors: Unavailable when the daemon cannot be reached
  // (the message says how to set DOCKER_HOST), FailedPrecondition when the
  // daemon's API range excludes ours.
  static absl::StatusOr<std::unique_ptr<DockerClient>> Connect(
      Endpoint endpoint, std::shared_ptr<http::Transport> transport);

  const std::string& api_version() const { return api_version_; }
  // Whether the engine's API version serves BuildKit sessions.
  bool SupportsBuildKit() const;
  // The builder used when the configuration does not choose: BuildKit where
  // the engine serves it, else classic.
  Builder DefaultBuilder() const;

  // Streams the filtered context as tar and builds. Each step is logged at
  // INFO. Errors: Aborted naming the failing step with its last 30 output
  // lines; InvalidArgument/NotFound from the context; the daemon's message
  // for a non-200 answer.
  // With Builder::kBuildKit: opens a BuildKit session (context and
  // Dockerfile by file sync, secrets, credentials) and builds with
  // version=2; errors as above, plus FailedPrecondition when the engine
  // refuses the session.
  absl::StatusOr<BuildResult> Build(const BuildOptions& options) const;

  // POST /images/{source}/tag. Errors: NotFound when source does not exist.
  absl::Status Tag(const std::string& source, const std::string& repository,
                   const std::string& tag) const;

  // GET /images/{name}/json. Errors: NotFound.
  absl::StatusOr<ImageInfo> Inspect(const std::string& name) const;

  // Pushes repository:tag with X-Registry-Auth. Errors: Unauthenticated /
  // PermissionDenied / NotFound / Unknown with the daemon's message; the
  // password never appears in it.
  absl::StatusOr<PushResult> Push(const std::string& repository, const std::string& tag,
                                  const AuthConfig& auth) const;

 private:
  DockerClient(Endpoint endpoint, std::shared_ptr<http::Transport> transport)
      : endpoint_(std::move(endpoint)), transport_(std::move(transport)) {}
  http::Request NewRequest(const std::string& method, const std::string& path) const;
  absl::StatusOr<http::Response> Send(const http::Request& request) const;
  absl::Status Negotiate();
  absl::StatusOr<BuildResult> BuildWithBuildKit(const BuildOptions& options) const;

  Endpoint endpoint_;
  std::shared_ptr<http::Transport> transport_;
  std::string api_version_;
  // Set once the daemon has answered: after that, a dropped connection is a
  // daemon problem, not a TLS set-up one.
  mutable std::atomic<bool> answered_{false};
};

// The session a BuildKit build needs for `options`: the .dockerignore-filtered
// context as dir "context", the Dockerfile (file or inline) as dir
// "dockerfile" under the name kSyncedDockerfile, secrets and credentials
// (registered with the log redaction). Errors: those of ListContext, NotFound
// for an unreadable Dockerfile.
inline constexpr char kSyncedDockerfile[] = "Dockerfile";
absl::StatusOr<SessionOptions> BuildKitSessionOptions(const BuildOptions& options);

// "1.41" < "1.9"? No: compares numerically (1.9 < 1.41). Returns <0, 0, >0.
int CompareApiVersions(const std::string& a, const std::string& b);

// The status for a non-2xx Engine answer ({"message": ...} body).
absl::Status EngineError(const http::Response& response, const std::string& what);

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_DOCKER_CLIENT_H_
