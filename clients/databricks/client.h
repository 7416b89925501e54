// Client: authenticated JSON calls to a Databricks workspace REST API, with
// retries for idempotent calls, a per-request timeout, a client-side rate
// limit and Databricks error bodies mapped to absl::Status codes.
//
// Thread-safety: Call() may be used from many threads at once.
#ifndef DCS_CLIENTS_DATABRICKS_CLIENT_H_
#define DCS_CLIENTS_DATABRICKS_CLIENT_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/databricks/auth.h"
#include "clients/databricks/config.h"
#include "clients/http/http.h"

namespace dcs::databricks {

class ClusterStateBoard;  // cluster_waiter.h

// Whether a call may be repeated after a lost answer.
enum class Retry { kIdempotent, kOnce };

class Client {
 public:
  // `user_agent` is sent as the User-Agent header of every call (the
  // program's name and version: this library does not know who uses it).
  Client(ResolvedConfig config, std::shared_ptr<http::Transport> transport,
         std::shared_ptr<http::Clock> clock, std::string user_agent);
  // With a source already chosen by SelectTokenSource.
  Client(ResolvedConfig config, std::unique_ptr<TokenSource> tokens, std::shared_ptr<http::Transport> transport,
         std::shared_ptr<http::Clock> clock, std::string user_agent);
  ~Client();

  // Calls `method` `path` (e.g. "/api/2.1/clusters/get"). For GET and DELETE
  // `body_or_query` (an object, or null) becomes the query string — arrays as
  // repeated keys; otherwise it is the JSON body (null: no body). Retries
  // 429, 503, TEMPORARILY_UNAVAILABLE / REQUEST_LIMIT_EXCEEDED answers and
  // connection errors only for a Retry::kIdempotent call, within
  // retry_timeout_seconds; a Retry::kOnce call (a create without a token)
  // is sent once.
  // Returns the parsed answer ({} for an empty body). Errors: the mapped
  // Databricks error (see MapError), Unavailable "cannot reach <host>…" when
  // the host is unreachable, Internal for a non-JSON answer, Cancelled on
  // `*stop`, or the token source's error.
  absl::StatusOr<nlohmann::json> Call(std::string_view method, std::string_view path,
                                      const nlohmann::json& body_or_query, const std::atomic<bool>* stop,
                                      Retry retry);

  const ResolvedConfig& config() const { return config_; }
  http::Clock& clock() { return *clock_; }
  // The one place where this client's cluster waits poll (cluster_waiter.h),
  // so that concurrent waits share their requests.
  ClusterStateBoard& cluster_states() { return *cluster_states_; }

 private:
  http::Request BuildRequest(std::string_view method, std::string_view path,
                             const nlohmann::json& body_or_query, std::string authorization) const;
  absl::StatusOr<nlohmann::json> Interpret(const std::string& what, const http::Response& response) const;

  ResolvedConfig config_;
  std::shared_ptr<http::Clock> clock_;
  std::unique_ptr<TokenSource> tokens_;
  http::RetryingClient http_;
  std::string user_agent_;
  std::unique_ptr<ClusterStateBoard> cluster_states_;
};

// Maps a non-2xx answer to a Status: error_code first (RESOURCE_DOES_NOT_EXIST
// → NotFound, INVALID_PARAMETER_VALUE → InvalidArgument — or NotFound when the
// message says "does not exist" —, INVALID_STATE → FailedPrecondition,
// PERMISSION_DENIED → PermissionDenied, RESOURCE_ALREADY_EXISTS →
// AlreadyExists, REQUEST_LIMIT_EXCEEDED → ResourceExhausted,
// TEMPORARILY_UNAVAILABLE → Unavailable, …), then the HTTP status (401 →
// Unauthenticated with a hint about the token). The message keeps
// "ERROR_CODE: message" and names the HTTP status and `what` ("GET /api/…").
absl::Status MapError(const std::string& what, const http::Response& response);

// The Databricks error_code ("FEATURE_DISABLED", "INVALID_STATE", …) of a
// status MapError made, or "" (not an API answer, or none given).
std::string ApiErrorCode(const absl::Status& status);

// Whether `status` is the workspace refusing because Databricks Container
// Services (workspace setting enableDcs) is off.
bool ContainerServicesDisabled(const absl::Status& status);

// Whether an answer is worth retrying for an idempotent call.
bool RetryableAnswer(const http::Response& response);

// "a=1&b=x%20y&c=1&c=2" from a JSON object (strings, numbers, booleans, arrays).
std::string QueryString(const nlohmann::json& params);

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CLIENT_H_
