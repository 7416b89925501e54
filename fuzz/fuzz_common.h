// Helpers shared by the fuzz targets (fuzz/targets/*.cc). Every target
// defines LLVMFuzzerTestOneInput; it is linked either with libFuzzer (clang,
// fuzz/run.sh) or with replay_main.cc (any compiler: the ctest corpus replay).
#ifndef DCS_FUZZ_FUZZ_COMMON_H_
#define DCS_FUZZ_FUZZ_COMMON_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "clients/http/http.h"

// A property every input must keep; a violation aborts, which both libFuzzer
// and the replay driver report as a finding.
#define FUZZ_CHECK(cond, what)                                                        \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "fuzz property violated at %s:%d: %s\n", __FILE__, __LINE__, \
                   std::string(what).c_str());                                        \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace dcs::fuzz {

// A file rewritten for every input, for code under test that reads a path;
// removed when the run ends. In memory (tmpfs) where there is one: on /tmp
// (ext4 here) every rewrite started a disk write on the truncate, which took
// most of the run.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name)
      : path_(std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/dcs-fuzz-" + name + "-" +
              std::to_string(::getpid())) {}
  ~ScratchFile() { ::unlink(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }
  void Write(std::string_view text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }

 private:
  const std::string path_;
};

// Splits the input at every "\n--\n" (so seed files stay readable text).
inline std::vector<std::string_view> Parts(std::string_view data, size_t max_parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_parts) {
    size_t at = data.find("\n--\n");
    if (at == std::string_view::npos) break;
    out.push_back(data.substr(0, at));
    data.remove_prefix(at + 4);
  }
  out.push_back(data);
  return out;
}

// HTTP status for a selector byte: the statuses the clients treat differently.
inline int StatusFor(unsigned char selector) {
  static constexpr int kStatuses[] = {200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504};
  return kStatuses[selector % (sizeof(kStatuses) / sizeof(kStatuses[0]))];
}

// A transport answering requests in order from a script; once the script is
// used up every request fails (as a dead connection would).
class ScriptedTransport : public http::Transport {
 public:
  void Push(http::Response r) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(r));
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    script_.clear();
  }
  absl::StatusOr<http::Response> Send(const http::Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (script_.empty()) return absl::UnavailableError("script used up");
    http::Response r = std::move(script_.front());
    script_.pop_front();
    if (request.on_body && !r.body.empty()) {
      if (!request.on_body(r.body)) return absl::CancelledError("consumer stopped");
      r.body.clear();
    }
    return r;
  }

 private:
  std::mutex mu_;
  std::deque<http::Response> script_;
};

inline http::Response Answer(int status, std::string_view body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::string(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace dcs::fuzz

#endif  // DCS_FUZZ_FUZZ_COMMON_H_
