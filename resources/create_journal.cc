#include "resources/create_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace dcs::resources {
namespace {

using nlohmann::json;

constexpr int64_t kMaxAgeSeconds = 7 * 24 * 3600;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomToken() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return absl::StrCat("dcs-", absl::Hex(gen(), absl::kZeroPad16), absl::Hex(gen(), absl::kZeroPad16));
}

json Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::array();
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, false);
  if (!j.is_object() || !j.contains("pending") || !j["pending"].is_array()) return json::array();
  json out = json::array();
  const int64_t now = NowSeconds();
  for (const json& e : j["pending"]) {
    if (!e.is_object() || !e.contains("key") || !e.contains("token") || !e["key"].is_string() ||
        !e["token"].is_string()) {
      continue;
    }
    const int64_t at = e.contains("at") && e["at"].is_number_integer() ? e["at"].get<int64_t>() : 0;
    if (now - at > kMaxAgeSeconds) continue;
    out.push_back(e);
  }
  return out;
}

// Write to a temporary file, fsync, rename: a crash leaves the old or the new
// journal, never half of one.
void Store(const std::string& path, const json& pending) {
  const std::string tmp = path + ".tmp";
  const std::string text = json{{"pending", pending}}.dump(1);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    log::Warn("cannot write the create journal", {{"path", tmp}});
    return;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    log::Warn("cannot write the create journal", {{"path", path}});
  }
}

std::string DefaultPath() {
  if (const char* explicit_path = std::getenv("DCS_CREATE_JOURNAL")) {
    return std::string(explicit_path) == "off" ? "" : explicit_path;
  }
  const char* data_dir = std::getenv("TF_DATA_DIR");
  const std::string dir = data_dir != nullptr && *data_dir != '\0' ? data_dir : ".terraform";
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "";
  return dir + "/dcs-pending-creates.json";
}

}  // namespace

CreateJournal& CreateJournal::ForProcess() {
  static CreateJournal* journal = new CreateJournal(DefaultPath());
  return *journal;
}

std::string CreateJournal::Key(const std::string& workspace, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string input = absl::StrCat(workspace.size(), ":", workspace, body);
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) absl::StrAppend(&hex, absl::Hex(digest[i], absl::kZeroPad2));
  return hex;
}

std::string CreateJournal::Take(const std::string& key, bool* resumed) {
  *resumed = false;
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty()) return RandomToken();
  json pending = Load(path_);
  for (const json& e : pending) {
    const std::string token = e["token"].get<std::string>();
    if (e["key"] == key && !taken_.count(token)) {
      taken_.insert(token);
      *resumed = true;
      return token;
    }
  }
  std::string token = RandomToken();
  taken_.insert(token);
  pending.push_back({{"key", key}, {"token", token}, {"at", NowSeconds()}});
  Store(path_, pending);
  return token;
}

void CreateJournal::Settle(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty()) return;
  json pending = Load(path_);
  json kept = json::array();
  for (const json& e : pending) {
    if (e["token"] != token) kept.push_back(e);
  }
  if (kept.size() != pending.size()) Store(path_, kept);
}

}  // namespace dcs::resources
