// RealClock (polls the stop flag while sleeping) and FakeClock.
#include <algorithm>
#include <thread>

#include "clients/http/http.h"

namespace dcs::http {
namespace {

class SteadyClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }

  bool Sleep(std::chrono::milliseconds d, const std::atomic<bool>* stop) override {
    // Nobody notifies on the stop flag, so poll it in short slices.
    constexpr std::chrono::milliseconds kSlice{25};
    const auto end = Now() + d;
    while (true) {
      if (stop != nullptr && stop->load()) return false;
      const auto now = Now();
      if (now >= end) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kSlice, end - now));
    }
  }
};

}  // namespace

std::shared_ptr<Clock> RealClock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SteadyClock>();
  return clock;
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
