// A BuildKit session over the Engine API: POST /session upgrades the HTTP
// connection (Upgrade: h2c, answer 101) and the builder then speaks HTTP/2
// to us as a gRPC *client*; we serve on that connection:
//
//   /moby.filesync.v1.FileSync/DiffCopy         local dirs: "context", "dockerfile"
//   /moby.filesync.v1.Auth/Credentials          registry credentials (base images)
//   /moby.buildkit.secrets.v1.Secrets/GetSecret RUN --mount=type=secret
//   /grpc.health.v1.Health/Check                the builder's liveness probe
//
// Each served method is announced in an X-Docker-Expose-Session-Grpc-Method
// header; X-Docker-Expose-Session-Uuid is the id /build refers to
// (session=<id>), -Name a label, -Sharedkey keys the builder's cache of the
// synced directories (stable per context directory, so that a rebuild only
// transfers changed files).
//
// The connection is opened with libcurl (unix socket, tcp, tcp+TLS alike:
// CURLOPT_CONNECT_ONLY) and bridged by one thread to a socketpair whose other
// end gRPC serves (grpc::AddInsecureChannelFromFd).
//
// Thread-safety: Open/Close from one thread; the services run on gRPC's
// threads and only read immutable data (plus an internal log of requests).
#ifndef DCS_CLIENTS_DOCKER_SESSION_H_
#define DCS_CLIENTS_DOCKER_SESSION_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/docker/endpoint.h"
#include "buildkit/control.grpc.pb.h"
#include "clients/docker/filesync.h"

namespace dcs::docker {

struct AuthConfig;

struct SessionOptions {
  std::string name;        // X-Docker-Expose-Session-Name
  std::string shared_key;  // X-Docker-Expose-Session-Sharedkey
  std::map<std::string, filesync::SyncDir> dirs;  // by dir-name
  std::map<std::string, std::string> secrets;     // id -> value
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> credentials;  // host -> (user, secret)
  std::chrono::milliseconds connect_timeout{30000};
  const std::atomic<bool>* stop = nullptr;
};

// What the builder asked for during the session (for diagnostics and tests).
struct SessionLog {
  std::vector<std::string> dirs_synced;      // "context: 12 entries, 3 files, 1234 bytes"
  std::vector<std::string> missing_secrets;  // ids asked for but not configured
  std::vector<std::string> errors;           // file sync failures
};

class BuildSession {
 public:
  // Upgrades a new connection to `endpoint` with POST /v<api>/session.
  // Errors: FailedPrecondition when the engine refuses the upgrade (no
  // BuildKit session support: the message has the HTTP status and body),
  // Unavailable when it cannot be reached, DeadlineExceeded.
  static absl::StatusOr<std::unique_ptr<BuildSession>> Open(const Endpoint& endpoint, const std::string& api_version,
                                                            SessionOptions options);
  // The same services on a standalone buildkitd: the session rides on a
  // Control.Session stream of BytesMessage (the headers above as metadata).
  static absl::StatusOr<std::unique_ptr<BuildSession>> OpenOnBuildkitd(
      moby::buildkit::v1::Control::StubInterface& control, SessionOptions options);
  ~BuildSession();

  const std::string& id() const;
  // True once the engine closed the session's connection.
  bool closed_by_engine() const;
  SessionLog log() const;
  // Stops serving and closes the connection (idempotent).
  void Close();

  struct Impl;

 private:
  explicit BuildSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The method names announced for the served services.
std::vector<std::string> SessionMethods();

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_SESSION_H_
