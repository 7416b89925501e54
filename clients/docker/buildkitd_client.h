// A client of a standalone buildkitd (BuildKit's own daemon, how teams run
// shared build fleets): the same session services as the Engine path
// (clients/docker/session.h) on a Control.Session stream, Control.Solve with
// the built-in Dockerfile frontend ("dockerfile.v0"), the "image" exporter
// pushing straight to the registry, registry cache import/export, and
// Control.Status decoded like the Engine's trace messages.
//
//   unix:///path/buildkitd.sock
//   tcp://host:port            with `cert_path` holding ca.pem, cert.pem and
//                              key.pem: mutual TLS (the daemon runs with
//                              --tlscacert/--tlscert/--tlskey)
//
// Thread-safety: one Build at a time per client object.
#ifndef DCS_CLIENTS_DOCKER_BUILDKITD_CLIENT_H_
#define DCS_CLIENTS_DOCKER_BUILDKITD_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "buildkit/control.grpc.pb.h"
#include "clients/docker/docker_client.h"

namespace dcs::docker {

struct BuildkitdEndpoint {
  std::string target;  // gRPC target: "unix:///path" or "host:port"
  bool tls = false;
  std::string ca_file, cert_file, key_file;
  std::string description;  // as configured, for messages
};

// Parses `host` (unix:// or tcp://) and, for tcp with a non-empty
// `cert_path`, the mTLS files. Errors: InvalidArgument (other schemes, no
// port), FailedPrecondition (a certificate file missing, naming it).
absl::StatusOr<BuildkitdEndpoint> ParseBuildkitdEndpoint(const std::string& host, const std::string& cert_path);

// "type=registry,ref=host/repo:cache,mode=max" -> {type, attrs}. Errors:
// InvalidArgument naming the entry.
struct CacheSpec {
  std::string type;
  std::map<std::string, std::string> attrs;
};
absl::StatusOr<CacheSpec> ParseCacheSpec(const std::string& text);

struct BuildkitdBuild {
  BuildOptions options;      // context, Dockerfile, tags (full refs), args, secrets, stop
  std::vector<CacheSpec> cache_from, cache_to;
  bool insecure_registry = false;  // push over plain HTTP (loopback registries)
};

struct BuildkitdResult {
  std::string digest;         // containerimage.digest: the pushed manifest
  std::string config_digest;  // containerimage.config.digest
  std::vector<std::string> completed_steps;  // "CACHED " prefixed when cached
  SessionLog session;
};

class BuildkitdClient {
 public:
  // Connects (waits up to `timeout` for the channel). Errors: Unavailable
  // naming the address, with the TLS files when TLS is on.
  static absl::StatusOr<std::unique_ptr<BuildkitdClient>> Connect(const BuildkitdEndpoint& endpoint,
                                                                   std::chrono::milliseconds timeout);

  // Builds and pushes every tag. Errors: Aborted naming the failing step with
  // its output tail (as DockerClient::Build), Cancelled on stop, Unavailable
  // when the daemon goes away, the daemon's message otherwise.
  absl::StatusOr<BuildkitdResult> Build(const BuildkitdBuild& build) const;

  const BuildkitdEndpoint& endpoint() const { return endpoint_; }

 private:
  BuildkitdClient(BuildkitdEndpoint e, std::shared_ptr<grpc::Channel> channel);
  BuildkitdEndpoint endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<moby::buildkit::v1::Control::Stub> stub_;
};

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_BUILDKITD_CLIENT_H_
