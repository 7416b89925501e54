// Where the plugin's gRPC server listens (go-plugin §1.3).
#ifndef DCS_SDK_PLUGIN_LISTENER_H_
#define DCS_SDK_PLUGIN_LISTENER_H_

#include <string>

#include "absl/status/statusor.h"

namespace dcs::plugin {

// The environment that decides the listener; each pointer may be null.
struct ListenerEnv {
  const char* network = nullptr;     // DCS_PLUGIN_NETWORK: "tcp" or unix (default)
  const char* socket_dir = nullptr;  // PLUGIN_UNIX_SOCKET_DIR
  const char* tmpdir = nullptr;      // TMPDIR
  const char* min_port = nullptr;    // PLUGIN_MIN_PORT
  const char* max_port = nullptr;    // PLUGIN_MAX_PORT
};

ListenerEnv ListenerEnvFromProcess();

struct ListenTarget {
  std::string network;       // "unix" or "tcp", as printed in the handshake.
  std::string address;       // Socket path or "127.0.0.1:PORT", as printed.
  std::string grpc_address;  // What ServerBuilder::AddListeningPort takes.
  std::string socket_path;   // Unix only: the file to remove at exit.
  int port = 0;              // TCP only; 0 = let the kernel choose.
};

// Unix (default): a fresh name "plugin<random>" in PLUGIN_UNIX_SOCKET_DIR,
// else $TMPDIR, else /tmp; the name is reserved with mkstemp and unlinked so
// that gRPC can bind it. Fails if the path does not fit in sun_path.
// TCP: loopback only; the first port of PLUGIN_MIN_PORT..PLUGIN_MAX_PORT
// that can be bound right now, or port 0 when no valid range is given.
absl::StatusOr<ListenTarget> ChooseListenTarget(const ListenerEnv& env);

// Fills in the port gRPC actually bound (TCP with port 0).
void SetBoundPort(ListenTarget& target, int port);

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_LISTENER_H_
