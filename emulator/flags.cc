#include "emulator/flags.h"

#include "absl/strings/string_view.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view msg) {
  return absl::InvalidArgumentError(absl::StrCat(msg, "\n", Usage()));
}

// --fault KIND:RATE[:PATH[:LATENCY_MS[:METHOD]]]
absl::Status AddFault(const std::string& spec, Json& faults) {
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  double rate = 0;
  if (parts.size() < 2 || !absl::SimpleAtod(parts[1], &rate)) {
    return Bad(absl::StrCat("bad --fault '", spec, "' (want KIND:RATE[:PATH[:LATENCY_MS[:METHOD]]])"));
  }
  Json rule = {{"kind", parts[0]}, {"rate", rate}, {"path", parts.size() > 2 ? parts[2] : "*"}};
  int64_t latency = 0;
  if (parts.size() > 3 && absl::SimpleAtoi(parts[3], &latency)) rule["latency_ms"] = latency;
  if (parts.size() > 4 && !parts[4].empty()) rule["method"] = parts[4];
  faults["rules"].push_back(rule);
  return absl::OkStatus();
}

// --rate-limit RPS[:PATH]
absl::Status AddRateLimit(const std::string& spec, Json& faults) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits(':', 1));
  double rps = 0;
  if (!absl::SimpleAtod(parts[0], &rps) || rps <= 0) {
    return Bad(absl::StrCat("bad --rate-limit '", spec, "' (want RPS[:PATH])"));
  }
  faults["rate_limits"].push_back(
      {{"requests_per_second", rps}, {"path", parts.size() > 1 ? parts[1] : "*"}});
  return absl::OkStatus();
}

absl::Status ApplyFlag(const std::string& name, const std::string& value, ServerOptions& o,
                       std::vector<std::string>& tokens, std::string& user) {
  int64_t n = 0;
  bool numeric = absl::SimpleAtoi(value, &n) && n >= 0;
  if (name == "port" && numeric && n < 65536) { o.port = static_cast<int>(n); return absl::OkStatus(); }
  if (name == "threads" && numeric && n > 0) { o.threads = static_cast<int>(n); return absl::OkStatus(); }
  if (name == "max-body-bytes" && numeric && n > 0) { o.max_body_bytes = static_cast<size_t>(n); return absl::OkStatus(); }
  if (name == "start-delay-ms" && numeric) { o.start_delay_ms = n; return absl::OkStatus(); }
  if (name == "terminate-delay-ms" && numeric) { o.terminate_delay_ms = n; return absl::OkStatus(); }
  if (name == "resize-delay-ms" && numeric) { o.resize_delay_ms = n; return absl::OkStatus(); }
  if (name == "air-step-delay-ms" && numeric) { o.air_step_delay_ms = n; return absl::OkStatus(); }
  if (name == "state-file") { o.state_file = value; return absl::OkStatus(); }
  if (name == "request-log") { o.request_log_path = value; return absl::OkStatus(); }
  if (name == "tls-cert-out") { o.tls_cert_out = value; o.tls = true; return absl::OkStatus(); }
  if (name == "acr-cert-out") { o.acr_cert_out = value; return absl::OkStatus(); }
  if (name == "token") { tokens.push_back(value); return absl::OkStatus(); }
  if (name == "user") { user = value; return absl::OkStatus(); }
  if (name == "fault") return AddFault(value, o.faults);
  if (name == "fault-seed" && numeric) { o.faults["seed"] = n; return absl::OkStatus(); }
  if (name == "rate-limit") return AddRateLimit(value, o.faults);
  if (name == "faults-json") {
    Json j = Json::parse(value, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Bad("--faults-json must be a JSON object");
    for (const char* k : {"rules", "rate_limits"}) {
      for (const Json& e : j.value(k, Json::array())) o.faults[k].push_back(e);
    }
    if (j.contains("seed")) o.faults["seed"] = j["seed"];
    return absl::OkStatus();
  }
  if (name == "oauth-client") {
    auto colon = value.find(':');
    if (colon == std::string::npos || colon == 0) return Bad("--oauth-client wants ID:SECRET");
    o.auth.oauth_clients[value.substr(0, colon)] = value.substr(colon + 1);
    return absl::OkStatus();
  }
  return Bad(absl::StrCat("unknown flag or bad value: --", name, "=", value));
}

}  // namespace

std::string Usage() {
  return "usage: dcs-emulator [--port N] [--token TOKEN[=USER]]... [--user NAME]\n"
         "  [--oauth-client ID:SECRET]... [--enable-dcs] [--state-file PATH] [--request-log PATH]\n"
         "  [--start-delay-ms N] [--terminate-delay-ms N] [--resize-delay-ms N] [--air-step-delay-ms N]\n"
         "  [--fault KIND:RATE[:PATH[:LATENCY_MS[:METHOD]]]]... [--fault-seed N] [--faults-json JSON]\n"
         "  [--rate-limit RPS[:PATH]]...\n"
         "  [--tls] [--tls-cert-out PATH] [--acr-cert-out PATH] [--threads N] [--max-body-bytes N] [--legacy-not-found]";
}

absl::StatusOr<ServerOptions> ParseFlags(const std::vector<std::string>& args) {
  ServerOptions o;
  o.faults = Json{{"rules", Json::array()}, {"rate_limits", Json::array()}};
  std::vector<std::string> tokens;
  std::string user = kDefaultUser;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") return absl::NotFoundError("help");
    if (a.rfind("--", 0) != 0) return Bad(absl::StrCat("unexpected argument ", a));
    std::string name = a.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (name == "tls" || name == "enable-dcs" || name == "legacy-not-found") {
      if (name == "tls") o.tls = true;
      if (name == "enable-dcs") o.enable_dcs = true;
      if (name == "legacy-not-found") o.legacy_not_found = true;
      continue;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Bad(absl::StrCat("flag --", name, " needs a value"));
    }
    if (auto s = ApplyFlag(name, value, o, tokens, user); !s.ok()) return s;
  }
  if (tokens.empty() && o.auth.oauth_clients.empty()) tokens.push_back(kDefaultToken);
  for (const std::string& t : tokens) {
    auto eq = t.find('=');
    if (eq == 0 || t.empty()) return Bad("--token needs a non-empty token");
    o.auth.tokens[t.substr(0, eq)] = eq == std::string::npos ? user : t.substr(eq + 1);
  }
  return o;
}

}  // namespace dcs::emulator
