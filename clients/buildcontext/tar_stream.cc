#include "clients/buildcontext/tar_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dcs::buildcontext {
namespace {

constexpr size_t kBlock = 512;

// Writes `value` as zero-padded octal with a trailing NUL into field[0..len).
bool PutOctal(char* field, size_t len, uint64_t value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + (value & 7)));
    value >>= 3;
  } while (value != 0);
  if (digits.size() > len - 1) return false;
  std::memset(field, '0', len - 1);
  std::memcpy(field + (len - 1 - digits.size()), digits.data(), digits.size());
  field[len - 1] = '\0';
  return true;
}

// One PAX record: "<len> <key>=<value>\n" where <len> counts itself.
std::string PaxRecord(const std::string& key, const std::string& value) {
  const size_t base = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t len = base + 1;
  while (len != base + std::to_string(len).size()) len = base + std::to_string(len).size();
  return absl::StrCat(len, " ", key, "=", value, "\n");
}

// Splits `name` into ustar prefix (<=155) and name (<=100) at a '/'.
bool SplitUstarName(const std::string& name, std::string& prefix, std::string& rest) {
  if (name.size() <= 100) {
    prefix.clear();
    rest = name;
    return true;
  }
  for (size_t i = name.size() > 101 ? name.size() - 101 : 0; i < name.size() && i <= 155; ++i) {
    if (name[i] == '/' && name.size() - i - 1 <= 100 && i > 0) {
      prefix = name.substr(0, i);
      rest = name.substr(i + 1);
      return true;
    }
  }
  return false;
}

std::string Block(const std::string& name, const std::string& prefix, char type, uint32_t mode,
                  uint64_t size, int64_t mtime, const std::string& link) {
  std::string b(kBlock, '\0');
  std::memcpy(&b[0], name.data(), std::min<size_t>(name.size(), 100));
  PutOctal(&b[100], 8, mode);
  PutOctal(&b[108], 8, 0);
  PutOctal(&b[116], 8, 0);
  if (!PutOctal(&b[124], 12, size)) PutOctal(&b[124], 12, 0);  // real size in PAX
  PutOctal(&b[136], 12, static_cast<uint64_t>(std::max<int64_t>(mtime, 0)));
  b[156] = type;
  std::memcpy(&b[157], link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(&b[257], "ustar\0" "00", 8);
  std::memcpy(&b[345], prefix.data(), std::min<size_t>(prefix.size(), 155));
  std::memset(&b[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : b) sum += c;
  PutOctal(&b[148], 7, sum);
  b[155] = ' ';
  return b;
}

std::string Padding(uint64_t size) {
  return std::string((kBlock - size % kBlock) % kBlock, '\0');
}

}  // namespace

std::string TarHeader(const ContextEntry& e, int64_t mtime) {
  std::string name = e.path;
  char type = '0';
  if (e.type == EntryType::kDirectory) {
    name += "/";
    type = '5';
  } else if (e.type == EntryType::kSymlink) {
    type = '2';
  }
  const uint64_t size = e.type == EntryType::kFile ? e.size : 0;
  std::string pax, prefix, short_name;
  if (!SplitUstarName(name, prefix, short_name)) {
    pax += PaxRecord("path", name);
    prefix.clear();
    short_name = name.substr(0, 100);
  }
  if (e.link_target.size() > 100) pax += PaxRecord("linkpath", e.link_target);
  if (size >= (uint64_t{1} << 33)) pax += PaxRecord("size", std::to_string(size));
  std::string out;
  if (!pax.empty()) {
    out = Block("PaxHeaders/" + short_name.substr(0, 80), "", 'x', 0644, pax.size(), mtime, "");
    out += pax + Padding(pax.size());
  }
  out += Block(short_name, prefix, type, e.mode, size, mtime, e.link_target);
  return out;
}

TarStream::TarStream(std::string root, std::vector<ContextEntry> entries, TarOptions options)
    : root_(std::move(root)), entries_(std::move(entries)), options_(options) {}

TarStream::~TarStream() {
  if (fd_ >= 0) close(fd_);
}

void TarStream::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
}

// Queues the next entry's header (and opens its file); false at the end.
bool TarStream::StartNextEntry() {
  if (next_ >= entries_.size()) return false;
  const ContextEntry& e = entries_[next_++];
  pending_ = TarHeader(e, options_.mtime.value_or(e.mtime));
  pending_pos_ = 0;
  if (e.type == EntryType::kFile && e.size > 0) {
    const std::string path = absl::StrCat(root_, "/", e.path);
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      Fail(absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno))));
      return true;
    }
    posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    file_left_ = file_size_ = e.size;
  }
  return true;
}

// Queues the next in-memory file (header, content, padding); false at the end.
bool TarStream::StartNextExtraFile() {
  if (next_extra_ >= options_.extra_files.size()) return false;
  const auto& [path, content] = options_.extra_files[next_extra_++];
  ContextEntry e;
  e.path = path;
  e.type = EntryType::kFile;
  e.mode = 0644;
  e.size = content.size();
  pending_ = TarHeader(e, options_.mtime.value_or(0)) + content + Padding(content.size());
  pending_pos_ = 0;
  return true;
}

long TarStream::ReadFileData(char* buffer, size_t size) {
  const size_t want = static_cast<size_t>(std::min<uint64_t>(size, file_left_));
  ssize_t n = read(fd_, buffer, want);
  if (n < 0 && errno == EINTR) return 0;
  if (n <= 0) {
    const ContextEntry& e = entries_[next_ - 1];
    Fail(absl::DataLossError(absl::StrCat("file ", e.path, " changed while streaming the build ",
                                          "context (shorter than its size ", e.size, ")")));
    return -1;
  }
  file_left_ -= static_cast<uint64_t>(n);
  if (file_left_ == 0) {
    close(fd_);
    fd_ = -1;
    pending_ = Padding(file_size_);
    pending_pos_ = 0;
  }
  return n;
}

long TarStream::Read(char* buffer, size_t size) {
  size_t out = 0;
  while (out < size && status_.ok()) {
    if (pending_pos_ < pending_.size()) {
      const size_t n = std::min(size - out, pending_.size() - pending_pos_);
      std::memcpy(buffer + out, pending_.data() + pending_pos_, n);
      pending_pos_ += n;
      out += n;
    } else if (fd_ >= 0) {
      long n = ReadFileData(buffer + out, size - out);
      if (n < 0) return -1;
      out += static_cast<size_t>(n);
    } else if (!StartNextEntry() && !StartNextExtraFile()) {
      if (trailer_done_) break;
      pending_.assign(2 * kBlock, '\0');  // end-of-archive marker
      pending_pos_ = 0;
      trailer_done_ = true;
    }
  }
  if (!status_.ok()) return -1;
  written_ += out;
  return static_cast<long>(out);
}

}  // namespace dcs::buildcontext
