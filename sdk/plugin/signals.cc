#include "sdk/plugin/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace dcs::plugin {
namespace {

constexpr char kWakeToExit = 0;

// The write end of the self-pipe, read by the async-signal-safe handler.
std::atomic<int> g_signal_pipe{-1};

void OnSignal(int signo) {
  const int saved_errno = errno;
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    const char byte = static_cast<char>(signo);
    (void)!::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

void Install(int signo, void (*handler)(int), struct sigaction* old) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(signo, &action, old);
}

}  // namespace

absl::StatusOr<std::unique_ptr<SignalWatcher>> SignalWatcher::Start(
    SigintPolicy sigint, StopRequest& stop) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(
        absl::StrCat("signal pipe: ", std::strerror(errno)));
  }
  std::unique_ptr<SignalWatcher> watcher(new SignalWatcher(fds[0], fds[1], stop));
  g_signal_pipe.store(fds[1]);
  Install(SIGTERM, OnSignal, &watcher->old_term_);
  Install(SIGINT, sigint == SigintPolicy::kStop ? OnSignal : SIG_IGN, &watcher->old_int_);
  Install(SIGPIPE, SIG_IGN, &watcher->old_pipe_);
  watcher->thread_ = std::thread([w = watcher.get()] { w->Run(); });
  return watcher;
}

SignalWatcher::SignalWatcher(int read_fd, int write_fd, StopRequest& stop)
    : read_fd_(read_fd), write_fd_(write_fd), stop_(stop) {}

SignalWatcher::~SignalWatcher() {
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  g_signal_pipe.store(-1);
  const char byte = kWakeToExit;
  (void)!::write(write_fd_, &byte, 1);
  if (thread_.joinable()) thread_.join();
  ::close(read_fd_);
  ::close(write_fd_);
}

void SignalWatcher::Run() {
  for (;;) {
    char byte = kWakeToExit;
    ssize_t n = ::read(read_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == kWakeToExit) return;
    const int signo = static_cast<unsigned char>(byte);
    log::Info("plugin: stopping on signal", {{"signal", strsignal(signo)}});
    stop_.Request(signo == SIGTERM ? "SIGTERM" : "SIGINT");
  }
}

}  // namespace dcs::plugin
