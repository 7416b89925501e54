#include "emulator/server.h"

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/admin.h"
#include "emulator/api_error.h"
#include "emulator/http_glue.h"
#include "emulator/ids.h"
#include "emulator/store.h"
#include "emulator/tls.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

absl::Status InjectedError(const std::string& kind) {
  if (kind == "429") {
    return ApiError(429, "REQUEST_LIMIT_EXCEEDED",
                    "Your request was rejected since your organization has exceeded the rate "
                    "limit. Please retry your request later.");
  }
  if (kind == "403") {  // a principal without the permission the call needs
    return ApiError(403, "PERMISSION_DENIED",
                    "User does not have permission to perform this operation (injected by dcs-emulator).");
  }
  if (kind == "503") {
    return ApiError(503, "TEMPORARILY_UNAVAILABLE",
                    "The service is temporarily unavailable. Please try again later.");
  }
  return ApiError(500, "INTERNAL_ERROR", "Internal error (injected by dcs-emulator).");
}

absl::StatusOr<Json> ParseBody(const std::string& raw) {
  if (raw.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json body = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return MalformedRequest("Invalid JSON given in the body of the request - failed to parse given JSON");
  }
  if (!body.is_object()) {
    return MalformedRequest("Invalid JSON given in the body of the request - expected a map");
  }
  return body;
}

// Runs a handler; no exception escapes (nlohmann type errors become 400s).
absl::StatusOr<Reply> Invoke(const Route& route, const ApiRequest& req) {
  try {
    return route.handler(req);
  } catch (const nlohmann::json::exception& e) {
    return InvalidParameter(absl::StrCat("Invalid request body: ", e.what()));
  } catch (const std::exception& e) {
    return ApiError(500, "INTERNAL_ERROR", e.what());
  }
}

// Entra ID at the root, as login.microsoftonline.com serves it:
// /{tenant}/oauth2/…, /{tenant}/v2.0/.well-known/…, /{tenant}/.well-known/…
// are the /entra/{tenant}/… routes. MSAL (azure-cli) takes the first path
// segment of an authority for the tenant, so it needs this form.
bool IsRootEntraPath(const std::string& path) {
  const size_t second = path.find('/', 1);
  if (second == std::string::npos || second == 1) return false;
  const std::string first = path.substr(1, second - 1);
  if (first == "api" || first == "oidc" || first == "entra" || first == "_emulator" || first == "subscriptions" ||
      first == "metadata") {
    return false;
  }
  const std::string rest = path.substr(second);
  return absl::StartsWith(rest, "/oauth2/") || absl::StartsWith(rest, "/v2.0/.well-known/") ||
         absl::StartsWith(rest, "/.well-known/openid-configuration");
}

}  // namespace

EmulatorServer::EmulatorServer(ServerOptions options)
    : options_(std::move(options)),
      store_(options_.state_file),
      log_(options_.request_log_path),
      auth_(options_.auth, &store_, &identities_) {
  ctx_.store = &store_;
  ctx_.identities = &identities_;
  ctx_.acr_cert_out = options_.acr_cert_out;
  ctx_.legacy_not_found = options_.legacy_not_found;
}

EmulatorServer::~EmulatorServer() = default;

void EmulatorServer::RegisterRoutes() {
  router_.Add("GET", "/", [](const ApiRequest&) -> absl::StatusOr<Reply> {
    return Reply::Ok(Json::object());
  }, Access::kPublic);
  auth_.RegisterRoutes(router_);
  RegisterClusterRoutes(router_, ctx_);
  RegisterPoolRoutes(router_, ctx_);
  RegisterWorkspaceConfRoutes(router_, ctx_);
  RegisterSecretRoutes(router_, ctx_);
  RegisterAiRuntimeRoutes(router_, ctx_);
  RegisterArmRoutes(router_, ctx_);
  RegisterEntraRoutes(router_, ctx_);
  RegisterAcrTokenRoutes(router_, ctx_);
  RegisterAdminRoutes(router_, &store_, &faults_, &log_);
}

absl::Status EmulatorServer::ApplyStartupSettings() {
  if (auto s = store_.Load(); !s.ok()) return s;
  if (auto s = faults_.Configure(options_.faults); !s.ok()) return s;
  auto applied = store_.Run([&](Workspace& ws) -> absl::StatusOr<bool> {
    Settings& s = ws.settings;
    if (options_.start_delay_ms) s.start_delay_ms = *options_.start_delay_ms;
    if (options_.terminate_delay_ms) s.terminate_delay_ms = *options_.terminate_delay_ms;
    if (options_.resize_delay_ms) s.resize_delay_ms = *options_.resize_delay_ms;
    if (options_.air_step_delay_ms) s.air_step_delay_ms = *options_.air_step_delay_ms;
    if (options_.enable_dcs && !ws.conf.count("enableDcs")) ws.conf["enableDcs"] = "true";
    ws.Touch();
    return true;
  });
  return applied.status();
}

