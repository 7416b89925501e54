#include "emulator/store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dcs::emulator {

bool Workspace::DcsEnabled() const {
  auto it = conf.find("enableDcs");
  // Values are stored verbatim ("TRue" reads back as written); booleans compare
  // case-insensitively like the service does.
  return it != conf.end() && absl::AsciiStrToLower(it->second) == "true";
}

void to_json(Json& j, const Workspace& ws) {
  j = Json{{"clusters", ws.clusters}, {"pools", ws.pools},         {"conf", ws.conf},
           {"scopes", ws.scopes},     {"oauth_tokens", ws.oauth_tokens}, {"settings", ws.settings},
           {"air_images", ws.air_images}};
}

void from_json(const Json& j, Workspace& ws) {
  Workspace fresh;
  fresh.clusters = j.value("clusters", fresh.clusters);
  fresh.pools = j.value("pools", fresh.pools);
  fresh.conf = j.value("conf", fresh.conf);
  fresh.scopes = j.value("scopes", fresh.scopes);
  fresh.oauth_tokens = j.value("oauth_tokens", fresh.oauth_tokens);
  fresh.settings = j.value("settings", fresh.settings);
  fresh.air_images = j.value("air_images", fresh.air_images);
  ws = std::move(fresh);
}

namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open", tmp);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Errno("write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Errno("fsync/close", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename", tmp);
  // The rename itself is durable only once the directory entry is synced.
  int dfd = ::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::Status Store::Load() {
  if (state_file_.empty()) return absl::OkStatus();
  std::ifstream in(state_file_);
  if (!in) return absl::OkStatus();  // first start: nothing to load
  std::stringstream buf;
  buf << in.rdbuf();
  Json doc = Json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::DataLossError(absl::StrCat("state file ", state_file_, " is not a JSON object"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  try {
    ws_ = doc.get<Workspace>();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat("state file ", state_file_, ": ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status Store::PersistLocked() {
  if (state_file_.empty()) return absl::OkStatus();
  return WriteFileAtomically(state_file_, Json(ws_).dump());
}

}  // namespace dcs::emulator
