// Fault injection at configured rates, rate limiting, drift and start-delay admin
// endpoints, and persistence across a crash.
#include <algorithm>
#include <chrono>
#include <map>

#include "gtest/gtest.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

using Ms = std::chrono::milliseconds;

TEST(FaultsTest, InjectedErrorsAppearAtTheConfiguredRate) {
  auto emu = Emulator::Start({"--fault", "503:0.25:/api/2.1/clusters/list"});
  ASSERT_NE(emu, nullptr);
  int unavailable = 0;
  for (int i = 0; i < 40; ++i) {
    Resp r = emu->Get("/api/2.1/clusters/list");
    if (r.status == 503) {
      ++unavailable;
      EXPECT_EQ(r.error_code(), "TEMPORARILY_UNAVAILABLE");
      EXPECT_FALSE(r.headers.find("Retry-After") == r.headers.end());
    } else {
      EXPECT_EQ(r.status, 200);
    }
  }
  EXPECT_EQ(unavailable, 10);
  EXPECT_EQ(emu->Get("/api/2.1/clusters/spark-versions").status, 200) << "other paths unaffected";
  Json described = emu->Get("/_emulator/faults").body;
  EXPECT_EQ(described["rules"][0]["matched"], 40);
  EXPECT_EQ(described["rules"][0]["fired"], 10);
}

TEST(FaultsTest, PermissionDeniedHasTheServiceShapeAndNoRetryAfter) {
  auto emu = Emulator::Start({"--fault", "403:1:/api/2.1/clusters/list:0:GET"});
  ASSERT_NE(emu, nullptr);
  Resp r = emu->Get("/api/2.1/clusters/list");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "PERMISSION_DENIED");
  EXPECT_TRUE(r.headers.find("Retry-After") == r.headers.end());
  EXPECT_EQ(emu->Get("/api/2.0/instance-pools/list").status, 200) << "other paths unaffected";
}

TEST(FaultsTest, AdminConfiguresThrottlingResetsAndLatency) {
  auto emu = Emulator::Start();
  ASSERT_NE(emu, nullptr);
  Json config = {{"rules",
                  {{{"path", "/api/2.0/instance-pools/list"}, {"kind", "429"}, {"rate", 0.5},
                    {"retry_after_seconds", 7}},
                   {{"path", "/api/2.0/secrets/*"}, {"kind", "reset"}, {"rate", 1.0}},
                   {{"path", "/api/2.1/clusters/spark-versions"}, {"kind", "latency"}, {"rate", 1.0},
                    {"latency_ms", 150}},
                   {{"path", "/api/2.1/clusters/get"}, {"kind", "500"}, {"rate", 1.0}, {"method", "GET"}}}}};
  ASSERT_EQ(emu->Post("/_emulator/faults", config).status, 200);
  int throttled = 0;
  for (int i = 0; i < 10; ++i) {
    Resp r = emu->Get("/api/2.0/instance-pools/list");
    if (r.status == 429) {
      ++throttled;
      EXPECT_EQ(r.error_code(), "REQUEST_LIMIT_EXCEEDED");
      EXPECT_EQ(r.headers.find("Retry-After")->second, "7");
    }
  }
  EXPECT_EQ(throttled, 5);
  Resp reset = emu->Get("/api/2.0/secrets/scopes/list");
  EXPECT_EQ(reset.status, 0) << "connection reset, no HTTP response";
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(emu->Get("/api/2.1/clusters/spark-versions").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, Ms(150));
  Resp internal = emu->Get("/api/2.1/clusters/get?cluster_id=x");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.error_code(), "INTERNAL_ERROR");
  EXPECT_EQ(emu->Get("/_emulator/health").status, 200) << "admin endpoints are never faulted";
  ASSERT_EQ(emu->Delete("/_emulator/faults").status, 200);
  EXPECT_EQ(emu->Get("/api/2.0/secrets/scopes/list").status, 200);
  EXPECT_EQ(emu->Post("/_emulator/faults", {{"rules", {{{"kind", "boom"}}}}}).status, 400);
}

