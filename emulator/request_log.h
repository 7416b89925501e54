// JSON-lines request log: one object per served request, appended to a file (when
// configured) and kept in a bounded in-memory ring for GET /_emulator/requests.
// Sensitive body fields (secret values, passwords, client secrets) are redacted.
// Thread-safe.
#ifndef DCS_EMULATOR_REQUEST_LOG_H_
#define DCS_EMULATOR_REQUEST_LOG_H_

#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <string>

#include "nlohmann/json.hpp"

namespace dcs::emulator {

class RequestLog {
 public:
  // `path` empty = memory only.
  explicit RequestLog(const std::string& path);

  // Assigns the record a sequence number ("seq") and stores it.
  void Append(nlohmann::json record);
  // Records with seq > since, oldest first.
  nlohmann::json Since(int64_t since) const;

 private:
  mutable std::mutex mu_;
  std::ofstream file_;
  std::deque<nlohmann::json> ring_;
  int64_t seq_ = 0;
};

// A copy of `body` with sensitive values replaced by "[REDACTED]", truncated to a
// size that keeps log lines readable.
nlohmann::json RedactBody(const nlohmann::json& body);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_REQUEST_LOG_H_
