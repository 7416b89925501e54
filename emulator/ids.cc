#include "emulator/ids.h"

#include <chrono>
#include <ctime>
#include <mutex>
#include <random>

#include "absl/strings/str_format.h"

namespace dcs::emulator {
namespace {

std::mt19937_64& Rng() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}
std::mutex& RngMu() {
  static std::mutex mu;
  return mu;
}

std::string Stamp(int64_t now_ms) {
  std::time_t secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return absl::StrFormat("%02d%02d-%02d%02d%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec);
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomToken(int n, bool mixed_case) {
  static constexpr char kLower[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr char kMixed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const char* alphabet = mixed_case ? kMixed : kLower;
  const size_t size = mixed_case ? sizeof(kMixed) - 1 : sizeof(kLower) - 1;
  std::lock_guard<std::mutex> lock(RngMu());
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(alphabet[Rng()() % size]);
  return out;
}

std::string NewClusterId(int64_t now_ms) { return Stamp(now_ms) + "-" + RandomToken(8); }

std::string NewPoolId(int64_t now_ms) {
  return Stamp(now_ms) + "-" + RandomToken(6) + "-pool-" + RandomToken(8, true);
}

int64_t RandomPositive() {
  std::lock_guard<std::mutex> lock(RngMu());
  return static_cast<int64_t>(Rng()() >> 1);
}

}  // namespace dcs::emulator