// Issue 14: with 503:0.1, 429:0.05 and reset:0.05 on one path the rules shared
// one schedule, so only the 503 rule ever fired (11 × 503, 0 × 429, 0 resets in
// 111 requests). A rule due on an already-faulted request now fires next time.
TEST(FaultsTest, RulesOnOnePathAllFire) {
  auto emu = Emulator::Start({"--fault", "503:0.1:/api/2.1/clusters/list", "--fault",
                              "429:0.05:/api/2.1/clusters/list", "--fault", "reset:0.05:/api/2.1/clusters/list"});
  ASSERT_NE(emu, nullptr);
  std::map<int, int> statuses;
  for (int i = 0; i < 111; ++i) ++statuses[emu->Get("/api/2.1/clusters/list").status];
  EXPECT_EQ(statuses[503], 11);
  EXPECT_EQ(statuses[429], 5);
  EXPECT_EQ(statuses[0], 5) << "connection resets";
  Json described = emu->Get("/_emulator/faults").body;
  for (const Json& rule : described["rules"]) EXPECT_EQ(rule["matched"], 111) << rule;
}

// A seed gives every rule its own random stream: reproducible for the same
// requests, and not the lockstep of a shared schedule.
TEST(FaultsTest, SeededSchedulesAreIndependentAndReproducible) {
  auto run = [](const std::string& seed) {
    auto emu = Emulator::Start({"--fault-seed", seed, "--fault", "503:0.2:/api/2.1/clusters/list", "--fault",
                                "429:0.2:/api/2.1/clusters/list"});
    std::string trace;
    for (int i = 0; i < 200; ++i) {
      int status = emu->Get("/api/2.1/clusters/list").status;
      trace += status == 503 ? 'u' : status == 429 ? 't' : '.';
    }
    return trace;
  };
  const std::string a = run("7"), b = run("7"), c = run("8");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const auto count = [](const std::string& t, char k) { return std::count(t.begin(), t.end(), k); };
  // Each rule fires about 20 % (binomial, n = 200: well inside 20..60).
  EXPECT_GT(count(a, 'u'), 20);
  EXPECT_LT(count(a, 'u'), 60);
  EXPECT_GT(count(a, 't'), 20);
  EXPECT_LT(count(a, 't'), 60);
}

// drop-reply: the request takes effect, the client sees a reset connection.
// Method targeting keeps the list (GET) on the same prefix unaffected.
TEST(FaultsTest, DropReplyPerformsTheRequestThenResets) {
  auto emu = Emulator::Start({"--fault", "drop-reply:1:/api/2.0/instance-pools/*:0:POST"});
  ASSERT_NE(emu, nullptr);
  Resp created = emu->Post("/api/2.0/instance-pools/create",
                           {{"instance_pool_name", "lost-reply"}, {"node_type_id", "Standard_DS3_v2"}});
  EXPECT_EQ(created.status, 0) << "no HTTP answer: " << created.raw;
  Resp list = emu->Get("/api/2.0/instance-pools/list");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["instance_pools"].size(), 1u) << list.raw;
  EXPECT_EQ(list.body["instance_pools"][0]["instance_pool_name"], "lost-reply");
  Json described = emu->Get("/_emulator/faults").body;
  EXPECT_EQ(described["rules"][0]["fired"], 1);
  EXPECT_EQ(described["rules"][0]["method"], "POST");
}

TEST(FaultsTest, RateLimitAnswers429WithRetryAfter) {
  auto emu = Emulator::Start({"--rate-limit", "5:/api/2.1/clusters/*"});
  ASSERT_NE(emu, nullptr);
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    Resp r = emu->Get("/api/2.1/clusters/list");
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.headers.find("Retry-After") == r.headers.end());
    }
  }
  EXPECT_GE(limited, 10);
  EXPECT_LE(limited, 15);
  EXPECT_EQ(emu->Get("/api/2.0/instance-pools/list").status, 200);
}

