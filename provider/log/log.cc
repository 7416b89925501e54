#include "provider/log/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"

namespace dcs::log {
namespace {

constexpr std::string_view kRedacted = "<redacted>";
constexpr int kLevelUnset = -1;

// Everything mutable lives behind one mutex: the sink, the secrets, and the
// write itself, so one line is one write and never interleaves.
struct State {
  absl::Mutex mu;
  std::function<void(std::string_view)> sink ABSL_GUARDED_BY(mu);
  std::vector<std::string> secrets ABSL_GUARDED_BY(mu);
};

State& GlobalState() {
  static State* state = new State();  // Never destroyed: logging may run at exit.
  return *state;
}

std::atomic<int>& LevelOverride() {
  static std::atomic<int> level{kLevelUnset};
  return level;
}

void WriteToStderr(std::string_view line) {
  std::string buffer(line);
  buffer.push_back('\n');
  const char* data = buffer.data();
  size_t left = buffer.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr closed: nothing useful left to do.
    data += n;
    left -= static_cast<size_t>(n);
  }
}

int64_t NowMicros() {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::system_clock;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
      .count();
}

// Applies Redact to every string and key inside `value`.
nlohmann::json RedactJson(const nlohmann::json& value,
                          const std::vector<std::string>& secrets) {
  if (value.is_string()) {
    return Redact(value.get_ref<const std::string&>(), secrets);
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(RedactJson(item, secrets));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      out[Redact(key, secrets)] = RedactJson(item, secrets);
    }
    return out;
  }
  return value;
}

bool IsReservedKey(const std::string& key) {
  return key == "@level" || key == "@message" || key == "@timestamp";
}

// Builds the line object. Fields are copied first, then the reserved keys are
// set, so a field can never turn "@level" etc. into a non-string.
nlohmann::json BuildLine(Level level, std::string_view message,
                         const nlohmann::json& fields, int64_t micros) {
  nlohmann::json line = nlohmann::json::object();
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (!IsReservedKey(key)) line[key] = value;
    }
  } else if (!fields.is_null()) {
    line["fields"] = fields;
  }
  if (!line.contains("@module") || !line["@module"].is_string()) {
    line["@module"] = "provider";
  }
  line["@level"] = std::string(LevelName(level));
  line["@message"] = std::string(message);
  line["@timestamp"] = FormatTimestamp(micros);
  return line;
}

}  // namespace

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "off";
}

Level LevelFromEnvironment(const char* tf_log_provider, const char* tf_log) {
  const char* raw = (tf_log_provider != nullptr && *tf_log_provider != '\0')
                        ? tf_log_provider
                        : tf_log;
  if (raw == nullptr || *raw == '\0') return Level::kWarn;
  const std::string value = absl::AsciiStrToUpper(raw);
  if (value == "DEBUG") return Level::kDebug;
  if (value == "INFO") return Level::kInfo;
  if (value == "WARN") return Level::kWarn;
  if (value == "ERROR") return Level::kError;
  if (value == "OFF") return Level::kOff;
  return Level::kTrace;  // TRACE, JSON, and anything Terraform would not know.
}

Level CurrentLevel() {
  int level = LevelOverride().load(std::memory_order_relaxed);
  if (level != kLevelUnset) return static_cast<Level>(level);
  static const Level from_env = LevelFromEnvironment(
      std::getenv("TF_LOG_PROVIDER"), std::getenv("TF_LOG"));
  return from_env;
}

std::string FormatTimestamp(int64_t unix_micros) {
  int64_t seconds = unix_micros / 1000000;
  int64_t micros = unix_micros % 1000000;
  if (micros < 0) {  // Floor division for times before 1970.
    micros += 1000000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec, static_cast<int>(micros));
  return buffer;
}

std::string Redact(std::string_view text,
                   const std::vector<std::string>& secrets) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t longest = 0;
    for (const std::string& secret : secrets) {
      if (secret.size() > longest &&
          text.substr(pos, secret.size()) == secret) {
        longest = secret.size();
      }
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
    const int64_t micros = NowMicros();
    State& state = GlobalState();
    absl::MutexLock lock(&state.mu);
    nlohmann::json line = BuildLine(level, message, fields, micros);
    if (!state.secrets.empty()) line = RedactJson(line, state.secrets);
    // Invalid UTF-8 (e.g. raw API bytes) is replaced instead of throwing.
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (state.sink) {
      state.sink(text);
    } else {
      WriteToStderr(text);
    }
  } catch (...) {
    // Logging must never take the provider down (e.g. std::bad_alloc).
  }
}

void RegisterSecret(std::string secret) {
  if (secret.empty()) return;
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  if (std::find(state.secrets.begin(), state.secrets.end(), secret) ==
      state.secrets.end()) {
    state.secrets.push_back(std::move(secret));
  }
}

void SetLevelForTesting(Level level) {
  LevelOverride().store(static_cast<int>(level), std::memory_order_relaxed);
}

void SetSinkForTesting(std::function<void(std::string_view line)> sink) {
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  state.sink = std::move(sink);
}

void ClearSecretsForTesting() {
  State& state = GlobalState();
  absl::MutexLock lock(&state.mu);
  state.secrets.clear();
}

}  // namespace dcs::log
