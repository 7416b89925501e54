// Test harness: runs the real dcs-emulator binary as a subprocess on port 0,
// reads its base URL from stdout, and talks to it over HTTP with cpp-httplib.
#ifndef DCS_TESTS_UNIT_EMULATOR_EMULATOR_HARNESS_H_
#define DCS_TESTS_UNIT_EMULATOR_EMULATOR_HARNESS_H_

#include <httplib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "gtest/gtest.h"

#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace dcs::emulator::testing {

using Json = nlohmann::json;

inline constexpr char kToken[] = "test-token";
inline constexpr char kUser[] = "tester@example.com";

struct Resp {
  int status = 0;  // 0 = transport error (e.g. connection reset)
  Json body;       // parsed JSON, or null
  std::string raw;
  httplib::Headers headers;
  std::string error_code() const { return body.is_object() ? body.value("error_code", "") : ""; }
  std::string message() const { return body.is_object() ? body.value("message", "") : ""; }
};

class Emulator {
 public:
  // Starts the binary with `args` (plus --port 0 and the test token). Aborts the
  // test via ADD_FAILURE and returns nullptr when it does not come up.
  static std::unique_ptr<Emulator> Start(std::vector<std::string> args = {},
                                         bool add_default_token = true);
  // Like Start, but a failure to come up is an expected outcome (returns nullptr).
  static std::unique_ptr<Emulator> TryStart(std::vector<std::string> args,
                                            bool add_default_token = true);
  ~Emulator();

  void Terminate();  // SIGTERM and wait
  void Kill();       // SIGKILL and wait (simulates a crash)
  const std::string& url() const { return url_; }

  Resp Get(const std::string& path_and_query, const std::string& token = kToken) const;
  Resp Post(const std::string& path, const Json& body, const std::string& token = kToken) const;
  Resp PostRaw(const std::string& path, const std::string& body,
               const std::string& content_type = "application/json",
               const httplib::Headers& headers = {}) const;
  Resp Patch(const std::string& path, const Json& body) const;
  Resp Delete(const std::string& path) const;

  // Polls clusters/get until `state` or timeout; returns the last body.
  Json WaitForState(const std::string& cluster_id, const std::string& state,
                    int timeout_ms = 5000) const;
  // Admin helpers.
  void Settings(const Json& settings) const;
  void EnableDcs(bool on = true) const;

 private:
  std::unique_ptr<httplib::Client> NewClient(const std::string& token) const;
  int pid_ = -1;
  std::string url_;
};

std::string EmulatorBinary();
std::string TempPath(const std::string& name);

// A minimal valid cluster spec.
Json BasicCluster(const std::string& name = "c");
Json DockerCluster(const std::string& name = "d");

// ---- implementation (header-only: the test glob compiles *_test.cc only) ----

namespace harness_internal {

inline Resp ToResp(const httplib::Result& r) {
  Resp out;
  if (!r) return out;
  out.status = r->status;
  out.raw = r->body;
  out.headers = r->headers;
  out.body = Json::parse(r->body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

// Reads one line from fd within timeout_ms.
inline std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char c;
    if (read(fd, &c, 1) != 1) break;
    if (c == '\n') return line;
    line.push_back(c);
  }
  return "";
}

}  // namespace harness_internal
using namespace harness_internal;

inline std::string EmulatorBinary() {
  if (const char* env = std::getenv("DCS_EMULATOR_BIN")) return env;
  return std::string(DCS_BINARY_DIR) + "/emulator/dcs-emulator";
}

inline std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/dcs-emu-test-" + std::to_string(getpid()) + "-" + name;
}

inline std::unique_ptr<Emulator> Emulator::Start(std::vector<std::string> args, bool add_default_token) {
  auto emu = TryStart(std::move(args), add_default_token);
  if (emu == nullptr) ADD_FAILURE() << "emulator did not print its URL (binary " << EmulatorBinary() << ")";
  return emu;
}

inline std::unique_ptr<Emulator> Emulator::TryStart(std::vector<std::string> args, bool add_default_token) {
  args.insert(args.begin(), {"--port", "0"});
  if (add_default_token) args.push_back(std::string("--token=") + kToken + "=" + kUser);
  int out[2];
  if (pipe(out) != 0) return nullptr;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::string bin = EmulatorBinary();
    std::vector<char*> argv{bin.data()};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  auto emu = std::unique_ptr<Emulator>(new Emulator());
  emu->pid_ = pid;
  emu->url_ = ReadLine(out[0], 10000);
  close(out[0]);
  if (emu->url_.rfind("http", 0) != 0) return nullptr;  // the destructor reaps the child
  return emu;
}

inline Emulator::~Emulator() { Terminate(); }

inline void Emulator::Terminate() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

inline void Emulator::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

inline std::unique_ptr<httplib::Client> Emulator::NewClient(const std::string& token) const {
  auto c = std::make_unique<httplib::Client>(url_);
  c->enable_server_certificate_verification(false);
  c->set_read_timeout(10, 0);
  c->set_connection_timeout(5, 0);
  if (!token.empty()) c->set_default_headers({{"Authorization", "Bearer " + token}});
  return c;
}

inline Resp Emulator::Get(const std::string& path, const std::string& token) const {
  return ToResp(NewClient(token)->Get(path));
}

inline Resp Emulator::Post(const std::string& path, const Json& body, const std::string& token) const {
  return ToResp(NewClient(token)->Post(path, body.dump(), "application/json"));
}

inline Resp Emulator::PostRaw(const std::string& path, const std::string& body,
                       const std::string& content_type, const httplib::Headers& headers) const {
  auto c = NewClient(headers.empty() ? kToken : "");
  return ToResp(c->Post(path, headers, body, content_type));
}

inline Resp Emulator::Patch(const std::string& path, const Json& body) const {
  return ToResp(NewClient(kToken)->Patch(path, body.dump(), "application/json"));
}

inline Resp Emulator::Delete(const std::string& path) const { return ToResp(NewClient(kToken)->Delete(path)); }

inline Json Emulator::WaitForState(const std::string& id, const std::string& state, int timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Json last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = Get("/api/2.1/clusters/get?cluster_id=" + id).body;
    if (last.is_object() && last.value("state", "") == state) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ADD_FAILURE() << "cluster " << id << " never reached " << state << "; last: " << last.dump();
  return last;
}

inline void Emulator::Settings(const Json& settings) const {
  ASSERT_EQ(Post("/_emulator/settings", settings).status, 200);
}

inline void Emulator::EnableDcs(bool on) const {
  ASSERT_EQ(Patch("/api/2.0/workspace-conf", {{"enableDcs", on ? "true" : "false"}}).status, 204);
}

inline Json BasicCluster(const std::string& name) {
  return {{"cluster_name", name}, {"spark_version", "15.4.x-scala2.12"},
          {"node_type_id", "Standard_DS3_v2"}, {"num_workers", 1},
          {"autotermination_minutes", 60}};
}

inline Json DockerCluster(const std::string& name) {
  Json c = BasicCluster(name);
  c["data_security_mode"] = "SINGLE_USER";
  c["single_user_name"] = kUser;
  c["docker_image"] = {{"url", "myacr.azurecr.io/team/img:1.0"},
                       {"basic_auth", {{"username", "{{secrets/dcs/user}}"},
                                       {"password", "{{secrets/dcs/pass}}"}}}};
  return c;
}

}  // namespace dcs::emulator::testing

#endif  // DCS_TESTS_UNIT_EMULATOR_EMULATOR_HARNESS_H_
