// A change-detection hash of a build context: SHA-256 over the sorted,
// .dockerignore-filtered entries — for each: relative path, type, permission
// bits, symlink target, size and the SHA-256 of the content — followed by
// caller-supplied build inputs (Dockerfile name, build args, target, platform,
// labels, builder version...). Modification times and owners are left out
// (neither builder keys its cache on them), so a fresh checkout of the same
// tree hashes the same.
//
// File contents are hashed in parallel by a pool of threads, each streaming
// its file through a fixed buffer: memory is O(threads × buffer + entries).
//
// Thread-safety: HashContext may be called concurrently.
#ifndef DCS_CLIENTS_BUILDCONTEXT_CONTEXT_HASH_H_
#define DCS_CLIENTS_BUILDCONTEXT_CONTEXT_HASH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/buildcontext/context.h"

namespace dcs::buildcontext {

struct HashOptions {
  int threads = 0;                 // 0 = std::thread::hardware_concurrency()
  size_t buffer_size = 1 << 20;    // per-thread read buffer
};

// Returns "sha256:<64 hex>". `inputs` are hashed in the given order after the
// entries (sort them first if their order carries no meaning). Errors:
// Internal naming the file that could not be read.
absl::StatusOr<std::string> HashContext(
    const std::string& root, const std::vector<ContextEntry>& entries,
    const std::vector<std::pair<std::string, std::string>>& inputs, HashOptions options = {});

// SHA-256 of one file, streamed ("<64 hex>"); exposed for tests and benches.
absl::StatusOr<std::string> HashFile(const std::string& path, size_t buffer_size = 1 << 20);

}  // namespace dcs::buildcontext

#endif  // DCS_CLIENTS_BUILDCONTEXT_CONTEXT_HASH_H_
