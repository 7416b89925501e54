// The plugin SDK's log sink: hclog-compatible JSON lines on stderr.
//
// Terraform/OpenTofu read the provider's stderr line by line and parse JSON
// objects with "@level", "@message", "@timestamp" (strings only, timestamp in
// Go layout 2006-01-02T15:04:05.000000Z07:00); every other key becomes a
// key/value pair on the log entry. Each entry is one line written with one
// write(2); base/log.h serialises entries, so lines never interleave.
#ifndef DCS_SDK_LOG_HCLOG_H_
#define DCS_SDK_LOG_HCLOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/log.h"

namespace dcs::log {

// Installs the hclog sink on stderr at the level TF_LOG_PROVIDER / TF_LOG
// ask for (LevelFromEnvironment). Called by plugin::Serve.
void InstallHclogSink();

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

// The hclog line of one entry: the fields' keys, then "@module" (default
// "provider"), "@level", "@message", "@timestamp"; a field can never turn
// the reserved keys into non-strings. A non-object `fields` goes under
// "fields". Invalid UTF-8 is replaced, never thrown on.
std::string FormatHclogLine(Level level, std::string_view message, const nlohmann::json& fields,
                            int64_t unix_micros);

// Testing seams: hclog lines go to `lines` instead of stderr (nullptr:
// stderr again); the level stays.
void SetSinkForTesting(std::function<void(std::string_view line)> lines);
void SetLevelForTesting(Level level);

}  // namespace dcs::log

#endif  // DCS_SDK_LOG_HCLOG_H_