absl::Status EmulatorServer::Start() {
  if (auto s = ApplyStartupSettings(); !s.ok()) return s;
  RegisterRoutes();
  if (options_.tls) {
    auto id = GenerateSelfSigned();
    if (!id.ok()) return id.status();
    if (!options_.tls_cert_out.empty()) {
      if (auto s = WriteFileAtomically(options_.tls_cert_out, id->cert_pem); !s.ok()) return s;
    }
    http_ = std::make_unique<Listener<httplib::SSLServer>>(id->cert.get(), id->key.get());
  } else {
    http_ = std::make_unique<Listener<httplib::Server>>();
  }
  if (!http_->is_valid()) return absl::InternalError("HTTP server could not be initialised");
  int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_keep_alive_max_count(100);
  // httplib sends a reply's headers and body separately: with Nagle on, the
  // body waits for the client's delayed ACK (40 ms) on every keep-alive
  // request. No Databricks front end holds replies back like that.
  http_->set_tcp_nodelay(true);
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) { Dispatch(req, res); };
  http_->Get(".*", dispatch);
  http_->Post(".*", dispatch);
  http_->Put(".*", dispatch);
  http_->Patch(".*", dispatch);
  http_->Delete(".*", dispatch);
  http_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {  // body over --max-body-bytes, rejected before routing
      WriteError(InvalidParameter(absl::StrCat("Request body exceeds the maximum size of ",
                                               options_.max_body_bytes, " bytes")),
                 RandomToken(16), res);
    }
  });
  int port = options_.port == 0 ? http_->bind_to_any_port("127.0.0.1")
                                : (http_->bind_to_port("127.0.0.1", options_.port) ? options_.port : -1);
  if (port <= 0) return absl::UnavailableError(absl::StrCat("cannot bind 127.0.0.1:", options_.port));
  if (options_.tls) {
    static_cast<Listener<httplib::SSLServer>*>(http_.get())->RaiseBacklog();
  } else {
    static_cast<Listener<httplib::Server>*>(http_.get())->RaiseBacklog();
  }
  base_url_ = absl::StrCat(options_.tls ? "https" : "http", "://127.0.0.1:", port);
  return absl::OkStatus();
}

void EmulatorServer::Serve() { http_->listen_after_bind(); }

void EmulatorServer::Stop() {
  if (http_) http_->stop();
}

bool EmulatorServer::InjectFault(const httplib::Request& hreq, const ApiRequest& req,
                                 const std::string& request_id, httplib::Response& res,
                                 std::string* fault, std::string* error_code) {
  FaultDecision d = faults_.Decide(req.method, req.path);
  if (d.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d.latency_ms));
  *fault = d.kind;
  if (d.kind == "reset") {
    ResetConnection(hreq);
    res.status = 500;
    return true;
  }
  if (d.kind == "drop-reply") return false;  // handled first; Dispatch drops the answer
  int retry_after = d.retry_after_s;
  if (d.kind.empty() && faults_.RateLimited(req.path, &retry_after)) *fault = "rate_limit";
  if (fault->empty()) return false;
  *error_code = WriteError(InjectedError(*fault == "rate_limit" ? "429" : *fault), request_id, res);
  if (*fault != "500" && *fault != "403") res.set_header("Retry-After", std::to_string(retry_after));
  return true;
}

absl::StatusOr<Reply> EmulatorServer::Handle(ApiRequest& req) {
  bool path_known = false;
  const Route* route = router_.Find(req.method, req.path, &path_known);
  if (route == nullptr) {
    return ApiError(404, "ENDPOINT_NOT_FOUND",
                    absl::StrCat("No API found for '", req.method, " ", req.path, "'"));
  }
  if (route->access == Access::kAuthenticated) {
    auto principal = auth_.Authenticate(req.Header("authorization"));
    if (!principal.ok()) return principal.status();
    req.principal = *principal;
  }
  if (route->json_body && req.method != "GET") {
    auto body = ParseBody(req.raw_body);
    if (!body.ok()) return body.status();
    req.body = *std::move(body);
  }
  return Invoke(*route, req);
}

void EmulatorServer::Dispatch(const httplib::Request& hreq, httplib::Response& res) {
  auto t0 = Clock::now();
  ApiRequest req = ToApiRequest(hreq, options_.tls);
  if (IsRootEntraPath(req.path)) {
    req.path = "/entra" + req.path;
    req.headers["x-dcs-root-entra"] = "1";  // discovery answers with root URLs
  }
  std::string request_id = RandomToken(16);
  std::string error_code, fault;
  bool admin = absl::StartsWith(req.path, kAdminPrefix);
  auto finish = [&](int status) {
    if (admin) return;  // control traffic stays out of the request log
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    Json record = {{"ts_ms", NowMs()}, {"request_id", request_id}, {"method", hreq.method},
                   {"path", req.path}, {"query", Json(req.query)}, {"status", status},
                   {"error_code", error_code}, {"fault", fault}, {"principal", req.principal},
                   {"duration_ms", ms}};
    if (!req.body.empty()) record["body"] = RedactBody(req.body);
    log_.Append(std::move(record));
  };
  if (!admin && InjectFault(hreq, req, request_id, res, &fault, &error_code)) {
    return finish(fault == "reset" ? 0 : res.status);
  }
  absl::StatusOr<Reply> reply = Handle(req);
  if (reply.ok()) {
    WriteReply(*reply, res);
  } else {
    error_code = WriteError(reply.status(), request_id, res);
  }
  if (fault == "drop-reply") {
    // The request took effect (logged with the status it would have had);
    // the client sees the connection reset instead of the answer.
    ResetConnection(hreq);
  }
  finish(res.status);
}

}  // namespace dcs::emulator
