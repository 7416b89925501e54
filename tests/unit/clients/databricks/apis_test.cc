// The APIs against FakeTransport fixtures: exact request JSON and answer mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/cluster_waiter.h"
#include "clients/databricks/clusters_api.h"
#include "clients/databricks/instance_pools_api.h"
#include "clients/databricks/secrets_api.h"
#include "clients/databricks/workspace_conf_api.h"
#include "clients/http/testing/fakes.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using ::testing::HasSubstr;

constexpr char kDcsSpecJson[] = R"({
  "cluster_name":"dcs-dev","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2",
  "num_workers":0,"spark_conf":{"spark.databricks.cluster.profile":"singleNode"},
  "custom_tags":{"ResourceClass":"SingleNode"},
  "docker_image":{"url":"myacr.azurecr.io/img:1.0","basic_auth":{"username":"{{secrets/s/u}}","password":"{{secrets/s/p}}"}},
  "init_scripts":[{"file":{"destination":"file:/init.sh"}},{"s3":{"destination":"s3://b/k","region":"us-west-2"}}],
  "data_security_mode":"SINGLE_USER","single_user_name":"me@example.com","autotermination_minutes":60,
  "azure_attributes":{"availability":"ON_DEMAND_AZURE","first_on_demand":1},"idempotency_token":"tok-1"})";

nlohmann::json DcsSpec() { return nlohmann::json::parse(kDcsSpecJson); }

TEST(ClustersApiTest, CreateSendsTheSpecAndRetriesWhenItHasAToken) {
  ClientFixture f;
  f.Expect("POST", "/api/2.1/clusters/create", kDcsSpecJson, 503, "");  // retried: has a token
  f.Expect("POST", "/api/2.1/clusters/create", kDcsSpecJson, 200, R"({"cluster_id":"0923-164208-meows279"})");
  ClustersApi api(f.client);
  auto id = api.Create(DcsSpec(), nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "0923-164208-meows279");
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(ClustersApiTest, CreateWithoutIdempotencyTokenIsNotRetried) {
  ClientFixture f;
  f.Expect("POST", "/api/2.1/clusters/create", R"({"spark_version":"v","num_workers":1})", 503, "");
  const nlohmann::json spec = {{"spark_version", "v"}, {"num_workers", 1}};
  EXPECT_EQ(ClustersApi(f.client).Create(spec, nullptr).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(f.fake->requests().size(), 1u);
}

TEST(ClustersApiTest, EditAddsTheClusterId) {
  ClientFixture f;
  nlohmann::json spec = DcsSpec();
  spec.erase("idempotency_token");
  nlohmann::json expected = spec;
  expected["cluster_id"] = "c1";
  f.Expect("POST", "/api/2.1/clusters/edit", expected.dump(), 200, "{}");
  EXPECT_TRUE(ClustersApi(f.client).Edit("c1", spec, nullptr).ok());
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(ClustersApiTest, GetTypesTheStatusAndKeepsTheSettingsAsSent) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200, R"({
    "cluster_id":"c1","cluster_name":"dcs-dev","spark_version":"15.4.x-scala2.12","num_workers":0,
    "autoscale":{"min_workers":1,"max_workers":4},
    "state":"RUNNING","state_message":"","start_time":1724000000000,"creator_user_name":"me",
    "default_tags":{"Vendor":"Databricks"},"cluster_source":"API","spark_context_id":4020997813441462000,
    "termination_reason":{"code":"USER_REQUEST","type":"SUCCESS","parameters":{"username":"me"}},
    "some_future_field":{"x":[1,2]},"spec":{"spark_version":"15.4.x-scala2.12","num_workers":0}})");
  auto c = ClustersApi(f.client).Get("c1", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cluster_id, "c1");
  EXPECT_EQ(c->state, "RUNNING");
  EXPECT_EQ(*c->start_time, 1724000000000);
  EXPECT_EQ(c->default_tags->at("Vendor"), "Databricks");
  EXPECT_EQ(*c->termination_reason->code, "USER_REQUEST");
  EXPECT_EQ(c->settings(), nlohmann::json::parse(R"({"spark_version":"15.4.x-scala2.12","num_workers":0})"));
  EXPECT_EQ(c->answer["some_future_field"]["x"].size(), 2u);
}

TEST(ClustersApiTest, SettingsAreTheAnswerItselfWithoutASpec) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200, R"({"cluster_id":"c1","num_workers":3})");
  auto c = ClustersApi(f.client).Get("c1", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->settings()["num_workers"], 3);
}

