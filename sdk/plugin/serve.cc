#include "sdk/plugin/serve.h"

#include <grpc/support/log.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "sdk/log/hclog.h"
#include "sdk/plugin/certificate.h"
#include "sdk/plugin/go_plugin_services.h"
#include "sdk/plugin/handshake.h"
#include "sdk/plugin/listener.h"
#include "sdk/plugin/signals.h"

namespace dcs::plugin {
namespace {

// terraform-plugin-go's limits: config and state payloads can be large.
constexpr int kMaxMessageBytes = 256 << 20;
// In-flight RPCs get this long to finish once a stop is requested; the
// client kills us 2 s after Shutdown anyway.
constexpr std::chrono::milliseconds kShutdownGrace{1500};
constexpr const char* kHealthService = "plugin";

// gRPC's own diagnostics become hclog lines instead of free text on stderr.
// Errors are mapped to warn: they are mostly peers hanging up.
void RouteGrpcLog(gpr_log_func_args* args) {
  const log::Level level = args->severity == GPR_LOG_SEVERITY_ERROR ? log::Level::kWarn
                           : args->severity == GPR_LOG_SEVERITY_INFO
                               ? log::Level::kDebug
                               : log::Level::kTrace;
  log::Log(level, args->message,
           {{"@module", "provider.grpc"}, {"file", args->file}, {"line", args->line}});
}

struct Credentials {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string cert_der;  // Empty for plaintext.
};

// AutoMTLS (§1.5): our fresh certificate, the client's as sole trust anchor.
absl::StatusOr<Credentials> MakeCredentials(const char* client_cert_pem) {
  if (client_cert_pem == nullptr || *client_cert_pem == '\0') {
    return Credentials{grpc::InsecureServerCredentials(), ""};
  }
  absl::StatusOr<Certificate> cert = GenerateSelfSignedCertificate();
  if (!cert.ok()) return cert.status();
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = client_cert_pem;
  ssl.pem_key_cert_pairs.push_back({cert->key_pem, cert->cert_pem});
  return Credentials{grpc::SslServerCredentials(ssl), cert->cert_der};
}

// Removes the unix socket file however Serve leaves.
struct SocketFileGuard {
  std::string path;
  ~SocketFileGuard() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

// After the handshake, fd 1 points at stderr: anything a library prints by
// mistake then shows up in the provider log instead of the client's drain.
class StdoutToStderr {
 public:
  StdoutToStderr() : saved_(::dup(STDOUT_FILENO)) {
    std::fflush(stdout);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
  }
  ~StdoutToStderr() {
    std::fflush(stdout);
    if (saved_ >= 0) {
      ::dup2(saved_, STDOUT_FILENO);
      ::close(saved_);
    }
  }

