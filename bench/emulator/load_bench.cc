// Bounded loopback load run against dcs-emulator: N concurrent clients x M
// requests (a mix of clusters create/get/list and spark-versions), printing
// throughput and p50/p99 latency. Exits non-zero on any error that was not an
// injected fault.
//
//   dcs-emulator-bench [--clients 200] [--requests 50] [--fault-rate 0.0]
//                      [--threads 64] [--keep-alive] [--emulator PATH]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr char kToken[] = "bench-token";

struct Options {
  int clients = 200, requests = 50, threads = 64;
  double fault_rate = 0;
  bool keep_alive = false;
  std::string emulator = DCS_EMULATOR_BIN;
};

struct Child {
  pid_t pid = -1;
  std::string url;
};

Child StartEmulator(const Options& o) {
  int out[2];
  if (pipe(out) != 0) return {};
  std::vector<std::string> args = {o.emulator, "--port", "0", "--token", kToken,
                                   "--threads", std::to_string(o.threads),
                                   "--start-delay-ms", "100"};
  if (o.fault_rate > 0) {
    args.push_back("--fault");
    args.push_back("503:" + std::to_string(o.fault_rate) + ":/api/2.1/clusters/get");
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  Child c{pid, ""};
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') c.url.push_back(ch);
  close(out[0]);
  return c;
}

struct Tally {
  std::mutex mu;
  std::vector<double> latencies_ms;
  int64_t ok = 0, injected = 0, errors = 0;
  std::string first_error;
};

// One request of the mix; returns the HTTP status (0 = transport error).
httplib::Result Send(httplib::Client& c, int i, std::vector<std::string>& mine) {
  if (i % 10 == 0 || mine.empty()) {
    Json spec = {{"cluster_name", "bench"}, {"spark_version", "15.4.x-scala2.12"},
                 {"node_type_id", "Standard_DS3_v2"}, {"num_workers", 1}};
    auto r = c.Post("/api/2.1/clusters/create", spec.dump(), "application/json");
    if (r && r->status == 200) mine.push_back(Json::parse(r->body)["cluster_id"]);
    return r;
  }
  if (i % 10 < 7) return c.Get("/api/2.1/clusters/get?cluster_id=" + mine[i % mine.size()]);
  if (i % 10 < 9) return c.Get("/api/2.1/clusters/list?page_size=20");
  return c.Get("/api/2.1/clusters/spark-versions");
}

// One request of the mix; returns the HTTP status (0 = transport error).
int OneRequest(httplib::Client& c, int i, std::vector<std::string>& mine, bool* injected) {
  auto r = Send(c, i, mine);
  if (!r) return 0;
  *injected = r->status == 503 && r->body.find("TEMPORARILY_UNAVAILABLE") != std::string::npos;
  return r->status;
}

void RunClient(const Options& o, const std::string& url, Tally& tally) {
  httplib::Client c(url);
  c.set_keep_alive(o.keep_alive);
  c.set_read_timeout(30, 0);
  c.set_default_headers({{"Authorization", std::string("Bearer ") + kToken}});
  std::vector<std::string> mine;
  std::vector<double> local;
  int64_t ok = 0, injected = 0, errors = 0;
  std::string first_error;
  for (int i = 0; i < o.requests; ++i) {
    auto t0 = Clock::now();
    bool was_injected = false;
    int status = OneRequest(c, i, mine, &was_injected);
    local.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (status == 200) ++ok;
    else if (was_injected) ++injected;
    else if (++errors == 1) first_error = "status " + std::to_string(status);
  }
  std::lock_guard<std::mutex> lock(tally.mu);
  tally.latencies_ms.insert(tally.latencies_ms.end(), local.begin(), local.end());
  tally.ok += ok;
  tally.injected += injected;
  tally.errors += errors;
  if (tally.first_error.empty()) tally.first_error = first_error;
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--clients") o.clients = std::atoi(next().c_str());
    else if (a == "--requests") o.requests = std::atoi(next().c_str());
    else if (a == "--threads") o.threads = std::atoi(next().c_str());
    else if (a == "--fault-rate") o.fault_rate = std::atof(next().c_str());
    else if (a == "--keep-alive") o.keep_alive = true;
    else if (a == "--emulator") o.emulator = next();
  }
  o.clients = std::clamp(o.clients, 1, 1000);
  o.requests = std::clamp(o.requests, 1, 10000);
  return o;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  Child emu = StartEmulator(o);
  if (emu.url.rfind("http", 0) != 0) {
    std::fprintf(stderr, "could not start %s\n", o.emulator.c_str());
    return 2;
  }
  Tally tally;
  auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < o.clients; ++i) clients.emplace_back(RunClient, std::cref(o), emu.url, std::ref(tally));
  for (auto& t : clients) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  kill(emu.pid, SIGTERM);
  waitpid(emu.pid, nullptr, 0);
  int64_t total = tally.ok + tally.injected + tally.errors;
  std::printf("clients=%d requests/client=%d keep_alive=%s server_threads=%d fault_rate=%.3f\n",
              o.clients, o.requests, o.keep_alive ? "yes" : "no", o.threads, o.fault_rate);
  std::printf("total=%lld ok=%lld injected=%lld errors=%lld elapsed=%.3fs throughput=%.0f req/s\n",
              static_cast<long long>(total), static_cast<long long>(tally.ok),
              static_cast<long long>(tally.injected), static_cast<long long>(tally.errors), secs,
              total / secs);
  std::printf("latency_ms p50=%.2f p99=%.2f max=%.2f\n", Percentile(tally.latencies_ms, 0.50),
              Percentile(tally.latencies_ms, 0.99), Percentile(tally.latencies_ms, 1.0));
  if (tally.errors > 0) std::fprintf(stderr, "unexpected errors; first: %s\n", tally.first_error.c_str());
  return tally.errors == 0 ? 0 : 1;
}
