// hclog-compatible structured logging on stderr.
//
// Terraform/OpenTofu read the provider's stderr line by line and parse JSON
// objects with "@level", "@message", "@timestamp" (strings only, timestamp in
// Go layout 2006-01-02T15:04:05.000000Z07:00); every other key becomes a
// key/value pair on the log entry. Each call to Log writes exactly one line
// with one write(2), under one process-wide mutex, so lines from concurrent
// RPC handlers never interleave.
//
// Secrets registered with RegisterSecret are replaced by "<redacted>" in the
// message and in every string (and object key) of the fields before the line
// is serialised.
//
// Thread-safety: every function here may be called from any thread.
#ifndef DCS_PROVIDER_LOG_LOG_H_
#define DCS_PROVIDER_LOG_LOG_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dcs::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Writes one JSON line if `level` is at or above CurrentLevel(). `fields` is
// normally an object whose keys are copied into the line; "@module" in it
// overrides the default module "provider". Other "@"-keys reserved by hclog
// ("@level", "@message", "@timestamp") are ignored so that they stay strings.
// A non-object `fields` is logged under the key "fields".
void Log(Level level, std::string_view message,
         const nlohmann::json& fields = nlohmann::json::object());

inline void Trace(std::string_view message,
                  const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kTrace, message, fields);
}
inline void Debug(std::string_view message,
                  const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kDebug, message, fields);
}
inline void Info(std::string_view message,
                 const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kInfo, message, fields);
}
inline void Warn(std::string_view message,
                 const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kWarn, message, fields);
}
inline void Error(std::string_view message,
                  const nlohmann::json& fields = nlohmann::json::object()) {
  Log(Level::kError, message, fields);
}

// The minimum level written. Read once from TF_LOG_PROVIDER, else TF_LOG
// (see LevelFromEnvironment), unless SetLevelForTesting was called.
Level CurrentLevel();

// Maps the values of TF_LOG_PROVIDER / TF_LOG to a level, the way Terraform
// does: TRACE/DEBUG/INFO/WARN/ERROR/OFF (case-insensitive), JSON → trace,
// any other non-empty value → trace. Both unset or empty → kWarn: warnings
// and errors are always emitted so that Terraform can surface problems.
Level LevelFromEnvironment(const char* tf_log_provider, const char* tf_log);

// The hclog name of a level ("trace" … "error"; "off" for kOff).
std::string_view LevelName(Level level);

// Formats a UNIX time in microseconds in Go layout
// 2006-01-02T15:04:05.000000Z07:00 (always UTC, so the zone is "Z").
std::string FormatTimestamp(int64_t unix_micros);

// Returns `text` with every occurrence of any non-empty secret replaced by
// "<redacted>". Where secrets overlap, the longest match at the leftmost
// position wins, so a secret that contains another is hidden whole.
std::string Redact(std::string_view text,
                   const std::vector<std::string>& secrets);

// Adds a secret to the process-wide registry applied to every later line.
// Empty strings are ignored. Secrets are never removed (a provider process
// is short-lived).
void RegisterSecret(std::string secret);

// Testing seams. SetLevelForTesting overrides the environment;
// SetSinkForTesting(nullptr) restores the stderr sink.
void SetLevelForTesting(Level level);
void SetSinkForTesting(std::function<void(std::string_view line)> sink);
// Drops all registered secrets (tests only).
void ClearSecretsForTesting();

}  // namespace dcs::log

#endif  // DCS_PROVIDER_LOG_LOG_H_
