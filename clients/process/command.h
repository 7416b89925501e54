// Runs a command-line tool (az, databricks) as a child process: no shell, no
// stdin, stdout and stderr captured, and a hard deadline after which the
// child is killed. Credential methods that delegate to a CLI use it so that a
// CLI that hangs or floods its output can never block the provider.
#ifndef DCS_CLIENTS_PROCESS_COMMAND_H_
#define DCS_CLIENTS_PROCESS_COMMAND_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dcs::process {

struct CommandResult {
  int exit_code = 0;  // 128 + signal number when the child was killed by a signal
  std::string out, err;
};

// argv[0] is looked up on PATH unless it contains a '/'. Errors: NotFound when
// the program cannot be started (not installed / not on PATH),
// DeadlineExceeded when it ran longer than `timeout` (it is killed),
// Internal for pipe/spawn failures. Each stream keeps at most `max_output`
// bytes (the rest is read and dropped).
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         std::chrono::milliseconds timeout,
                                         size_t max_output = 1 << 20);

// The signature of RunCommand, so tests can substitute a fake.
using CommandRunner = std::function<absl::StatusOr<CommandResult>(const std::vector<std::string>& argv,
                                                                  std::chrono::milliseconds timeout)>;
CommandRunner DefaultRunner();

// The last `max` bytes of a CLI's stderr, trimmed, for quoting in a diagnostic.
std::string QuoteStderr(const std::string& err, size_t max = 600);

}  // namespace dcs::process

#endif  // DCS_CLIENTS_PROCESS_COMMAND_H_
