#include "emulator/http_glue.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "emulator/api_error.h"

namespace dcs::emulator {
namespace {

int PortOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return -1;
}

// httplib does not expose the connection's descriptor for plain HTTP, so find the
// socket whose peer and local ports match the request (loopback only: unique).
int FindSocket(int remote_port, int local_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage peer{}, local{};
    socklen_t plen = sizeof(peer), llen = sizeof(local);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
    if (PortOf(peer) == remote_port && PortOf(local) == local_port) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

}  // namespace

ApiRequest ToApiRequest(const httplib::Request& req, bool tls) {
  ApiRequest out;
  out.method = req.method == "HEAD" ? "GET" : req.method;
  out.path = req.path;
  for (const auto& [k, v] : req.params) out.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) out.headers[absl::AsciiStrToLower(k)] = v;
  out.raw_body = req.body;
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = "127.0.0.1:" + std::to_string(req.local_port);
  out.base_url = std::string(tls ? "https://" : "http://") + host;
  return out;
}

void WriteReply(const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [k, v] : reply.headers) res.set_header(k, v);
  if (reply.no_body) return;
  if (!reply.content_type.empty()) {
    res.set_content(reply.raw, reply.content_type);
  } else {
    res.set_content(reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  }
}

std::string WriteError(const absl::Status& status, const std::string& request_id,
                       httplib::Response& res) {
  WireError e = ToWireError(status);
  nlohmann::json body = {
      {"error_code", e.error_code},
      {"message", e.message},
      {"details", {{{"@type", "type.googleapis.com/google.rpc.RequestInfo"},
                    {"request_id", request_id},
                    {"serving_data", ""}}}}};
  res.status = e.http_status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
  return e.error_code;
}

void ResetConnection(const httplib::Request& req) {
  int fd = req.ssl != nullptr ? SSL_get_fd(req.ssl) : FindSocket(req.remote_port, req.local_port);
  if (fd < 0) return;
  linger hard{1, 0};  // close => RST instead of FIN
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  // Swap /dev/null in under the same descriptor number: the socket's last reference
  // is dropped (sending the RST) while httplib keeps a valid fd it will close later.
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return;
  ::dup2(devnull, fd);
  ::close(devnull);
}

}  // namespace dcs::emulator
