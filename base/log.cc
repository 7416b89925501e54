#include "base/log.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/synchronization/mutex.h"

namespace dcs::log {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

// The sink and the secrets live behind one mutex, held while the sink
// writes, so entries from concurrent RPC handlers never interleave.
struct State {
  absl::Mutex mu;
  std::shared_ptr<Sink> sink ABSL_GUARDED_BY(mu);
  std::vector<std::string> secrets ABSL_GUARDED_BY(mu);
};

State& GlobalState() {
  static State* state = new State();  // Never destroyed: logging may run at exit.
  return *state;
}

std::atomic<Level>& MinLevel() {
  static std::atomic<Level> level{Level::kWarn};
  return level;
}

// Applies Redact to every string and key inside `value`.
nlohmann::json RedactJson(const nlohmann::json& value, const std::vector<std::string>& secrets) {
  if (value.is_string()) return Redact(value.get_ref<const std::string&>(), secrets);
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(RedactJson(item, secrets));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) out[Redact(key, secrets)] = RedactJson(item, secrets);
    return out;
  }
  return value;
}

}  // namespace

void SetSink(std::shared_ptr<Sink> sink, Level min_level) {
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  state.sink = std::move(sink);
  MinLevel().store(min_level, std::memory_order_relaxed);
}

Level CurrentLevel() { return MinLevel().load(std::memory_order_relaxed); }

void SetLevel(Level level) { MinLevel().store(level, std::memory_order_relaxed); }

std::string Redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t longest = 0;
    for (const std::string& secret : secrets) {
      if (secret.size() > longest && text.substr(pos, secret.size()) == secret) longest = secret.size();
    }
    if (longest > 0) {
      out.append(kRedacted);
      pos += longest;
    } else {
      out.push_back(text[pos]);
      ++pos;
    }
  }
  return out;
}

void Log(Level level, std::string_view message, const nlohmann::json& fields) {
  if (level == Level::kOff || level < CurrentLevel()) return;
  try {
    State& state = GlobalState();
    absl::MutexLock lock(&state.mu);
    if (!state.sink) return;
    if (state.secrets.empty()) {
      state.sink->Write(level, message, fields);
    } else {
      state.sink->Write(level, Redact(message, state.secrets), RedactJson(fields, state.secrets));
    }
  } catch (...) {
    // Logging must never take the provider down (e.g. std::bad_alloc).
  }
}

void RegisterSecret(std::string secret) {
  if (secret.empty()) return;
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  if (std::find(state.secrets.begin(), state.secrets.end(), secret) == state.secrets.end()) {
    state.secrets.push_back(std::move(secret));
  }
}

void ClearSecretsForTesting() {
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  state.secrets.clear();
}

}  // namespace dcs::log
