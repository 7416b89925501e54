// The build context: which files of a directory `docker build` sends, after
// .dockerignore, with the metadata the tar stream and the hash need.
//
// Walk rules (as the Docker CLI's classic path): the context root itself is
// not an entry; an excluded file is left out; an excluded directory is not
// descended unless an exception rule starts with "<dir>/" (then its children
// are considered but the directory entry itself is not sent); the Dockerfile
// and .dockerignore are always sent (the CLI appends "!<Dockerfile>" and
// "!.dockerignore"). Regular files, directories and symlinks are sent;
// sockets, FIFOs and devices are skipped; hard links are sent as regular
// files.
#ifndef DCS_CLIENTS_BUILDCONTEXT_CONTEXT_H_
#define DCS_CLIENTS_BUILDCONTEXT_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/buildcontext/dockerignore.h"

namespace dcs::buildcontext {

enum class EntryType { kFile, kDirectory, kSymlink };

struct ContextEntry {
  std::string path;  // relative to the root, '/'-separated, no trailing '/'
  EntryType type = EntryType::kFile;
  uint32_t mode = 0;  // permission bits incl. setuid/setgid/sticky (07777)
  uint64_t size = 0;  // regular files only
  int64_t mtime = 0;  // seconds since the epoch
  std::string link_target;  // symlinks only
};

struct ContextOptions {
  std::string root;                     // the context directory
  std::string dockerfile = "Dockerfile";  // path inside the context
  // False when the Dockerfile is not a file of the context (an inline
  // Dockerfile the caller adds to the tar itself): its existence is not checked.
  bool dockerfile_in_context = true;
};

struct Context {
  std::vector<ContextEntry> entries;  // sorted by path (bytewise)
  uint64_t total_bytes = 0;           // sum of regular file sizes
};

// Reads <root>/.dockerignore (absent = no rules) and walks the root.
// Errors: NotFound (root missing, or the Dockerfile missing from the
// context), InvalidArgument (bad .dockerignore, Dockerfile outside the root),
// Internal for I/O errors naming the path.
absl::StatusOr<Context> ListContext(const ContextOptions& options);

// The matcher ListContext uses (rules of .dockerignore plus the forced
// exceptions for the Dockerfile and .dockerignore).
absl::StatusOr<IgnoreMatcher> LoadIgnoreMatcher(const ContextOptions& options);

}  // namespace dcs::buildcontext

#endif  // DCS_CLIENTS_BUILDCONTEXT_CONTEXT_H_
