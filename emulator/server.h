// EmulatorServer: cpp-httplib bound to 127.0.0.1, with the request pipeline
// (faults -> rate limit -> route -> auth -> JSON body -> handler -> log).
#ifndef DCS_EMULATOR_SERVER_H_
#define DCS_EMULATOR_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "emulator/auth.h"
#include "emulator/faults.h"
#include "emulator/identities.h"
#include "emulator/request_log.h"
#include "emulator/router.h"
#include "emulator/service.h"
#include "emulator/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace dcs::emulator {

struct ServerOptions {
  int port = 0;                       // 0 = pick a free port
  bool tls = false;
  std::string tls_cert_out;           // where the generated certificate PEM is written
  std::string acr_cert_out;           // where the ACR token service's signing certificate is written
  int threads = 32;
  size_t max_body_bytes = 10 << 20;
  bool legacy_not_found = false;
  std::string request_log_path;
  std::string state_file;
  AuthConfig auth;
  nlohmann::json faults = nlohmann::json::object();
  // Applied over the loaded state at start (flags win over the state file).
  std::optional<int64_t> start_delay_ms, terminate_delay_ms, resize_delay_ms, air_step_delay_ms;
  bool enable_dcs = false;            // set enableDcs=true at start
};

class EmulatorServer {
 public:
  explicit EmulatorServer(ServerOptions options);
  ~EmulatorServer();

  // Loads state and binds 127.0.0.1:port. After OK, base_url() is valid.
  absl::Status Start();
  std::string base_url() const { return base_url_; }
  // Serves until Stop(). REQUIRES: Start() returned OK.
  void Serve();
  void Stop();

 private:
  void Dispatch(const httplib::Request& req, httplib::Response& res);
  // True when an injected fault or a rate limit answered (or reset) the request.
  bool InjectFault(const httplib::Request& hreq, const ApiRequest& req,
                   const std::string& request_id, httplib::Response& res, std::string* fault,
                   std::string* error_code);
  absl::StatusOr<Reply> Handle(ApiRequest& req);
  void RegisterRoutes();
  absl::Status ApplyStartupSettings();

  ServerOptions options_;
  Store store_;
  FaultInjector faults_;
  RequestLog log_;
  Identities identities_;
  Authenticator auth_;
  ServiceContext ctx_;
  Router router_;
  std::unique_ptr<httplib::Server> http_;
  std::string base_url_;
};

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_SERVER_H_
