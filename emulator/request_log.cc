#include "emulator/request_log.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;
constexpr size_t kRingSize = 20000;

bool Sensitive(const std::string& key) {
  return key == "string_value" || key == "bytes_value" || key == "password" ||
         key == "client_secret" || key == "token" || key == "access_token";
}

void RedactInPlace(Json& j) {
  if (j.is_object()) {
    for (auto& [k, v] : j.items()) {
      if (Sensitive(k) && v.is_string()) {
        // References are not secrets themselves; keep them visible for assertions.
        const std::string& s = v.get_ref<const std::string&>();
        if (s.rfind("{{secrets/", 0) != 0) v = "[REDACTED]";
      } else {
        RedactInPlace(v);
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) RedactInPlace(v);
  }
}

}  // namespace

Json RedactBody(const Json& body) {
  Json copy = body;
  RedactInPlace(copy);
  if (copy.dump().size() > 16384) return Json{{"_truncated", true}};
  return copy;
}

RequestLog::RequestLog(const std::string& path) {
  if (!path.empty()) file_.open(path, std::ios::app);
}

void RequestLog::Append(Json record) {
  std::lock_guard<std::mutex> lock(mu_);
  record["seq"] = ++seq_;
  if (file_.is_open()) {
    file_ << record.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    file_.flush();  // tests read the file while the emulator runs
  }
  ring_.push_back(std::move(record));
  if (ring_.size() > kRingSize) ring_.pop_front();
}

Json RequestLog::Since(int64_t since) const {
  std::lock_guard<std::mutex> lock(mu_);
  Json out = Json::array();
  for (const Json& r : ring_) {
    if (r["seq"].get<int64_t>() > since) out.push_back(r);
  }
  return out;
}

}  // namespace dcs::emulator