TEST(ClustersApiTest, WrongShapedAnswerIsInternal) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200, R"({"cluster_id":"c1","state":["RUNNING"]})");
  auto c = ClustersApi(f.client).Get("c1", nullptr);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(c.status().message(), HasSubstr("clusters/get"));
}

// UBSan reproducers (issue 14): a float out of an integer field's range was
// cast to int, which is undefined (on x86 it became INT_MIN and was accepted).
TEST(ClustersApiTest, OutOfRangeNumbersAreRefusedNotCast) {
  for (const char* body : {R"({"cluster_id":"c1","start_time":1e300})",
                           R"({"cluster_id":"c1","start_time":-1e300})",
                           R"({"cluster_id":"c1","terminated_time":1e19})",
                           R"({"cluster_id":"c1","start_time":18446744073709551615})"}) {
    ClientFixture f;
    f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200, body);
    auto c = ClustersApi(f.client).Get("c1", nullptr);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInternal) << body;
    EXPECT_THAT(c.status().message(), HasSubstr("does not fit an integer field")) << body;
  }
  ClientFixture f;  // in-range floats keep being accepted
  f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200, R"({"cluster_id":"c1","start_time":2.0})");
  auto c = ClustersApi(f.client).Get("c1", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c->start_time, 2);
}

TEST(ClustersApiTest, ListFollowsPages) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 200,
           R"({"clusters":[{"cluster_id":"a","state":"RUNNING"}],"next_page_token":"p2"})");
  f.Expect("GET", "/api/2.1/clusters/list?page_size=100&page_token=p2", "", 200,
           R"({"clusters":[{"cluster_id":"b","state":"TERMINATED"}],"next_page_token":""})");
  auto all = ClustersApi(f.client).List(nullptr);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].cluster_id, "b");
}

// List moves each cluster out of its page (no copies): every cluster still
// keeps its whole answer, and a malformed entry still fails the whole list.
TEST(ClustersApiTest, ListKeepsEachClustersAnswerAndRefusesAMalformedEntry) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 200,
           R"({"clusters":[{"cluster_id":"a","state":"RUNNING","num_workers":2,"x":{"y":[1]}},
                           {"cluster_id":"b","state":"PENDING","num_workers":5}]})");
  auto all = ClustersApi(f.client).List(nullptr);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].state, "RUNNING");
  EXPECT_EQ((*all)[0].answer["x"]["y"][0], 1);
  EXPECT_EQ((*all)[1].settings()["num_workers"], 5);

  ClientFixture bad;
  bad.Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 200,
             R"({"clusters":[{"cluster_id":"a","state":"RUNNING"},"not a cluster"]})");
  auto refused = ClustersApi(bad.client).List(nullptr);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(refused.status().message(), HasSubstr("clusters/list"));
}

TEST(ClustersApiTest, FromJsonOfACopyEqualsFromJsonOfTheAnswer) {
  const auto j = nlohmann::json::parse(R"({"cluster_id":"c","state":"RUNNING","default_tags":{"k":"v"}})");
  ClusterInfo copied, moved;
  FromJson(j, copied);
  FromJson(nlohmann::json(j), moved);
  EXPECT_EQ(copied.answer, j);
  EXPECT_EQ(moved.answer, j);
  EXPECT_EQ(copied.default_tags, moved.default_tags);
  EXPECT_EQ(copied.state, "RUNNING");
}

TEST(ClustersApiTest, LifecycleCalls) {
  ClientFixture f;
  f.Expect("POST", "/api/2.1/clusters/start", R"({"cluster_id":"c1"})", 200, "{}");
  f.Expect("POST", "/api/2.1/clusters/delete", R"({"cluster_id":"c1"})", 200, "{}");
  f.Expect("POST", "/api/2.1/clusters/permanent-delete", R"({"cluster_id":"c1"})", 400,
           R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Cluster c1 does not exist"})");
  ClustersApi api(f.client);
  EXPECT_TRUE(api.Start("c1", nullptr).ok());
  EXPECT_TRUE(api.Delete("c1", nullptr).ok());
  EXPECT_EQ(api.PermanentDelete("c1", nullptr).code(), absl::StatusCode::kNotFound);
}

