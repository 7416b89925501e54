#include "emulator/faults.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool KnownKind(const std::string& k) {
  return k == "403" || k == "429" || k == "500" || k == "503" || k == "reset" || k == "drop-reply" || k == "latency";
}

}  // namespace

bool PathMatches(const std::string& pattern, const std::string& path) {
  if (pattern.empty() || pattern == "*") return true;
  if (pattern.back() == '*') return absl::StartsWith(path, pattern.substr(0, pattern.size() - 1));
  return pattern == path;
}

absl::Status FaultInjector::Parse(const Json& config, std::vector<Rule>* rules,
                                  std::vector<Limit>* limits) const {
  if (!config.is_object()) return InvalidParameter("fault configuration must be a JSON object");
  std::optional<uint64_t> seed;
  if (config.contains("seed")) seed = config["seed"].get<uint64_t>();
  for (const Json& r : config.value("rules", Json::array())) {
    Rule rule;
    rule.path = r.value("path", "*");
    rule.method = r.value("method", "");
    rule.kind = r.value("kind", "");
    rule.rate = r.value("rate", 1.0);
    rule.latency_ms = r.value("latency_ms", int64_t{0});
    rule.retry_after_s = r.value("retry_after_seconds", 1);
    if (r.contains("seed")) {
      rule.seed = r["seed"].get<uint64_t>();
    } else if (seed) {
      // Distinct, reproducible streams per rule (splitmix-style spreading).
      rule.seed = *seed + 0x9E3779B97F4A7C15ull * (rules->size() + 1);
    }
    if (rule.seed) rule.random.seed(*rule.seed);
    if (!KnownKind(rule.kind)) {
      return InvalidParameter(absl::StrCat("Invalid fault kind '", rule.kind,
                                           "' (expected 429, 500, 503, reset, drop-reply or latency)"));
    }
    if (!(rule.rate >= 0 && rule.rate <= 1)) return InvalidParameter("fault rate must be within [0, 1]");
    rules->push_back(rule);
  }
  for (const Json& l : config.value("rate_limits", Json::array())) {
    Limit limit;
    limit.path = l.value("path", "*");
    limit.rps = l.value("requests_per_second", 0.0);
    limit.burst = l.value("burst", std::max(1.0, limit.rps));
    if (limit.rps <= 0) return InvalidParameter("requests_per_second must be positive");
    limit.tokens = limit.burst;
    limits->push_back(limit);
  }
  return absl::OkStatus();
}

absl::Status FaultInjector::Configure(const Json& config) {
  std::vector<Rule> rules;
  std::vector<Limit> limits;
  try {
    if (auto s = Parse(config, &rules, &limits); !s.ok()) return s;
  } catch (const Json::exception& e) {
    return InvalidParameter(absl::StrCat("Invalid fault configuration: ", e.what()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  limits_ = std::move(limits);
  return absl::OkStatus();
}

absl::Status FaultInjector::Add(const Json& config) {
  std::vector<Rule> rules;
  std::vector<Limit> limits;
  try {
    if (auto s = Parse(config, &rules, &limits); !s.ok()) return s;
  } catch (const Json::exception& e) {
    return InvalidParameter(absl::StrCat("Invalid fault configuration: ", e.what()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  rules_.insert(rules_.end(), rules.begin(), rules.end());
  limits_.insert(limits_.end(), limits.begin(), limits.end());
  return absl::OkStatus();
}

Json FaultInjector::Describe() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json rules = Json::array(), limits = Json::array();
  for (const Rule& r : rules_) {
    rules.push_back({{"path", r.path}, {"method", r.method}, {"kind", r.kind}, {"rate", r.rate},
                     {"latency_ms", r.latency_ms}, {"retry_after_seconds", r.retry_after_s},
                     {"matched", r.matched}, {"fired", r.fired}, {"deferred", r.deferred}});
    if (r.seed) rules.back()["seed"] = *r.seed;
  }
  for (const Limit& l : limits_) {
    limits.push_back({{"path", l.path}, {"requests_per_second", l.rps}, {"burst", l.burst},
                      {"refused", l.refused}});
  }
  return Json{{"rules", rules}, {"rate_limits", limits}};
}

bool FaultInjector::Rule::Scheduled() {
  if (seed) return std::uniform_real_distribution<double>(0.0, 1.0)(random) < rate;
  acc += rate;
  if (acc < 1.0 - 1e-9) return false;
  acc -= 1.0;
  return true;
}

FaultDecision FaultInjector::Decide(const std::string& method, const std::string& path) {
  FaultDecision d;
  std::lock_guard<std::mutex> lock(mu_);
  for (Rule& r : rules_) {
    if (!PathMatches(r.path, path) || (!r.method.empty() && r.method != method)) continue;
    ++r.matched;
    // A deferred firing is still owed; the schedule keeps running meanwhile
    // (one owed firing at most, so the rate stays the configured one).
    const bool scheduled = r.Scheduled();
    if (!scheduled && !r.due) continue;
    if (r.kind == "latency") {
      ++r.fired;
      d.latency_ms += r.latency_ms;
    } else if (d.kind.empty()) {
      ++r.fired;
      r.due = false;
      d.kind = r.kind;
      d.retry_after_s = r.retry_after_s;
      d.latency_ms += r.latency_ms;
    } else if (!r.due) {
      ++r.deferred;
      r.due = true;
    }
  }
  return d;
}

bool FaultInjector::RateLimited(const std::string& path, int* retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowUs();
  for (Limit& l : limits_) {
    if (!PathMatches(l.path, path)) continue;
    if (l.last_us != 0) {
      l.tokens = std::min(l.burst, l.tokens + (now - l.last_us) / 1e6 * l.rps);
    }
    l.last_us = now;
    if (l.tokens >= 1.0) {
      l.tokens -= 1.0;
      continue;
    }
    ++l.refused;
    *retry_after_s = std::max(1, static_cast<int>(std::ceil((1.0 - l.tokens) / l.rps)));
    return true;
  }
  return false;
}

}  // namespace dcs::emulator
