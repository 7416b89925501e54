// Signal policy of a plugin process (go-plugin §1.8).
#ifndef DCS_SDK_PLUGIN_SIGNALS_H_
#define DCS_SDK_PLUGIN_SIGNALS_H_

#include <signal.h>

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "sdk/plugin/go_plugin_services.h"

namespace dcs::plugin {

// While alive: SIGTERM requests a stop; SIGINT is ignored (Terraform turns
// Ctrl-C into StopProvider, and the terminal sends SIGINT to the whole
// process group) unless `sigint` is kStop (debug mode, where Ctrl-C is how the
// user ends the session); SIGPIPE is ignored so that a vanished reader of
// stderr cannot kill the process. The handler only writes to a self-pipe; a
// thread turns bytes into StopRequest::Request. The destructor restores the
// previous dispositions.
// REQUIRES: at most one instance at a time.
enum class SigintPolicy { kIgnore, kStop };

class SignalWatcher {
 public:
  static absl::StatusOr<std::unique_ptr<SignalWatcher>> Start(SigintPolicy sigint, StopRequest& stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  SignalWatcher(int read_fd, int write_fd, StopRequest& stop);
  void Run();

  int read_fd_;
  int write_fd_;
  StopRequest& stop_;
  struct sigaction old_term_ {};
  struct sigaction old_int_ {};
  struct sigaction old_pipe_ {};
  std::thread thread_;
};

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_SIGNALS_H_
