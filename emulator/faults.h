// Fault injection and request-rate limiting for API routes.
//
// Rules match by method (optional) and path ("*" = all, "prefix*" = prefix, else
// exact). A rule with rate r fires on a deterministic r-fraction of its matching
// requests (error diffusion: exactly floor(n*r) or ceil(n*r) of n), so tests can
// assert counts without flakiness. Kinds: "429" (with Retry-After), "500", "503",
// "reset" (TCP reset, no response) and "latency" (delay, then serve normally).
//
// Thread-safe.
#ifndef DCS_EMULATOR_FAULTS_H_
#define DCS_EMULATOR_FAULTS_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

struct FaultDecision {
  int64_t latency_ms = 0;
  std::string kind;       // "" = none; else "429", "500", "503", "reset"
  int retry_after_s = 0;  // for 429/503
};

class FaultInjector {
 public:
  // Replaces all rules and limits from
  // {"rules":[{"path","method"?,"kind","rate","latency_ms"?,"retry_after_seconds"?}],
  //  "rate_limits":[{"path","requests_per_second","burst"?}]}.
  absl::Status Configure(const nlohmann::json& config);
  // Adds to the current configuration (same shape).
  absl::Status Add(const nlohmann::json& config);
  nlohmann::json Describe() const;

  FaultDecision Decide(const std::string& method, const std::string& path);
  // True when a rate limit refuses the request now; sets *retry_after_s.
  bool RateLimited(const std::string& path, int* retry_after_s);

 private:
  struct Rule {
    std::string method, path, kind;
    double rate = 1.0;
    int64_t latency_ms = 0;
    int retry_after_s = 1;
    double acc = 0;
    int64_t matched = 0, fired = 0;
  };
  struct Limit {
    std::string path;
    double rps = 0, burst = 0, tokens = 0;
    int64_t last_us = 0, refused = 0;
  };
  absl::Status Parse(const nlohmann::json& config, std::vector<Rule>* rules,
                     std::vector<Limit>* limits) const;

  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  std::vector<Limit> limits_;
};

bool PathMatches(const std::string& pattern, const std::string& path);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_FAULTS_H_
