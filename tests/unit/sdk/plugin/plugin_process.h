// Test helper: runs dcs::plugin::Serve in a child process of the test binary,
// the way Terraform runs a provider (fresh exec, chosen environment), with the
// child's stdout on a pipe we read, and its stderr in a file.
//
// The child is this same binary re-executed with DCS_PLUGIN_TEST_CHILD set; a
// global test environment (serve_test.cc) then calls Serve before any test
// runs and _exits with its result. Exec'ing (not just forking) keeps gRPC's
// global state in the parent out of the child.
#ifndef DCS_TESTS_UNIT_PROVIDER_PLUGIN_PLUGIN_PROCESS_H_
#define DCS_TESTS_UNIT_PROVIDER_PLUGIN_PLUGIN_PROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace dcs::plugin::testing {

// The child's stdout is this fd until the environment moves it to fd 1, so
// that gtest's own banner (printed before environments run) never reaches the
// pipe we read.
inline constexpr int kChildStdoutFd = 3;
inline constexpr const char* kChildModeVar = "DCS_PLUGIN_TEST_CHILD";

using EnvChanges = std::map<std::string, std::optional<std::string>>;

class PluginProcess {
 public:
  // `env` entries override the parent environment; nullopt removes a
  // variable. Variables that steer the plugin are removed unless given.
  explicit PluginProcess(EnvChanges env, const std::string& mode = "serve") {
    for (const char* name : {"TF_PLUGIN_MAGIC_COOKIE", "PLUGIN_CLIENT_CERT",
                             "PLUGIN_PROTOCOL_VERSIONS", "DCS_PLUGIN_NETWORK",
                             "PLUGIN_MIN_PORT", "PLUGIN_MAX_PORT", "TF_LOG",
                             "TF_LOG_PROVIDER", "PLUGIN_UNIX_SOCKET_DIR"}) {
      env.emplace(name, std::nullopt);
    }
    env[kChildModeVar] = mode;
    Start(env);
  }
  ~PluginProcess() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    ::unlink(stderr_path_.c_str());
  }

  pid_t pid() const { return pid_; }

  // Reads one line (without '\n') from the child's stdout; nullopt on EOF
  // or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout =
                                          std::chrono::seconds(30)) {
    std::string line;
    char c;
    while (ReadByte(&c, timeout)) {
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  // Everything still on stdout until EOF (the child closed fd 1 by exiting).
  std::string ReadRest(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string rest;
    char c;
    while (ReadByte(&c, timeout)) rest.push_back(c);
    return rest;
  }

  // Exit code once the child exits by itself, or nullopt after `timeout`.
  // A child killed by a signal reports 128 + signal.
  std::optional<int> Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
  }

  bool Running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }

  void Signal(int signo) { ::kill(pid_, signo); }

  std::string Stderr() const {
    std::ifstream in(stderr_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void Start(const EnvChanges& env) {
    std::vector<std::string> entries;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      if (!env.contains(entry.substr(0, entry.find('=')))) entries.push_back(entry);
    }
    for (const auto& [name, value] : env) {
      if (value) entries.push_back(name + "=" + *value);
    }
    std::vector<char*> envp;
    for (std::string& entry : entries) envp.push_back(entry.data());
    envp.push_back(nullptr);
    char exe[] = "/proc/self/exe";
    char* argv[] = {exe, nullptr};

    char path[] = "/tmp/dcs-plugin-stderr-XXXXXX";
    int err_fd = ::mkstemp(path);
    stderr_path_ = path;
    int fds[2];
    if (err_fd < 0 || ::pipe(fds) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) {  // Child: only async-signal-safe calls until execve.
      int null_fd = ::open("/dev/null", O_RDWR);
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      ::dup2(err_fd, 2);
      ::dup2(fds[1], kChildStdoutFd);
      ::execve(exe, argv, envp.data());
      ::_exit(127);
    }
    ::close(err_fd);
    ::close(fds[1]);
    stdout_fd_ = fds[0];
    ::fcntl(stdout_fd_, F_SETFD, FD_CLOEXEC);
  }

  bool ReadByte(char* c, std::chrono::milliseconds timeout) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    return ::read(stdout_fd_, c, 1) == 1;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::optional<int> exit_code_;
};

}  // namespace dcs::plugin::testing

#endif  // DCS_TESTS_UNIT_PROVIDER_PLUGIN_PLUGIN_PROCESS_H_