 private:
  int saved_;
};

struct AuxServices {
  explicit AuxServices(StopRequest& stop)
      : controller(stop), stdio(stop), broker(stop) {}
  ControllerService controller;
  StdioService stdio;
  BrokerService broker;
};

std::unique_ptr<grpc::Server> StartServer(
    const std::vector<grpc::Service*>& services, AuxServices& aux,
    const Credentials& credentials, ListenTarget& target) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(target.grpc_address, credentials.credentials,
                           &bound_port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  builder.RegisterService(&aux.controller);
  builder.RegisterService(&aux.stdio);
  builder.RegisterService(&aux.broker);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Sync workers are added on demand beyond the pollers, so Terraform's ten
  // parallel RPCs plus the long-lived stdio/broker streams all get threads.
  // A worker that finishes its RPC while more than MAX_POLLERS threads poll
  // exits, and the next burst starts new ones: at 4, one refresh of 500
  // clusters started 252 threads; at 16 (above the parallelism plus the two
  // streams) 23. Idle pollers just wait.
  builder.SetSyncServerOption(grpc::ServerBuilder::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::MAX_POLLERS, 16);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) return nullptr;
  SetBoundPort(target, bound_port);
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health != nullptr) {
    health->SetServingStatus(kHealthService, true);
    health->SetServingStatus("", true);
  }
  return server;
}

void Announce(const ServeOptions& options, const Negotiation& negotiation,
              const ListenTarget& target, const Credentials& credentials) {
  std::string text =
      options.debug
          ? ReattachInstructions(
                options.provider_name,
                ReattachJson(options.provider_address, ::getpid(),
                             target.network, target.address))
          : HandshakeLine(negotiation.version, target.network, target.address,
                          credentials.cert_der);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

void CallOnStop(const ServeOptions& options) {
  if (!options.on_stop) return;
  try {
    options.on_stop();
  } catch (const std::exception& e) {
    log::Error("plugin: on_stop threw", {{"error", e.what()}});
  } catch (...) {
    log::Error("plugin: on_stop threw a non-standard exception");
  }
}

// Blocks until a stop is requested, then lets the provider cancel its waits,
// ends the long-lived streams and stops the server within the grace period.
void StopWhenRequested(grpc::Server& server, StopRequest& stop,
                       const ServeOptions& options) {
  const std::string reason = stop.Wait();
  log::Debug("plugin: stopping", {{"reason", reason}});
  CallOnStop(options);
  stop.CancelTracked();
  server.Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server.Wait();
}

int ServeUntilStopped(const std::vector<grpc::Service*>& services,
                      const ServeOptions& options, const Negotiation& negotiation) {
  absl::StatusOr<Credentials> credentials =
      MakeCredentials(options.debug ? nullptr : std::getenv("PLUGIN_CLIENT_CERT"));
  if (!credentials.ok()) {
    log::Error("plugin: cannot set up TLS", {{"error", credentials.status().ToString()}});
    return 1;
  }
  absl::StatusOr<ListenTarget> target = ChooseListenTarget(ListenerEnvFromProcess());
  if (!target.ok()) {
    log::Error("plugin: cannot choose a listener", {{"error", target.status().ToString()}});
    return 1;
  }
  SocketFileGuard socket_file{target->socket_path};
  StopRequest stop;
  absl::StatusOr<std::unique_ptr<SignalWatcher>> signals =
      SignalWatcher::Start(options.debug ? SigintPolicy::kStop : SigintPolicy::kIgnore, stop);
  if (!signals.ok()) {
    log::Error("plugin: cannot install signal handlers", {{"error", signals.status().ToString()}});
    return 1;
  }
  AuxServices aux(stop);
  std::unique_ptr<grpc::Server> server = StartServer(services, aux, *credentials, *target);
  if (server == nullptr) {
    log::Error("plugin: gRPC server failed to start", {{"address", target->grpc_address}});
    return 1;
  }
  Announce(options, negotiation, *target, *credentials);
  std::unique_ptr<StdoutToStderr> stdout_guard;
  if (!options.debug) stdout_guard = std::make_unique<StdoutToStderr>();
  log::Debug("plugin: serving", {{"network", target->network}, {"address", target->address},
                                 {"tls", !credentials->cert_der.empty()}});

  StopWhenRequested(*server, stop, options);
  return 0;
}

int ServeOrFail(const std::vector<grpc::Service*>& services, const ServeOptions& options) {
  if (!options.debug && !IsMagicCookieValid(std::getenv(kMagicCookieKey.data()))) {
    std::fputs(NotAPluginMessage(options.provider_name).c_str(), stderr);
    std::fflush(stderr);
    return 1;
  }
  const char* offered = std::getenv("PLUGIN_PROTOCOL_VERSIONS");
  const Negotiation negotiation = NegotiateProtocolVersion(offered);
  if (!negotiation.client_accepts) {
    // go-plugin behaviour: announce our version anyway; the client then
    // reports "incompatible API version" with both sides' versions.
    log::Error("plugin: the client does not accept plugin protocol 6; this provider "
               "needs Terraform >= 1.0 or OpenTofu",
               {{"PLUGIN_PROTOCOL_VERSIONS", offered != nullptr ? offered : ""}});
  }
  // Stays installed after Serve returns: gRPC 1.51 exposes no way to read
  // back its default sink, and dcs::log outlives every gRPC thread.
  gpr_set_log_function(RouteGrpcLog);
  return ServeUntilStopped(services, options, negotiation);
}

}  // namespace

int Serve(std::vector<grpc::Service*> services, const ServeOptions& options) {
  log::InstallHclogSink();  // before anything logs: clients read our stderr as hclog
  // Debian builds abseil with the Mutex deadlock detector on; gRPC takes
  // absl::Mutex locks on every call, and the detector's lock-graph upkeep
  // cost a few percent of each read. Abseil's release default is off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  try {
    return ServeOrFail(services, options);
  } catch (const std::exception& e) {
    log::Error("plugin: serve failed", {{"error", e.what()}});
  } catch (...) {
    log::Error("plugin: serve failed with a non-standard exception");
  }
  return 1;
}

}  // namespace dcs::plugin
