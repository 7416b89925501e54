// A pull-based tar writer for build contexts: produces the archive a piece at
// a time (for http::Request::read_body), so that memory stays bounded by one
// read buffer whatever the context size.
//
// Format: POSIX ustar; a PAX extended header ('x') carries "path",
// "linkpath" and "size" when they do not fit ustar fields (names > 100 bytes
// that cannot be split at a '/', link targets > 100 bytes, files >= 8 GiB).
// Entries: directories (name ends in '/'), regular files, symlinks; uid/gid 0,
// empty owner names (like the Docker CLI's ChownOpts{0,0}); permission bits as
// on disk. Modification times are preserved by default, as the Docker CLI
// does: the classic builder's cache ignores mtimes, and the files in the image
// keep meaningful times. TarOptions::mtime pins them for byte-stable archives.
//
// Thread-safety: one TarStream is used by one thread at a time.
#ifndef DCS_CLIENTS_BUILDCONTEXT_TAR_STREAM_H_
#define DCS_CLIENTS_BUILDCONTEXT_TAR_STREAM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "clients/buildcontext/context.h"

namespace dcs::buildcontext {

struct TarOptions {
  std::optional<int64_t> mtime;  // when set, every entry gets this mtime
  // In-memory regular files (path, content; mode 0644) appended after the
  // entries, e.g. an inline Dockerfile.
  std::vector<std::pair<std::string, std::string>> extra_files;
};

class TarStream {
 public:
  TarStream(std::string root, std::vector<ContextEntry> entries, TarOptions options = {});
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // Writes up to `size` bytes of the archive into `buffer`. Returns the count,
  // 0 at the end, or -1 on error (then status() says why, e.g. a file that
  // shrank or vanished while streaming).
  long Read(char* buffer, size_t size);

  absl::Status status() const { return status_; }
  uint64_t bytes_written() const { return written_; }

 private:
  bool StartNextEntry();
  bool StartNextExtraFile();
  long ReadFileData(char* buffer, size_t size);
  void Fail(absl::Status status);

  std::string root_;
  std::vector<ContextEntry> entries_;
  TarOptions options_;
  size_t next_ = 0;
  size_t next_extra_ = 0;
  std::string pending_;  // header bytes / padding not yet handed out
  size_t pending_pos_ = 0;
  int fd_ = -1;
  uint64_t file_left_ = 0;
  uint64_t file_size_ = 0;
  bool trailer_done_ = false;
  absl::Status status_;
  uint64_t written_ = 0;
};

// The ustar/PAX header block(s) for one entry (exposed for tests).
std::string TarHeader(const ContextEntry& entry, int64_t mtime);

}  // namespace dcs::buildcontext

#endif  // DCS_CLIENTS_BUILDCONTEXT_TAR_STREAM_H_
