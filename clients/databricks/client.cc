// Client::Call: auth header, User-Agent, query/body encoding, retries, answers.
#include "clients/databricks/client.h"

#include "absl/strings/str_cat.h"
#include "clients/databricks/auth.h"
#include "clients/databricks/cluster_waiter.h"
#include "clients/http/text.h"

namespace dcs::databricks {
namespace {

http::RetryPolicy PolicyFor(const ResolvedConfig& config) {
  http::RetryPolicy p;
  p.total_deadline = std::chrono::seconds(config.retry_timeout_seconds);
  p.max_attempts = 1000;  // bounded by the deadline
  p.requests_per_second = config.rate_limit;
  return p;
}

void AppendParam(std::string& out, const std::string& key, const nlohmann::json& value) {
  std::string v = value.is_string() ? value.get<std::string>() : value.dump();
  if (!out.empty()) out += '&';
  std::string escaped = FormEscape(v);
  // Commas stay literal (keys=a,b), as they are legal in a query.
  for (size_t pos; (pos = escaped.find("%2C")) != std::string::npos;) escaped.replace(pos, 3, ",");
  out += FormEscape(key) + "=" + escaped;
}

std::string FirstBytes(const std::string& body) {
  std::string s = http::text::Utf8Prefix(body, 120);
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::string QueryString(const nlohmann::json& params) {
  std::string out;
  if (!params.is_object()) return out;
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (it.value().is_array()) {
      for (const auto& v : it.value()) AppendParam(out, it.key(), v);
    } else if (!it.value().is_null()) {
      AppendParam(out, it.key(), it.value());
    }
  }
  return out;
}

// Delegates, so that every member is initialised in one place.
Client::Client(ResolvedConfig config, std::shared_ptr<http::Transport> transport,
               std::shared_ptr<http::Clock> clock, std::string user_agent)
    : Client(config, NewTokenSource(config, transport, clock), transport, clock, std::move(user_agent)) {}

Client::Client(ResolvedConfig config, std::unique_ptr<TokenSource> tokens, std::shared_ptr<http::Transport> transport,
               std::shared_ptr<http::Clock> clock, std::string user_agent)
    : config_(std::move(config)),
      clock_(clock),
      tokens_(std::move(tokens)),
      http_(transport, PolicyFor(config_), clock),
      user_agent_(std::move(user_agent)),
      cluster_states_(std::make_unique<ClusterStateBoard>(*this, *clock_)) {}

Client::~Client() = default;

http::Request Client::BuildRequest(std::string_view method, std::string_view path,
                                   const nlohmann::json& body_or_query, std::string authorization) const {
  http::Request req;
  req.method = std::string(method);
  req.url = config_.host + std::string(path);
  req.timeout = std::chrono::seconds(config_.http_timeout_seconds);
  req.insecure_skip_verify = config_.skip_verify;
  req.headers = {{"Authorization", std::move(authorization)},
                 {"User-Agent", user_agent_},
                 {"Accept", "application/json"}};
  if (method == "GET" || method == "DELETE" || method == "HEAD") {
    std::string query = QueryString(body_or_query);
    if (!query.empty()) req.url += (req.url.find('?') == std::string::npos ? "?" : "&") + query;
  } else if (!body_or_query.is_null()) {
    req.body = body_or_query.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.headers.emplace_back("Content-Type", "application/json");
  }
  return req;
}

absl::StatusOr<nlohmann::json> Client::Interpret(const std::string& what, const http::Response& response) const {
  if (response.status < 200 || response.status >= 300) return MapError(what, response);
  if (http::text::Trim(response.body).empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, false);
  if (j.is_discarded()) {
    return absl::InternalError(absl::StrCat("unexpected non-JSON or truncated answer from ", what, " (HTTP ",
                                            response.status, ", ", response.body.size(),
                                            " bytes): ", FirstBytes(response.body)));
  }
  return j;
}

absl::StatusOr<nlohmann::json> Client::Call(std::string_view method, std::string_view path,
                                            const nlohmann::json& body_or_query, const std::atomic<bool>* stop,
                                            Retry retry) {
  const std::string what = absl::StrCat(std::string(method), " ", std::string(path));
  auto authorization = tokens_->Authorization(stop);
  if (!authorization.ok()) return authorization.status();
  http::Request req = BuildRequest(method, path, body_or_query, *std::move(authorization));
  auto response = retry == Retry::kIdempotent ? http_.Send(req, stop, RetryableAnswer) : http_.SendOnce(req, stop);
  if (!response.ok()) {
    const absl::Status& st = response.status();
    if (st.code() == absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(absl::StrCat("cannot reach ", config_.host,
                                                 ": check host / DATABRICKS_HOST (", st.message(), ")"));
    }
    return absl::Status(st.code(), absl::StrCat(what, ": ", st.message()));
  }
  return Interpret(what, *response);
}

}  // namespace dcs::databricks