TEST(InstancePoolsApiTest, CreateEditGetListDelete) {
  ClientFixture f;
  const nlohmann::json pool = nlohmann::json::parse(R"({"instance_pool_name":"pool","node_type_id":"Standard_DS3_v2",
    "min_idle_instances":1,"max_capacity":10,"idle_instance_autotermination_minutes":15,"enable_elastic_disk":true,
    "disk_spec":{"disk_type":{"azure_disk_volume_type":"PREMIUM_LRS"},"disk_count":1,"disk_size":128},
    "preloaded_spark_versions":["15.4.x-scala2.12"],
    "preloaded_docker_images":[{"url":"img:1","basic_auth":{"username":"u","password":"{{secrets/s/p}}"}}]})");
  const nlohmann::json edit = {{"instance_pool_name", "pool"}, {"node_type_id", "Standard_DS3_v2"},
                               {"max_capacity", 10}};
  f.Expect("POST", "/api/2.0/instance-pools/create", pool.dump(), 200, R"({"instance_pool_id":"pool-1"})");
  f.Expect("POST", "/api/2.0/instance-pools/edit", R"({"instance_pool_id":"pool-1","instance_pool_name":"pool",
    "node_type_id":"Standard_DS3_v2","max_capacity":10})", 200, "{}");
  f.Expect("GET", "/api/2.0/instance-pools/get?instance_pool_id=pool-1", "", 200,
           R"({"instance_pool_id":"pool-1","instance_pool_name":"pool","node_type_id":"n","state":"ACTIVE",
               "preloaded_docker_images":[{"url":"img:1"},{"url":"img:2"}],"default_tags":{"Vendor":"Databricks"}})");
  f.Expect("GET", "/api/2.0/instance-pools/list", "", 200, R"({"instance_pools":[{"instance_pool_id":"pool-1"}]})");
  f.Expect("POST", "/api/2.0/instance-pools/delete", R"({"instance_pool_id":"pool-1"})", 200, "{}");
  InstancePoolsApi api(f.client);
  ASSERT_EQ(*api.Create(pool, nullptr), "pool-1");
  ASSERT_TRUE(api.Edit("pool-1", edit, nullptr).ok());
  auto got = api.Get("pool-1", nullptr);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["state"], "ACTIVE");
  EXPECT_THAT(PreloadedImageUrls(*got), ::testing::ElementsAre("img:1", "img:2"));
  EXPECT_EQ(api.List(nullptr)->size(), 1u);
  EXPECT_TRUE(api.Delete("pool-1", nullptr).ok());
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(InstancePoolsApiTest, AnswersThatAreNotObjectsAreInternal) {
  ClientFixture f;
  f.Expect("GET", "/api/2.0/instance-pools/get?instance_pool_id=p", "", 200, "[1,2]");
  f.Expect("GET", "/api/2.0/instance-pools/list", "", 200, R"({"instance_pools":{"p":{}}})");
  InstancePoolsApi api(f.client);
  EXPECT_EQ(api.Get("p", nullptr).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(api.List(nullptr).status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(PreloadedImageUrls(nlohmann::json::parse(R"({"preloaded_docker_images":"img:1"})")).empty());
}

TEST(WorkspaceConfApiTest, GetAndPatch) {
  ClientFixture f;
  f.Expect("GET", "/api/2.0/workspace-conf?keys=enableDcs,enableIpAccessLists", "", 200,
           R"({"enableDcs":"true","enableIpAccessLists":null})");
  f.Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs":"false"})", 204, "");
  f.Expect("GET", "/api/2.0/workspace-conf?keys=enableIpAccessLissss", "", 400,
           R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid keys: [\"enableIpAccessLissss\"]"})");
  WorkspaceConfApi api(f.client);
  auto got = api.Get({"enableDcs", "enableIpAccessLists"}, nullptr);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, (StringMap{{"enableDcs", "true"}}));
  EXPECT_TRUE(api.Set({{"enableDcs", "false"}}, nullptr).ok());
  auto bad = api.Get({"enableIpAccessLissss"}, nullptr);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("Invalid keys"));
}

