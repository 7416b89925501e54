// The go-plugin server runtime: what a Terraform/OpenTofu provider process
// must do between exec and exit (see sdk/plugin/README.md).
#ifndef DCS_SDK_PLUGIN_SERVE_H_
#define DCS_SDK_PLUGIN_SERVE_H_

#include <functional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace dcs::plugin {

struct ServeOptions {
  // Keys of the TF_REATTACH_PROVIDERS line in debug mode; the same
  // namespace/type is also printed for registry.opentofu.org.
  std::string provider_address = "registry.terraform.io/dcslabs/dcs";
  std::string provider_name = "terraform-provider-dcs";
  // Plaintext on a unix socket, no magic cookie, print the reattach line,
  // serve until SIGINT/SIGTERM.
  bool debug = false;
  // Called once, from the serving thread, before the gRPC server stops
  // (SIGTERM, SIGINT in debug mode, or GRPCController/Shutdown), so that
  // waits in flight can be cancelled. May be empty.
  std::function<void()> on_stop;
};

// Serves `services` (not owned; they must outlive the call) next to the
// go-plugin health, controller, stdio and broker services, prints the
// handshake line on stdout and blocks until stopped. Returns the process exit
// code: 0 after a requested stop, 1 when the process was not started by
// Terraform/OpenTofu or the server could not start.
//
// Process-wide effects while it runs: installs SIGINT/SIGTERM handlers,
// ignores SIGPIPE, routes gRPC's own logs through dcs::log, and (outside
// debug mode) points fd 1 at stderr after the handshake so that nothing else
// can ever reach stdout. All but the gRPC log routing are restored before it
// returns.
// REQUIRES: called at most once at a time, normally from main().
int Serve(std::vector<grpc::Service*> services, const ServeOptions& options);

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_SERVE_H_