TEST(AdminTest, DriftAndStartDelay) {
  auto emu = Emulator::Start({"--start-delay-ms", "60000"});
  ASSERT_NE(emu, nullptr);
  std::string id = emu->Post("/api/2.1/clusters/create", BasicCluster("drift")).body["cluster_id"];
  EXPECT_EQ(emu->Get("/api/2.1/clusters/get?cluster_id=" + id).body["state"], "PENDING");
  emu->Settings({{"start_delay_ms", 50}});
  std::string fast = emu->Post("/api/2.1/clusters/create", BasicCluster("fast")).body["cluster_id"];
  emu->WaitForState(fast, "RUNNING", 3000);
  ASSERT_EQ(emu->Post("/_emulator/drift", {{"resource", "cluster"}, {"id", fast},
                                           {"patch", {{"num_workers", 7}, {"custom_tags", {{"drift", "yes"}}}}}})
                .status, 200);
  Json got = emu->Get("/api/2.1/clusters/get?cluster_id=" + fast).body;
  EXPECT_EQ(got["num_workers"], 7);
  EXPECT_EQ(got["spec"]["custom_tags"]["drift"], "yes");
  ASSERT_EQ(emu->Post("/_emulator/drift", {{"resource", "cluster"}, {"id", fast}, {"state", "TERMINATED"}}).status, 200);
  got = emu->Get("/api/2.1/clusters/get?cluster_id=" + fast).body;
  EXPECT_EQ(got["state"], "TERMINATED");
  EXPECT_EQ(got["termination_reason"]["code"], "INACTIVITY");
  ASSERT_EQ(emu->Post("/_emulator/drift", {{"resource", "cluster"}, {"id", fast}, {"delete", true}}).status, 200);
  EXPECT_EQ(emu->Get("/api/2.1/clusters/get?cluster_id=" + fast).status, 404);
  ASSERT_EQ(emu->Post("/_emulator/drift", {{"resource", "workspace_conf"}, {"patch", {{"enableDcs", "true"}}}}).status, 200);
  EXPECT_EQ(emu->Get("/api/2.0/workspace-conf?keys=enableDcs").body["enableDcs"], "true");
  EXPECT_EQ(emu->Post("/_emulator/drift", {{"resource", "cluster"}, {"id", "nope"}}).status, 404);
  Json state = emu->Get("/_emulator/state").body;
  EXPECT_TRUE(state["clusters"].contains(id));
  EXPECT_EQ(state["settings"]["start_delay_ms"], 50);
}

TEST(PersistenceTest, KillAndRestartKeepsEverythingAcknowledged) {
  std::string file = TempPath("state.json");
  std::remove(file.c_str());
  std::vector<std::string> args = {"--state-file", file, "--start-delay-ms", "100",
                                   "--oauth-client", "app:secret"};
  auto emu = Emulator::Start(args);
  ASSERT_NE(emu, nullptr);
  emu->EnableDcs(true);
  ASSERT_EQ(emu->Post("/api/2.0/secrets/scopes/create", {{"scope", "dcs"}}).status, 200);
  for (const char* k : {"user", "pass"}) {
    ASSERT_EQ(emu->Post("/api/2.0/secrets/put", {{"scope", "dcs"}, {"key", k}, {"string_value", "v"}}).status, 200);
  }
  std::string pool = emu->Post("/api/2.0/instance-pools/create",
                               {{"instance_pool_name", "p"}, {"node_type_id", "Standard_DS3_v2"},
                                {"preloaded_docker_images", {{{"url", "myacr.azurecr.io/team/img:1.0"}}}}})
                         .body["instance_pool_id"];
  Json spec = DockerCluster("persisted");
  spec.erase("node_type_id");
  spec["instance_pool_id"] = pool;
  spec["idempotency_token"] = "keep-me";
  std::string id = emu->Post("/api/2.1/clusters/create", spec).body["cluster_id"];
  ASSERT_FALSE(id.empty());
  emu->Kill();

  auto again = Emulator::Start(args);
  ASSERT_NE(again, nullptr);
  Json got = again->WaitForState(id, "RUNNING");  // the pending launch completes after restart
  EXPECT_EQ(got["cluster_name"], "persisted");
  EXPECT_EQ(got["creator_user_name"], kUser);
  EXPECT_EQ(again->Post("/api/2.1/clusters/create", spec).body["cluster_id"], id)
      << "idempotency survives the restart";
  EXPECT_EQ(again->Get("/api/2.0/instance-pools/get?instance_pool_id=" + pool).status, 200);
  EXPECT_EQ(again->Get("/api/2.0/secrets/list?scope=dcs").body["secrets"].size(), 2u);
  EXPECT_EQ(again->Get("/api/2.0/workspace-conf?keys=enableDcs").body["enableDcs"], "true");
  Resp events = again->Post("/api/2.1/clusters/events", {{"cluster_id", id}});
  EXPECT_EQ(events.body["events"][0]["type"], "RUNNING");
  again->Terminate();
  std::remove(file.c_str());
}

}  // namespace
}  // namespace dcs::emulator::testing
