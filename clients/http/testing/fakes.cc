// FakeTransport (ordered fixtures per (method, path)) and FakeClock, for unit tests.
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/http/testing/fakes.h"

namespace dcs::http {
namespace {

bool BodiesMatch(const std::string& expected, const std::string& actual) {
  if (expected.empty()) return true;
  auto e = nlohmann::json::parse(expected, nullptr, false);
  auto a = nlohmann::json::parse(actual, nullptr, false);
  if (!e.is_discarded() && !a.is_discarded()) return e == a;
  return expected == actual;
}

std::string FixtureToPaste(const Request& request, const std::string& path) {
  const std::string& body = request.body;
  return absl::StrCat("FakeTransport: no fixture matches this request; to expect it, add\n",
                      "  fake->Add({\"", request.method, "\", \"", path, "\", R\"(", body,
                      ")\", Response{200, {}, R\"({})\"}, absl::OkStatus()});");
}

}  // namespace

void FakeTransport::Add(Fixture fixture) {
  std::lock_guard<std::mutex> lock(mu_);
  fixtures_.push_back(std::move(fixture));
  used_.push_back(false);
}

absl::StatusOr<Response> FakeTransport::Send(const Request& original) {
  Request request = original;
  if (request.read_body) {
    // Drain a streamed body so that fixtures and requests() see its bytes
    // (the recorded request keeps read_body, now at its end).
    request.body.clear();
    char buffer[16384];
    for (long n; (n = request.read_body(buffer, sizeof(buffer))) != 0;) {
      if (n < 0) return absl::CancelledError("read_body aborted the transfer");
      request.body.append(buffer, static_cast<size_t>(n));
    }
  }
  const std::string path = UrlPathAndQuery(request.url);
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(request);
  std::string mismatch;
  for (size_t i = 0; i < fixtures_.size(); ++i) {
    const Fixture& f = fixtures_[i];
    if (used_[i] || f.method != request.method || f.path != path) continue;
    if (!BodiesMatch(f.expected_body, request.body)) {
      mismatch = absl::StrCat("\nclosest fixture expected body: ", f.expected_body,
                              "\nactual body: ", request.body);
      break;  // fixtures are ordered per (method, path): only the next one counts
    }
    used_[i] = true;
    if (!f.error.ok()) return f.error;
    Response response = f.response;
    if (request.max_body_bytes != 0 && response.body.size() > request.max_body_bytes) {
      return absl::OutOfRangeError("response body larger than max_body_bytes (transfer stopped)");
    }
    if (request.on_body && !response.body.empty()) {
      if (!request.on_body(response.body)) return absl::CancelledError("on_body aborted the transfer");
      response.body.clear();
    }
    return response;
  }
  unmatched_.push_back(FixtureToPaste(request, path) + mismatch);
  return absl::FailedPreconditionError(unmatched_.back());
}

std::vector<std::string> FakeTransport::unmatched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unmatched_;
}

std::vector<Request> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool FakeTransport::AllUsed() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (bool u : used_) {
    if (!u) return false;
  }
  return true;
}

std::chrono::steady_clock::time_point FakeClock::Now() {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

bool FakeClock::Sleep(std::chrono::milliseconds d, const std::atomic<bool>* stop) {
  if (stop != nullptr && stop->load()) return false;
  std::function<void(std::chrono::milliseconds)> hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    now_ += d;
    hook = on_sleep_;
  }
  if (hook) hook(d);
  return stop == nullptr || !stop->load();
}

void FakeClock::Advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
}

std::vector<std::chrono::milliseconds> FakeClock::sleeps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sleeps_;
}

void FakeClock::set_on_sleep(std::function<void(std::chrono::milliseconds)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  on_sleep_ = std::move(hook);
}

}  // namespace dcs::http
