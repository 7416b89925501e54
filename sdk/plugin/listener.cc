#include "sdk/plugin/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dcs::plugin {
namespace {

constexpr int kMaxPort = 65535;

bool NonEmpty(const char* value) { return value != nullptr && *value != '\0'; }

absl::StatusOr<ListenTarget> UnixTarget(const ListenerEnv& env) {
  std::string dir = NonEmpty(env.socket_dir) ? env.socket_dir
                    : NonEmpty(env.tmpdir)   ? env.tmpdir
                                             : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::string path = absl::StrCat(dir, "/pluginXXXXXX");
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unix socket path too long (", path.size(), " bytes): ", path,
        "; set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter directory"));
  }
  // mkstemp reserves a unique name; the placeholder file is removed so the
  // socket can take its place (what go-plugin does with os.CreateTemp).
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create a socket name in ", dir, ": ", std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(path.c_str());
  ListenTarget target;
  target.network = "unix";
  target.address = path;
  target.grpc_address = absl::StrCat("unix:", path);
  target.socket_path = path;
  return target;
}

bool CanBindLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

bool ParsePort(const char* text, int* port) {
  return NonEmpty(text) &&
         absl::SimpleAtoi(absl::StripAsciiWhitespace(text), port) &&
         *port > 0 && *port <= kMaxPort;
}

absl::StatusOr<ListenTarget> TcpTarget(const ListenerEnv& env) {
  ListenTarget target;
  target.network = "tcp";
  int min_port = 0;
  int max_port = 0;
  if (ParsePort(env.min_port, &min_port) && ParsePort(env.max_port, &max_port) &&
      min_port <= max_port) {
    for (int port = min_port; port <= max_port && target.port == 0; ++port) {
      if (CanBindLoopback(port)) target.port = port;
    }
    if (target.port == 0) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "no free loopback port in ", min_port, "..", max_port));
    }
  }
  SetBoundPort(target, target.port);
  return target;
}

}  // namespace

ListenerEnv ListenerEnvFromProcess() {
  ListenerEnv env;
  env.network = ::getenv("DCS_PLUGIN_NETWORK");
  env.socket_dir = ::getenv("PLUGIN_UNIX_SOCKET_DIR");
  env.tmpdir = ::getenv("TMPDIR");
  env.min_port = ::getenv("PLUGIN_MIN_PORT");
  env.max_port = ::getenv("PLUGIN_MAX_PORT");
  return env;
}

absl::StatusOr<ListenTarget> ChooseListenTarget(const ListenerEnv& env) {
  if (NonEmpty(env.network) && std::string_view(env.network) == "tcp") {
    return TcpTarget(env);
  }
  return UnixTarget(env);
}

void SetBoundPort(ListenTarget& target, int port) {
  if (target.network != "tcp") return;
  target.port = port;
  target.address = absl::StrCat("127.0.0.1:", port);
  target.grpc_address = target.address;
}

}  // namespace dcs::plugin
