// Fault injection and request-rate limiting for API routes.
//
// Rules match by method (optional) and path ("*" = all, "prefix*" = prefix, else
// exact). Each rule keeps its own schedule over the requests it matches:
//  * without a seed, error diffusion fires it on exactly floor(n*r) or
//    ceil(n*r) of n matching requests, so tests can assert counts;
//  * with a seed (top-level "seed" or the rule's own), every rule draws from
//    its own generator seeded by (seed, rule index): independent schedules,
//    reproducible for the same sequence of matching requests.
// A request gets at most one error kind. A rule that is due while an earlier
// rule already faulted the request stays due and fires on its next match, so
// rules sharing a path all fire at their rates instead of the first one
// starving the others. Kinds: "403", "429" (with Retry-After), "500", "503", "reset"
// (TCP reset before the request is handled), "drop-reply" (the request is
// handled, then the connection is reset instead of answering: the change
// happened and the client never learns it) and "latency" (delay, then serve).
//
// Thread-safe.
#ifndef DCS_EMULATOR_FAULTS_H_
#define DCS_EMULATOR_FAULTS_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

struct FaultDecision {
  int64_t latency_ms = 0;
  std::string kind;       // "" = none; else "403", "429", "500", "503", "reset", "drop-reply"
  int retry_after_s = 0;  // for 429/503
};

class FaultInjector {
 public:
  // Replaces all rules and limits from
  // {"seed"?, "rules":[{"path","method"?,"kind","rate","latency_ms"?,
  //                     "retry_after_seconds"?,"seed"?}],
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
    bool due = false;                  // deferred: fires on the next match
    std::optional<uint64_t> seed;      // set: Bernoulli draws from `random`
    std::mt19937_64 random;
    int64_t matched = 0, fired = 0, deferred = 0;
    // Whether this match is one the rule's schedule picks.
    bool Scheduled();
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
