// RealClock: polls the stop flag while sleeping.
#include <algorithm>
#include <thread>

#include "clients/http/http.h"

namespace dcs::http {
namespace {

class SteadyClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }

  bool Sleep(std::chrono::milliseconds d, const std::atomic<bool>* stop) override {
    // Nobody notifies on the stop flag, so poll it in slices: short enough
    // that StopProvider is honoured within a fraction of a second, long
    // enough that ten requests queued behind the rate limit do not keep the
    // CPU busy waking up (25 ms slices cost a quarter of a rate-limited
    // refresh's CPU).
    constexpr std::chrono::milliseconds kSlice{200};
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

}  // namespace dcs::http
