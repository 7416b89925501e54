// The logging interface every layer writes to: leveled, structured entries
// (a message plus JSON fields), with process-wide secret redaction. Where the
// entries go is a Sink installed by the program: the plugin SDK installs one
// that writes hclog JSON lines on stderr, the format Terraform/OpenTofu read
// from a provider. Without a sink, entries are dropped.
//
// Secrets registered with RegisterSecret are replaced by "<redacted>" in the
// message and in every string (and object key) of the fields before a sink
// sees the entry.
//
// Thread-safety: every function here may be called from any thread; a sink's
// Write is called under one process-wide mutex, one entry at a time.
#ifndef DCS_BASE_LOG_H_
#define DCS_BASE_LOG_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dcs::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// A destination of log entries. `message` and `fields` are already redacted.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(Level level, std::string_view message, const nlohmann::json& fields) = 0;
};

// Replaces the sink (nullptr: drop entries) and the minimum level written.
void SetSink(std::shared_ptr<Sink> sink, Level min_level);

// The minimum level written (kWarn until SetSink / SetLevel say otherwise).
Level CurrentLevel();
void SetLevel(Level level);

// Hands one entry to the sink if `level` is at or above CurrentLevel().
// `fields` is normally an object; "@module" in it names the component
// (default "provider" in the hclog sink).
void Log(Level level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

inline void Trace(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kTrace, message, fields);
}
inline void Debug(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kDebug, message, fields);
}
inline void Info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kInfo, message, fields);
}
inline void Warn(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kWarn, message, fields);
}
inline void Error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kError, message, fields);
}

// Returns `text` with every occurrence of any non-empty secret replaced by
// "<redacted>". Where secrets overlap, the longest match at the leftmost
// position wins, so a secret that contains another is hidden whole.
std::string Redact(std::string_view text, const std::vector<std::string>& secrets);

// Adds a secret to the process-wide registry applied to every later entry.
// Empty strings are ignored. Secrets are never removed (a provider process
// is short-lived).
void RegisterSecret(std::string secret);

// Drops all registered secrets (tests only).
void ClearSecretsForTesting();

}  // namespace dcs::log

#endif  // DCS_BASE_LOG_H_
