// BuildKit file sync, sending side: the "DiffCopy" protocol a session client
// speaks when the builder asks for one of its local directories (the build
// context, the directory holding the Dockerfile).
//
//   sender (dcs)                              receiver (the builder)
//   STAT entry 0 .. STAT entry N-1, STAT{}    (metadata of every entry, in
//                                              walk order, then an empty STAT)
//                                   <- REQ id (content of entry `id`, any order)
//   DATA id <chunk>... DATA id <empty>        (content, then an empty DATA)
//                                   <- FIN    (the receiver has everything)
//   FIN                                        the call ends
//   ERR <text> from either side aborts.
//
// Entry ids are positions in the STAT sequence. Walk order is depth-first
// with siblings sorted by name and every directory before its children (the
// receiver rejects anything else as "changes out of order"). Modes are Go
// os.FileMode bits. uid/gid are 0, as in the tar the classic builder gets.
//
// Which entries a directory holds is decided by the caller (for the context:
// clients/buildcontext's .dockerignore walk, the same list context_hash
// covers); the builder's request can only narrow it (include patterns,
// follow paths, exclude patterns), never widen it.
//
// Thread-safety: ServeDiffCopy runs on one stream from one thread; SyncDir
// is immutable once built.
#ifndef DCS_CLIENTS_DOCKER_FILESYNC_H_
#define DCS_CLIENTS_DOCKER_FILESYNC_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "buildkit/fsutil_types.pb.h"
#include "clients/buildcontext/context.h"

namespace dcs::docker::filesync {

using Packet = fsutil::types::Packet;

// Go os.FileMode type bits used by the protocol.
inline constexpr uint32_t kGoModeDir = 1u << 31;
inline constexpr uint32_t kGoModeSymlink = 1u << 27;
inline constexpr uint32_t kGoModeSetuid = 1u << 23;
inline constexpr uint32_t kGoModeSetgid = 1u << 22;
inline constexpr uint32_t kGoModeSticky = 1u << 20;

// One entry of a synced directory; its content comes from `source_path` on
// disk or, when set, from `content`.
struct SyncEntry {
  buildcontext::ContextEntry meta;
  std::string source_path;
  std::optional<std::string> content;
};

// The entries of one directory in walk order.
struct SyncDir {
  std::vector<SyncEntry> entries;
};

// The context directory: `entries` (from buildcontext::ListContext) in walk
// order; a parent directory the .dockerignore walk left out while sending
// files below it is added (the receiver needs every parent first).
SyncDir ContextDir(const std::string& root, std::vector<buildcontext::ContextEntry> entries);

// A directory holding exactly one regular file `name` with `content` (the
// Dockerfile, from disk or inline).
SyncDir SingleFileDir(const std::string& name, std::string content);

// Narrowing asked for by the builder (gRPC metadata of the DiffCopy call).
struct SyncRequest {
  std::vector<std::string> include_patterns;
  std::vector<std::string> exclude_patterns;
  std::vector<std::string> follow_paths;
};

// The entries of `dir` the request selects, in walk order, with the parents
// of every selected entry. Errors: InvalidArgument for a malformed pattern.
absl::StatusOr<std::vector<const SyncEntry*>> Select(const SyncDir& dir, const SyncRequest& request);

// fsutil's ordering: component-wise by name, a directory before its children.
bool WalkOrderLess(const std::string& a, const std::string& b);

// The Go os.FileMode of an entry.
uint32_t GoFileMode(const buildcontext::ContextEntry& e);

// The stream seam (a gRPC ServerReaderWriter in production, a script in tests).
class PacketStream {
 public:
  virtual ~PacketStream() = default;
  virtual bool Write(const Packet& p) = 0;
  virtual bool Read(Packet* p) = 0;  // false at the end of the stream
};

struct ServeStats {
  uint64_t entries = 0, files_sent = 0, bytes_sent = 0;
};

// Runs the sending side for `entries` until the receiver's FIN. Errors:
// Aborted (the receiver sent ERR, or asked for an id that is not a regular
// file or was already sent), Unavailable (the stream ended early), Cancelled
// (*stop), Internal (a file could not be read, naming it).
absl::StatusOr<ServeStats> ServeDiffCopy(const std::vector<const SyncEntry*>& entries, PacketStream& stream,
                                         const std::atomic<bool>* stop = nullptr, size_t chunk_size = 32 * 1024);

// One line per packet ("STAT 2 dir/a.txt mode=0644 size=3", "REQ 2",
// "DATA 2 3 bytes", "DATA 2 end", "FIN", "ERR text", "STAT end"): the
// golden-transcript form used by tests and TRACE logs.
std::string DescribePacket(const Packet& p);

}  // namespace dcs::docker::filesync

#endif  // DCS_CLIENTS_DOCKER_FILESYNC_H_
