#include "sdk/log/hclog.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"

namespace dcs::log {
namespace {

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
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

bool IsReservedKey(const std::string& key) {
  return key == "@level" || key == "@message" || key == "@timestamp";
}

class HclogSink : public Sink {
 public:
  explicit HclogSink(std::function<void(std::string_view)> out) : out_(std::move(out)) {}
  void Write(Level level, std::string_view message, const nlohmann::json& fields) override {
    out_(FormatHclogLine(level, message, fields, NowMicros()));
  }

 private:
  std::function<void(std::string_view)> out_;
};

}  // namespace

std::string FormatHclogLine(Level level, std::string_view message, const nlohmann::json& fields,
                            int64_t unix_micros) {
  nlohmann::json line = nlohmann::json::object();
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (!IsReservedKey(key)) line[key] = value;
    }
  } else if (!fields.is_null()) {
    line["fields"] = fields;
  }
  if (!line.contains("@module") || !line["@module"].is_string()) line["@module"] = "provider";
  line["@level"] = std::string(LevelName(level));
  line["@message"] = std::string(message);
  line["@timestamp"] = FormatTimestamp(unix_micros);
  // Invalid UTF-8 (e.g. raw API bytes) is replaced instead of throwing.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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
  const char* raw = (tf_log_provider != nullptr && *tf_log_provider != '\0') ? tf_log_provider : tf_log;
  if (raw == nullptr || *raw == '\0') return Level::kWarn;
  const std::string value = absl::AsciiStrToUpper(raw);
  if (value == "DEBUG") return Level::kDebug;
  if (value == "INFO") return Level::kInfo;
  if (value == "WARN") return Level::kWarn;
  if (value == "ERROR") return Level::kError;
  if (value == "OFF") return Level::kOff;
  return Level::kTrace;  // TRACE, JSON, and anything Terraform would not know.
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
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(micros));
  return buffer;
}

void InstallHclogSink() {
  SetSink(std::make_shared<HclogSink>(WriteToStderr),
          LevelFromEnvironment(std::getenv("TF_LOG_PROVIDER"), std::getenv("TF_LOG")));
}

void SetSinkForTesting(std::function<void(std::string_view line)> lines) {
  SetSink(std::make_shared<HclogSink>(lines ? std::move(lines) : WriteToStderr), CurrentLevel());
}

void SetLevelForTesting(Level level) { SetLevel(level); }

}  // namespace dcs::log