TEST(SecretsApiTest, ScopesAndSecrets) {
  ClientFixture f;
  f.Expect("POST", "/api/2.0/secrets/scopes/create", R"({"scope":"dcs","initial_manage_principal":"users"})", 200, "{}");
  f.Expect("POST", "/api/2.0/secrets/scopes/create", R"({"scope":"dcs"})", 400,
           R"({"error_code":"RESOURCE_ALREADY_EXISTS","message":"Scope dcs already exists!"})");
  f.Expect("GET", "/api/2.0/secrets/scopes/list", "", 200, R"({"scopes":[{"name":"dcs","backend_type":"DATABRICKS"}]})");
  f.Expect("POST", "/api/2.0/secrets/put", R"({"scope":"dcs","key":"pw","string_value":"hunter2"})", 200, "{}");
  f.Expect("GET", "/api/2.0/secrets/list?scope=dcs", "", 200,
           R"({"secrets":[{"key":"pw","last_updated_timestamp":1700000000000}]})");
  f.Expect("POST", "/api/2.0/secrets/delete", R"({"scope":"dcs","key":"pw"})", 200, "{}");
  f.Expect("POST", "/api/2.0/secrets/scopes/delete", R"({"scope":"dcs"})", 404,
           R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Scope dcs does not exist!"})");
  SecretsApi api(f.client);
  EXPECT_TRUE(api.CreateScope("dcs", "users", nullptr).ok());
  EXPECT_EQ(api.CreateScope("dcs", std::nullopt, nullptr).code(), absl::StatusCode::kAlreadyExists);
  auto scopes = api.ListScopes(nullptr);
  ASSERT_TRUE(scopes.ok());
  EXPECT_EQ((*scopes)[0].backend_type, "DATABRICKS");
  EXPECT_TRUE(api.PutSecret("dcs", "pw", "hunter2", nullptr).ok());
  auto secrets = api.ListSecrets("dcs", nullptr);
  ASSERT_TRUE(secrets.ok());
  EXPECT_EQ((*secrets)[0].last_updated_timestamp, 1700000000000);
  EXPECT_TRUE(api.DeleteSecret("dcs", "pw", nullptr).ok());
  EXPECT_EQ(api.DeleteScope("dcs", nullptr).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(f.fake->AllUsed());
}

void ExpectState(ClientFixture& f, const std::string& state, const std::string& extra = "") {
  f.Expect("GET", "/api/2.1/clusters/get?cluster_id=c1", "", 200,
           R"({"cluster_id":"c1","state":")" + state + "\"" + extra + "}");
}

TEST(WaiterTest, PollsWithGrowingIntervalResetOnStateChange) {
  ClientFixture f;
  for (int i = 0; i < 4; ++i) ExpectState(f, "PENDING");
  ExpectState(f, "RESTARTING");
  ExpectState(f, "RESTARTING");
  ExpectState(f, "RUNNING");
  ClusterStateBoard board(f.client, *f.clock, {std::chrono::milliseconds(200), 1.5, std::chrono::seconds(5)});
  auto r = board.Wait("c1", {"RUNNING"}, f.clock->Now() + std::chrono::minutes(20), nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state, "RUNNING");
  using std::chrono::milliseconds;
  EXPECT_THAT(f.clock->sleeps(), ::testing::ElementsAre(milliseconds(200), milliseconds(300), milliseconds(450),
                                                        milliseconds(675), milliseconds(200), milliseconds(300)));
}

TEST(WaiterTest, IntervalIsCapped) {
  ClientFixture f;
  for (int i = 0; i < 12; ++i) ExpectState(f, "PENDING");
  ExpectState(f, "RUNNING");
  ClusterStateBoard board(f.client, *f.clock);
  ASSERT_TRUE(board.Wait("c1", {"RUNNING"}, f.clock->Now() + std::chrono::hours(1), nullptr).ok());
  EXPECT_EQ(f.clock->sleeps().back(), std::chrono::milliseconds(1000));
}

TEST(WaiterTest, FailsFastOnTerminatedWithStateMessage) {
  ClientFixture f;
  ExpectState(f, "PENDING");
  ExpectState(f, "TERMINATED",
              R"(,"state_message":"Failed to pull image","termination_reason":{"code":"DOCKER_IMAGE_PULL_FAILURE","type":"CLIENT_ERROR"})");
  auto r = f.client.cluster_states().Wait("c1", {"RUNNING"}, f.clock->Now() + std::chrono::minutes(20), nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("Failed to pull image"));
  EXPECT_THAT(r.status().message(), HasSubstr("DOCKER_IMAGE_PULL_FAILURE"));
}

TEST(WaiterTest, DeadlineAndStop) {
  ClientFixture f;
  for (int i = 0; i < 50; ++i) ExpectState(f, "PENDING");
  ClusterStateBoard& board = f.client.cluster_states();
  auto r = board.Wait("c1", {"RUNNING"}, f.clock->Now() + std::chrono::seconds(3), nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("still PENDING"));
  std::atomic<bool> stop{false};
  f.clock->set_on_sleep([&](std::chrono::milliseconds) { stop = true; });
  auto s = board.Wait("c1", {"RUNNING"}, f.clock->Now() + std::chrono::minutes(3), &stop);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace dcs::databricks
