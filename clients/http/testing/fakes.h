// Test doubles of clients/http: a Transport answering from fixtures and a
// Clock that only moves when told. Test-only library (dcs_http_testing): the
// product binaries never link it.
#ifndef DCS_CLIENTS_HTTP_TESTING_FAKES_H_
#define DCS_CLIENTS_HTTP_TESTING_FAKES_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/http/http.h"

namespace dcs::http {

// A Transport for tests: answers from fixtures {method, path, expected body
// (empty = any), response} in order per (method, path); an unmatched request
// fails the call with FailedPrecondition and a fixture to paste. A read_body
// stream is drained into the recorded request's `body` before matching;
// an on_body consumer receives the fixture's body in one chunk.
class FakeTransport : public Transport {
 public:
  struct Fixture {
    std::string method;
    std::string path;           // URL path plus query, e.g. "/api/2.1/clusters/get?cluster_id=1"
    std::string expected_body;  // compared as JSON when both parse, else as text
    Response response;
    absl::Status error;  // when not OK, Send returns it instead of `response`
  };
  void Add(Fixture fixture);
  absl::StatusOr<Response> Send(const Request& request) override;
  std::vector<Request> requests() const;  // everything sent, in order
  bool AllUsed() const;
  // The failures of requests no fixture matched, each with the fixture to
  // paste: a test that expects an error can still check none was unexpected.
  std::vector<std::string> unmatched() const;

 private:
  mutable std::mutex mu_;
  std::vector<Fixture> fixtures_;
  std::vector<bool> used_;
  std::vector<Request> requests_;
  std::vector<std::string> unmatched_;
};

// A Clock for tests: Now() advances only through Sleep() or Advance(); every
// Sleep is recorded. Sleep returns false without advancing when `*stop` is
// already true, and calls the optional on_sleep hook (tests use it to flip a
// stop flag or change fixtures "while waiting").
class FakeClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override;
  bool Sleep(std::chrono::milliseconds d, const std::atomic<bool>* stop) override;
  void Advance(std::chrono::milliseconds d);
  std::vector<std::chrono::milliseconds> sleeps() const;
  void set_on_sleep(std::function<void(std::chrono::milliseconds)> hook);

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1000)};
  std::vector<std::chrono::milliseconds> sleeps_;
  std::function<void(std::chrono::milliseconds)> on_sleep_;
};

}  // namespace dcs::http

#endif  // DCS_CLIENTS_HTTP_TESTING_FAKES_H_
