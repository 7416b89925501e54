// RetryingClient: backoff with full jitter, Retry-After, deadline, attempts,
// rate limit, cancellation; one DEBUG log line per attempt.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "clients/http/http.h"

namespace dcs::http {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

milliseconds FullJitter(milliseconds cap) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (cap.count() <= 0) return milliseconds(0);
  std::uniform_int_distribution<int64_t> dist(0, cap.count());
  return milliseconds(dist(rng));
}

void LogAttempt(const Request& request, int attempt, const absl::StatusOr<Response>& result) {
  // Building the entry (headers redacted, status text) costs more than the
  // rest of an answered attempt; skip it when debug entries are dropped anyway.
  if (dcs::log::CurrentLevel() > dcs::log::Level::kDebug) return;
  nlohmann::json fields = {{"@module", "http"},
                           {"method", request.method},
                           {"url", request.url},
                           {"attempt", attempt},
                           {"request_headers", RedactHeaders(request.headers)}};
  if (!request.unix_socket.empty()) fields["unix_socket"] = request.unix_socket;
  if (result.ok()) {
    fields["status"] = result->status;
  } else {
    fields["error"] = result.status().ToString();
  }
  dcs::log::Debug("HTTP request", fields);
}

// The wait before the next attempt: Retry-After when the answer carries a
// usable one, else a full-jitter backoff.
milliseconds NextWait(const RetryPolicy& policy, int retry, const absl::StatusOr<Response>& result) {
  if (result.ok()) {
    std::string header = result->Header("Retry-After");
    if (!header.empty()) {
      auto parsed = ParseRetryAfter(header, std::chrono::system_clock::now());
      if (parsed) return *parsed;
    }
  }
  return FullJitter(BackoffCap(policy, retry));
}

bool RetryableError(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

absl::StatusOr<Response> Annotate(absl::StatusOr<Response> last, int attempts, const char* why) {
  if (last.ok()) return last;
  return absl::Status(last.status().code(),
                      absl::StrCat(last.status().message(), " (after ", attempts,
                                   attempts == 1 ? " attempt" : " attempts", why, ")"));
}

}  // namespace

bool DefaultRetryable(const Response& response) {
  return response.status == 429 || response.status == 502 || response.status == 503 ||
         response.status == 504;
}

milliseconds BackoffCap(const RetryPolicy& policy, int retry) {
  int64_t cap = std::max<int64_t>(policy.initial_backoff.count(), 1);
  for (int i = 0; i < retry && cap < policy.max_backoff.count(); ++i) cap *= 2;
  return milliseconds(std::min<int64_t>(cap, policy.max_backoff.count()));
}

RetryingClient::RetryingClient(std::shared_ptr<Transport> transport, RetryPolicy policy,
                               std::shared_ptr<Clock> clock)
    : transport_(std::move(transport)), policy_(policy), clock_(std::move(clock)) {}

void RetryingClient::WaitForRateLimit(const std::atomic<bool>* stop) {
  if (!(policy_.requests_per_second > 0)) return;  // off (0, negative or NaN)
  // At most one request an hour: a tiny rate (1e-300) would overflow the
  // conversion to int64 nanoseconds, which is undefined behaviour.
  constexpr double kMaxIntervalNs = 3600e9;
  const int64_t interval =
      static_cast<int64_t>(std::min(1e9 / policy_.requests_per_second, kMaxIntervalNs));
  const int64_t now = duration_cast<nanoseconds>(clock_->Now().time_since_epoch()).count();
  int64_t slot = next_slot_ns_.load();
  // Claim the next free slot: max(now, next) and push `next` one interval on.
  while (true) {
    const int64_t mine = std::max(now, slot);
    if (next_slot_ns_.compare_exchange_weak(slot, mine + interval)) {
      slot = mine;
      break;
    }
  }
  if (slot > now) clock_->Sleep(duration_cast<milliseconds>(nanoseconds(slot - now)), stop);
}

absl::StatusOr<Response> RetryingClient::Send(const Request& request, const std::atomic<bool>* stop,
                                              const RetryPredicate& retryable) {
  const auto deadline = clock_->Now() + policy_.total_deadline;
  absl::StatusOr<Response> last = absl::UnavailableError("no attempt made");
  for (int attempt = 1;; ++attempt) {
    if (stop != nullptr && stop->load()) {
      return absl::CancelledError(absl::StrCat(request.method, " ", request.url, ": cancelled"));
    }
    WaitForRateLimit(stop);
    Request req = request;
    const auto remaining = duration_cast<milliseconds>(deadline - clock_->Now());
    if (remaining.count() > 0 && remaining < req.timeout) req.timeout = remaining;
    last = transport_->Send(req);
    LogAttempt(req, attempt, last);
    const bool again = last.ok() ? retryable(*last) : RetryableError(last.status());
    if (!again) return last;
    if (attempt >= policy_.max_attempts) return Annotate(std::move(last), attempt, "; attempt limit");
    const milliseconds wait = NextWait(policy_, attempt - 1, last);
    if (clock_->Now() + wait >= deadline) {
      return Annotate(std::move(last), attempt, "; retry deadline reached");
    }
    if (!clock_->Sleep(wait, stop)) {
      return absl::CancelledError(absl::StrCat(request.method, " ", request.url,
                                               ": cancelled while waiting to retry"));
    }
  }
}

absl::StatusOr<Response> RetryingClient::SendOnce(const Request& request,
                                                  const std::atomic<bool>* stop) {
  if (stop != nullptr && stop->load()) {
    return absl::CancelledError(absl::StrCat(request.method, " ", request.url, ": cancelled"));
  }
  WaitForRateLimit(stop);
  absl::StatusOr<Response> result = transport_->Send(request);
  LogAttempt(request, 1, result);
  return result;
}

}  // namespace dcs::http
