// context_hash_bench: generates a large build context and measures
//   gen  DIR FILES BYTES  write FILES files totalling ~BYTES under DIR
//   hash DIR [THREADS]    ListContext + HashContext; prints seconds
//   tar  DIR              stream the context as tar to nowhere; prints bytes,
//                         seconds and the peak RSS of this process
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "clients/buildcontext/context.h"
#include "clients/buildcontext/context_hash.h"
#include "clients/buildcontext/tar_stream.h"

namespace bc = dcs::buildcontext;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Sizes follow a skewed mix: most files small, a few large, summing to ~bytes.
int Generate(const std::string& dir, long files, long long bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/Dockerfile") << "FROM scratch\nCOPY . /app\n";
  std::ofstream(dir + "/.dockerignore") << "**/*.skip\n";
  uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const long long avg = bytes / files;
  std::vector<uint64_t> buf(1 << 17);
  for (long i = 0; i < files; ++i) {
    const std::string sub = dir + "/d" + std::to_string(i % 500) + "/e" + std::to_string(i % 7);
    if (i < 3500) std::filesystem::create_directories(sub);
    long long size = (i % 100 == 0) ? avg * 40 : avg * 60 / 99;  // 1% large files
    std::ofstream out(sub + "/f" + std::to_string(i) + (i % 1000 == 1 ? ".skip" : ".dat"),
                      std::ios::binary);
    while (size > 0) {
      for (auto& w : buf) w = next();
      const long long n = std::min<long long>(size, static_cast<long long>(buf.size() * 8));
      out.write(reinterpret_cast<const char*>(buf.data()), n);
      size -= n;
    }
  }
  return 0;
}

int Hash(const std::string& dir, int threads) {
  auto start = std::chrono::steady_clock::now();
  auto ctx = bc::ListContext({dir});
  if (!ctx.ok()) return std::fprintf(stderr, "%s\n", ctx.status().ToString().c_str()), 1;
  const double list_s = Seconds(start);
  auto h = bc::HashContext(dir, ctx->entries, {{"dockerfile", "Dockerfile"}},
                           bc::HashOptions{.threads = threads});
  if (!h.ok()) return std::fprintf(stderr, "%s\n", h.status().ToString().c_str()), 1;
  std::printf("entries=%zu bytes=%llu list_s=%.3f total_s=%.3f peak_rss_kb=%ld hash=%s\n",
              ctx->entries.size(), static_cast<unsigned long long>(ctx->total_bytes), list_s,
              Seconds(start), PeakRssKb(), h->c_str());
  return 0;
}

int Tar(const std::string& dir) {
  auto start = std::chrono::steady_clock::now();
  auto ctx = bc::ListContext({dir});
  if (!ctx.ok()) return std::fprintf(stderr, "%s\n", ctx.status().ToString().c_str()), 1;
  bc::TarStream tar(dir, std::move(ctx->entries));
  std::vector<char> buf(1 << 16);  // libcurl's upload buffer is 64 KiB at most
  unsigned long long total = 0;
  long n;
  while ((n = tar.Read(buf.data(), buf.size())) > 0) total += static_cast<unsigned long long>(n);
  if (n < 0) return std::fprintf(stderr, "%s\n", tar.status().ToString().c_str()), 1;
  std::printf("tar_bytes=%llu tar_s=%.3f peak_rss_kb=%ld\n", total, Seconds(start), PeakRssKb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "gen" && argc == 5) return Generate(argv[2], std::atol(argv[3]), std::atoll(argv[4]));
  if (cmd == "hash" && argc >= 3) return Hash(argv[2], argc > 3 ? std::atoi(argv[3]) : 0);
  if (cmd == "tar" && argc == 3) return Tar(argv[2]);
  std::fprintf(stderr, "usage: %s gen DIR FILES BYTES | hash DIR [THREADS] | tar DIR\n", argv[0]);
  return 2;
}
