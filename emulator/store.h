// Owns the Workspace: one mutex, optional atomic persistence to a state file.
//
// Run() executes a function under the lock; when the function left the workspace
// dirty, the whole workspace is written to the state file (temp file + fsync +
// rename) before Run returns, so anything acknowledged to a client survives a kill.
#ifndef DCS_EMULATOR_STORE_H_
#define DCS_EMULATOR_STORE_H_

#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "emulator/workspace.h"

namespace dcs::emulator {

class Store {
 public:
  // `state_file` empty = memory only.
  explicit Store(std::string state_file) : state_file_(std::move(state_file)) {}

  // Loads the state file when it exists. Call once before serving.
  absl::Status Load();

  // Runs fn(Workspace&) -> absl::StatusOr<T> under the lock and persists if dirty.
  // A failed write turns the result into an INTERNAL_ERROR.
  template <class Fn>
  auto Run(Fn&& fn) -> decltype(fn(std::declval<Workspace&>())) {
    std::lock_guard<std::mutex> lock(mu_);
    auto result = fn(ws_);
    if (ws_.dirty) {
      ws_.dirty = false;
      absl::Status saved = PersistLocked();
      if (!saved.ok()) return saved;
    }
    return result;
  }

 private:
  absl::Status PersistLocked();

  std::string state_file_;
  std::mutex mu_;
  Workspace ws_;
};

// Writes `content` to `path` atomically (sibling temp file, fsync, rename, fsync dir).
absl::Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_STORE_H_
