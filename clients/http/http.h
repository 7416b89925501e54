// HTTP for every API client (Databricks, Docker Engine, OCI registries, ARM):
// one Transport seam with a libcurl implementation and a fake for tests, plus
// a retrying client with backoff, jitter, Retry-After, a total deadline, a
// rate limit, cancellation and secret redaction in logs.
//
// Thread-safety: Transport implementations and RetryingClient are safe to use
// from many threads at once (Terraform runs up to 10 operations in parallel).
#ifndef DCS_CLIENTS_HTTP_HTTP_H_
#define DCS_CLIENTS_HTTP_HTTP_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dcs::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;  // absolute; for unix sockets e.g. "http://localhost/v1.43/version"
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};  // whole request
  std::string unix_socket;                   // non-empty: connect through this socket
  bool insecure_skip_verify = false;
  std::string ca_file, client_cert_file, client_key_file;  // optional TLS material
  // Streams the response body instead of buffering it (Docker build/push
  // progress). Return false to abort the transfer.
  std::function<bool(std::string_view chunk)> on_body;
  // Streams the request body (build contexts): fills `buffer`, returns bytes
  // written, 0 at end, or -1 to abort. When set, `body` is ignored.
  std::function<long(char* buffer, size_t size)> read_body;
  // When set, the transfer is aborted (Cancelled) once it becomes true;
  // checked about once a second even while no data flows (a long build step).
  const std::atomic<bool>* cancel = nullptr;
  // When non-zero, a buffered response body longer than this aborts the
  // transfer (OutOfRange) instead of being read to the end: a registry
  // answering a config blob with gigabytes must not be downloaded.
  size_t max_body_bytes = 0;
};

struct Response {
  int status = 0;
  Headers headers;  // names as received
  std::string body;
  // Case-insensitive lookup; "" when absent.
  std::string Header(std::string_view name) const;
};

// Sends one request, no retries. Errors: Unavailable (connection refused or
// reset, DNS failure), DeadlineExceeded (timeout), InvalidArgument (bad URL),
// Cancelled (on_body/read_body aborted), OutOfRange (body above
// max_body_bytes). Any HTTP status is a Response.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual absl::StatusOr<Response> Send(const Request& request) = 0;
};

// libcurl; reuses connections per thread; follows no redirects.
std::shared_ptr<Transport> NewCurlTransport(std::string user_agent);

// Time, behind a seam so that waits never sleep in unit tests.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // Sleeps up to `d`; returns false early if `*stop` becomes true.
  virtual bool Sleep(std::chrono::milliseconds d, const std::atomic<bool>* stop) = 0;
};
std::shared_ptr<Clock> RealClock();

struct RetryPolicy {
  std::chrono::milliseconds total_deadline{std::chrono::minutes(5)};
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(10)};
  int max_attempts = 20;
  double requests_per_second = 0;  // 0 = unlimited
};

// Decides whether a response is worth retrying (beyond transport errors).
// Default: 429, 502, 503, 504.
using RetryPredicate = std::function<bool(const Response&)>;
bool DefaultRetryable(const Response& response);

class RetryingClient {
 public:
  RetryingClient(std::shared_ptr<Transport> transport, RetryPolicy policy,
                 std::shared_ptr<Clock> clock = RealClock());

  // Sends `request`, retrying transport errors and retryable responses with
  // exponential backoff and full jitter, honouring Retry-After (seconds or
  // HTTP date), until success, a non-retryable answer, `max_attempts`, the
  // total deadline, or `*stop`. Returns the last response (which may be a
  // 429/503) or the last transport error annotated with the attempt count.
  // Only pass requests that are safe to repeat (GET, PUT, DELETE, or POSTs
  // made idempotent by the API, e.g. with an idempotency token).
  absl::StatusOr<Response> Send(const Request& request, const std::atomic<bool>* stop = nullptr,
                                const RetryPredicate& retryable = DefaultRetryable);

  // One attempt only (for requests that are not safe to repeat), with the
  // same rate limit, stop check, deadline-clamped timeout and attempt log.
  absl::StatusOr<Response> SendOnce(const Request& request, const std::atomic<bool>* stop = nullptr);

 private:
  void WaitForRateLimit(const std::atomic<bool>* stop);

  std::shared_ptr<Transport> transport_;
  RetryPolicy policy_;
  std::shared_ptr<Clock> clock_;
  std::atomic<int64_t> next_slot_ns_{0};
};

// Text safe to log: Authorization / X-Registry-Auth header values, and
// "password", "token", "secret", "client_secret", "access_token",
// "refresh_token" JSON fields, replaced by "<redacted>".
std::string RedactHeaders(const Headers& headers);
std::string RedactJsonBody(std::string_view body);

// Parses a Retry-After value: delta-seconds ("120") or an IMF-fixdate HTTP
// date ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`; past dates give
// 0). Returns nullopt for anything else.
std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now);

// The full-jitter backoff bound for retry number `retry` (0-based):
// min(max_backoff, initial_backoff * 2^retry).
std::chrono::milliseconds BackoffCap(const RetryPolicy& policy, int retry);

// Path plus query of an absolute URL ("http://h:1/a?b" -> "/a?b"; "" -> "/").
std::string UrlPathAndQuery(std::string_view url);

// Percent-encodes everything but the unreserved characters A-Z a-z 0-9 - . _ ~
// (RFC 3986), for query values and form bodies. libcurl does the encoding.
std::string UrlEscape(std::string_view s);

}  // namespace dcs::http

#endif  // DCS_CLIENTS_HTTP_HTTP_H_
