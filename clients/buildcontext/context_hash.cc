#include "clients/buildcontext/context_hash.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"

namespace dcs::buildcontext {
namespace {

using Digest = std::array<unsigned char, 32>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx NewSha256() {
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  return ctx;
}

Digest Finish(EVP_MD_CTX* ctx) {
  Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, d.data(), &len);
  return d;
}

std::string Hex(const Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char c : d) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

absl::StatusOr<Digest> DigestFile(const std::string& path, std::vector<char>& buf) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  MdCtx ctx = NewSha256();
  while (true) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s =
          absl::InternalError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
      close(fd);
      return s;
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  return Finish(ctx.get());
}

// Hashes every regular file's content with `threads` workers; the first
// error wins and stops the others.
absl::Status DigestAll(const std::string& root, const std::vector<ContextEntry>& entries,
                       const HashOptions& options, std::vector<Digest>& out) {
  out.assign(entries.size(), Digest{});
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  absl::Status first_error;
  auto worker = [&] {
    std::vector<char> buf(options.buffer_size);
    for (size_t i = next++; i < entries.size() && !failed; i = next++) {
      if (entries[i].type != EntryType::kFile) continue;
      auto d = DigestFile(absl::StrCat(root, "/", entries[i].path), buf);
      if (!d.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = d.status();
        failed = true;
        return;
      }
      out[i] = *d;
    }
  };
  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return first_error;
}

// Length-prefixed so that no two different field lists hash alike.
void Field(EVP_MD_CTX* ctx, std::string_view value) {
  const std::string len = absl::StrCat(value.size(), ":");
  EVP_DigestUpdate(ctx, len.data(), len.size());
  EVP_DigestUpdate(ctx, value.data(), value.size());
}

}  // namespace

absl::StatusOr<std::string> HashFile(const std::string& path, size_t buffer_size) {
  std::vector<char> buf(buffer_size);
  auto d = DigestFile(path, buf);
  if (!d.ok()) return d.status();
  return Hex(*d);
}

absl::StatusOr<std::string> HashContext(
    const std::string& root, const std::vector<ContextEntry>& entries,
    const std::vector<std::pair<std::string, std::string>>& inputs, HashOptions options) {
  std::vector<Digest> contents;
  absl::Status s = DigestAll(root, entries, options, contents);
  if (!s.ok()) return s;
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return entries[a].path < entries[b].path; });
  MdCtx ctx = NewSha256();
  Field(ctx.get(), "dcs-context-hash-v1");
  for (size_t i : order) {
    const ContextEntry& e = entries[i];
    Field(ctx.get(), e.path);
    Field(ctx.get(), std::to_string(static_cast<int>(e.type)));
    Field(ctx.get(), std::to_string(e.mode));
    Field(ctx.get(), e.link_target);
    Field(ctx.get(), std::to_string(e.size));
    Field(ctx.get(), e.type == EntryType::kFile ? Hex(contents[i]) : "");
  }
  Field(ctx.get(), "inputs");
  for (const auto& [k, v] : inputs) {
    Field(ctx.get(), k);
    Field(ctx.get(), v);
  }
  return absl::StrCat("sha256:", Hex(Finish(ctx.get())));
}

}  // namespace dcs::buildcontext
