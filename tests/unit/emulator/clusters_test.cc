// Clusters API against a running dcs-emulator: happy paths, both API prefixes,
// the state machine, events, idempotency and request validation.
#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

class ClustersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emu_ = Emulator::Start({"--start-delay-ms", "200", "--terminate-delay-ms", "100",
                            "--resize-delay-ms", "100", "--max-body-bytes", "65536"})
               .release();
  }
  static void TearDownTestSuite() { delete emu_; }
  void SetUp() override { ASSERT_NE(emu_, nullptr); }

  std::string Create(const Json& spec) {
    Resp r = emu_->Post("/api/2.1/clusters/create", spec);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("cluster_id", "");
  }
  Resp Call(const std::string& op, const Json& body) {
    return emu_->Post("/api/2.1/clusters/" + op, body);
  }
  static Emulator* emu_;
};
Emulator* ClustersTest::emu_ = nullptr;

TEST_F(ClustersTest, CreateFillsServerFieldsAndBecomesRunning) {
  Json spec = BasicCluster("happy");
  spec["custom_tags"] = {{"team", "ml"}};
  std::string id = Create(spec);
  EXPECT_TRUE(std::regex_match(id, std::regex(R"(\d{4}-\d{6}-[a-z0-9]{8})"))) << id;
  Json got = emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body;
  EXPECT_EQ(got["state"], "PENDING");
  EXPECT_FALSE(got["state_message"].get<std::string>().empty());
  EXPECT_EQ(got["creator_user_name"], kUser);
  EXPECT_EQ(got["cluster_source"], "API");
  EXPECT_GT(got["start_time"].get<int64_t>(), 1600000000000);
  EXPECT_EQ(got["default_tags"]["ClusterId"], id);
  EXPECT_EQ(got["default_tags"]["ClusterName"], "happy");
  EXPECT_EQ(got["default_tags"]["Creator"], kUser);
  EXPECT_EQ(got["default_tags"]["Vendor"], "Databricks");
  EXPECT_EQ(got["driver_node_type_id"], "Standard_DS3_v2");
  EXPECT_EQ(got["spec"]["custom_tags"]["team"], "ml");
  EXPECT_FALSE(got["spec"].contains("driver_node_type_id")) << "spec keeps only what was sent";
  Json running = emu_->WaitForState(id, "RUNNING");
  EXPECT_TRUE(running.contains("spark_context_id"));
  EXPECT_TRUE(running.contains("driver"));
  EXPECT_EQ(running["executors"].size(), 1u);
}

TEST_F(ClustersTest, BothApiPrefixesServeTheSameCluster) {
  std::string id = Create(BasicCluster("prefixes"));
  Resp v20 = emu_->Get("/api/2.0/clusters/get?cluster_id=" + id);
  Resp v21 = emu_->Get("/api/2.1/clusters/get?cluster_id=" + id);
  ASSERT_EQ(v20.status, 200);
  EXPECT_EQ(v20.body["cluster_id"], v21.body["cluster_id"]);
  EXPECT_EQ(emu_->Post("/api/2.0/clusters/delete", {{"cluster_id", id}}).status, 200);
  emu_->WaitForState(id, "TERMINATED");
}

TEST_F(ClustersTest, UnknownRequestFieldsAreIgnored) {
  Json spec = BasicCluster("unknown-fields");
  spec["totally_new_field"] = {{"x", 1}};
  std::string id = Create(spec);
  Json got = emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body;
  EXPECT_FALSE(got.contains("totally_new_field"));
  EXPECT_FALSE(got["spec"].contains("totally_new_field"));
}

TEST_F(ClustersTest, MissingIdsAreResourceDoesNotExist) {
  Resp get = emu_->Get("/api/2.1/clusters/get?cluster_id=0101-000000-nothere1");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.error_code(), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(get.message(), "Cluster 0101-000000-nothere1 does not exist");
  for (const char* op : {"delete", "start", "restart", "permanent-delete", "events"}) {
    Resp r = Call(op, {{"cluster_id", "0101-000000-nothere1"}});
    EXPECT_EQ(r.status, 404) << op;
    EXPECT_EQ(r.error_code(), "RESOURCE_DOES_NOT_EXIST") << op;
  }
  Json edit = BasicCluster();
  edit["cluster_id"] = "0101-000000-nothere1";
  EXPECT_EQ(Call("edit", edit).error_code(), "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ClustersTest, FullStateMachine) {
  std::string id = Create(BasicCluster("lifecycle"));
  Json edit = BasicCluster("lifecycle");
  edit["cluster_id"] = id;
  Resp pending_edit = Call("edit", edit);
  EXPECT_EQ(pending_edit.status, 400);
  EXPECT_EQ(pending_edit.error_code(), "INVALID_STATE");
  EXPECT_EQ(Call("resize", {{"cluster_id", id}, {"num_workers", 2}}).error_code(), "INVALID_STATE");
  emu_->WaitForState(id, "RUNNING");

  edit["num_workers"] = 2;
  ASSERT_EQ(Call("edit", edit).status, 200);
  EXPECT_EQ(emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body["state"], "RESTARTING");
  Json restarted = emu_->WaitForState(id, "RUNNING");
  EXPECT_EQ(restarted["num_workers"], 2);
  EXPECT_TRUE(restarted.contains("last_restarted_time"));

  ASSERT_EQ(Call("resize", {{"cluster_id", id}, {"num_workers", 3}}).status, 200);
  Json resizing = emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body;
  EXPECT_EQ(resizing["state"], "RESIZING");
  EXPECT_EQ(resizing["num_workers"], 3) << "num_workers reports the target";
  EXPECT_EQ(emu_->WaitForState(id, "RUNNING")["spec"]["num_workers"], 3);

  ASSERT_EQ(Call("restart", {{"cluster_id", id}}).status, 200);
  emu_->WaitForState(id, "RUNNING");

  ASSERT_EQ(Call("delete", {{"cluster_id", id}}).status, 200);
  EXPECT_EQ(emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body["state"], "TERMINATING");
  Json terminated = emu_->WaitForState(id, "TERMINATED");
  EXPECT_EQ(terminated["termination_reason"]["code"], "USER_REQUEST");
  EXPECT_EQ(terminated["termination_reason"]["type"], "SUCCESS");
  EXPECT_TRUE(terminated.contains("terminated_time"));
  EXPECT_EQ(Call("delete", {{"cluster_id", id}}).status, 200) << "delete is a no-op when terminated";
  EXPECT_EQ(Call("resize", {{"cluster_id", id}, {"num_workers", 1}}).error_code(), "INVALID_STATE");

  edit["num_workers"] = 4;  // editing a terminated cluster applies without starting it
  ASSERT_EQ(Call("edit", edit).status, 200);
  EXPECT_EQ(emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).body["state"], "TERMINATED");

  ASSERT_EQ(Call("start", {{"cluster_id", id}}).status, 200);
  EXPECT_EQ(Call("start", {{"cluster_id", id}}).error_code(), "INVALID_STATE");
  Json again = emu_->WaitForState(id, "RUNNING");
  EXPECT_EQ(again["num_workers"], 4);
  EXPECT_FALSE(again.contains("termination_reason"));

  ASSERT_EQ(Call("permanent-delete", {{"cluster_id", id}}).status, 200);
  EXPECT_EQ(emu_->Get("/api/2.1/clusters/get?cluster_id=" + id).status, 404);
}

TEST_F(ClustersTest, EventsRecordTransitionsNewestFirstWithPaging) {
  std::string id = Create(BasicCluster("events"));
  emu_->WaitForState(id, "RUNNING");
  ASSERT_EQ(Call("delete", {{"cluster_id", id}}).status, 200);
  emu_->WaitForState(id, "TERMINATED");
  Resp all = Call("events", {{"cluster_id", id}});
  ASSERT_EQ(all.status, 200) << all.raw;
  std::vector<std::string> types;
  for (const Json& e : all.body["events"]) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"TERMINATING", "RUNNING", "CREATING"}));
  EXPECT_EQ(all.body["total_count"], 3);
  Resp page = Call("events", {{"cluster_id", id}, {"order", "ASC"}, {"limit", 2}});
  EXPECT_EQ(page.body["events"].size(), 2u);
  EXPECT_EQ(page.body["events"][0]["type"], "CREATING");
  ASSERT_TRUE(page.body.contains("next_page"));
  Resp next = Call("events", page.body["next_page"]);
  EXPECT_EQ(next.body["events"][0]["type"], "TERMINATING");
  Resp filtered = Call("events", {{"cluster_id", id}, {"event_types", {"RUNNING"}}});
  EXPECT_EQ(filtered.body["events"].size(), 1u);
}

TEST_F(ClustersTest, IdempotencyTokenReturnsTheSameClusterUntilTerminated) {
  Json spec = BasicCluster("idem");
  spec["idempotency_token"] = "token-123";
  std::string first = Create(spec);
  EXPECT_EQ(Create(spec), first);
  ASSERT_EQ(Call("delete", {{"cluster_id", first}}).status, 200);
  emu_->WaitForState(first, "TERMINATED");
  EXPECT_NE(Create(spec), first) << "the token is freed on termination";
}

TEST_F(ClustersTest, UpdateAppliesOnlyMaskedFields) {
  std::string id = Create(BasicCluster("update"));
  emu_->WaitForState(id, "RUNNING");
  Resp r = Call("update", {{"cluster_id", id}, {"update_mask", "num_workers,custom_tags"},
                           {"cluster", {{"num_workers", 5}, {"custom_tags", {{"a", "b"}}}}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  Json got = emu_->WaitForState(id, "RUNNING");
  EXPECT_EQ(got["num_workers"], 5);
  EXPECT_EQ(got["custom_tags"]["a"], "b");
  EXPECT_EQ(got["autotermination_minutes"], 60);
}

TEST_F(ClustersTest, ListPagesFiltersAndOmitsSpec) {
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(Create(BasicCluster("list-" + std::to_string(i))));
  Resp v20 = emu_->Get("/api/2.0/clusters/list");
  ASSERT_EQ(v20.status, 200);
  std::set<std::string> seen;
  for (const Json& c : v20.body["clusters"]) {
    seen.insert(c["cluster_id"].get<std::string>());
    EXPECT_FALSE(c.contains("spec"));
  }
  for (const auto& id : ids) EXPECT_TRUE(seen.count(id)) << id;
  Resp page = emu_->Get("/api/2.1/clusters/list?page_size=2");
  EXPECT_EQ(page.body["clusters"].size(), 2u);
  std::string token = page.body["next_page_token"];
  ASSERT_FALSE(token.empty());
  Resp rest = emu_->Get("/api/2.1/clusters/list?page_size=2&page_token=" + token);
  EXPECT_GE(rest.body["clusters"].size(), 1u);
  Resp pending = emu_->Get("/api/2.1/clusters/list?filter_by.cluster_states=PENDING&"
                           "filter_by.cluster_states=RUNNING&sort_by.field=CLUSTER_NAME");
  for (const Json& c : pending.body.value("clusters", Json::array())) {
    EXPECT_TRUE(c["state"] == "PENDING" || c["state"] == "RUNNING");
  }
  EXPECT_EQ(emu_->Get("/api/2.1/clusters/list?sort_by.field=BOGUS").error_code(),
            "INVALID_PARAMETER_VALUE");
}

TEST_F(ClustersTest, CatalogListsRuntimesAndAzureNodeTypes) {
  Resp versions = emu_->Get("/api/2.1/clusters/spark-versions");
  ASSERT_EQ(versions.status, 200);
  bool lts = false;
  for (const Json& v : versions.body["versions"]) lts |= v["key"] == "15.4.x-scala2.12";
  EXPECT_TRUE(lts);
  Resp nodes = emu_->Get("/api/2.0/clusters/list-node-types");
  std::map<std::string, Json> by_id;
  for (const Json& n : nodes.body["node_types"]) by_id[n["node_type_id"]] = n;
  for (const char* gpu : {"Standard_NC6s_v3", "Standard_NC12s_v3", "Standard_NC24ads_A100_v4",
                          "Standard_ND96asr_v4"}) {
    ASSERT_TRUE(by_id.count(gpu)) << gpu;
    EXPECT_GE(by_id[gpu]["num_gpus"].get<int>(), 1) << gpu;
  }
  ASSERT_TRUE(by_id.count("Standard_DS3_v2"));
  EXPECT_EQ(by_id["Standard_DS3_v2"]["num_cores"], 4.0);
  EXPECT_EQ(by_id["Standard_DS3_v2"]["memory_mb"], 14336);
  EXPECT_FALSE(by_id["Standard_DS3_v2"].contains("num_gpus"));
}

TEST_F(ClustersTest, PinnedClusterRefusesPermanentDelete) {
  std::string id = Create(BasicCluster("pinned"));
  ASSERT_EQ(Call("pin", {{"cluster_id", id}}).status, 200);
  Resp r = Call("permanent-delete", {{"cluster_id", id}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.message().find("unpin the cluster first"), std::string::npos);
  ASSERT_EQ(Call("unpin", {{"cluster_id", id}}).status, 200);
  EXPECT_EQ(Call("permanent-delete", {{"cluster_id", id}}).status, 200);
}

struct BadCase {
  const char* name;
  Json patch;          // merged into BasicCluster()
  const char* field;   // must appear in the message
};

TEST_F(ClustersTest, InvalidSpecsAreRejectedNamingTheField) {
  const BadCase cases[] = {
      {"missing spark_version", {{"spark_version", nullptr}}, "spark_version"},
      {"wrong type", {{"num_workers", "two"}}, "num_workers"},
      {"unknown runtime", {{"spark_version", "99.9.x-scala2.12"}}, "99.9.x-scala2.12"},
      {"unknown node", {{"node_type_id", "Standard_Nope"}}, "Standard_Nope"},
      {"missing node", {{"node_type_id", nullptr}}, "node_type_id"},
      {"autoscale", {{"num_workers", nullptr}, {"autoscale", {{"min_workers", 3}, {"max_workers", 2}}}}, "max_workers"},
      {"both sizes", {{"autoscale", {{"min_workers", 1}, {"max_workers", 2}}}}, "num_workers"},
      {"no size", {{"num_workers", nullptr}}, "num_workers"},
      {"autotermination", {{"autotermination_minutes", 5}}, "autotermination_minutes"},
      {"access mode", {{"data_security_mode", "SHARED_ISH"}}, "data_security_mode"},
      {"tags type", {{"custom_tags", {{"a", 1}}}}, "custom_tags.a"},
      {"docker url", {{"docker_image", {{"basic_auth", {{"username", "u"}, {"password", "p"}}}}}}, "docker_image.url"},
      {"init script", {{"init_scripts", {{{"file", {{"destination", 1}}}}}}}, "init_scripts[0].file.destination"},
      {"single node w/o kind", {{"is_single_node", true}}, "is_single_node"},
  };
  for (const BadCase& c : cases) {
    Json spec = BasicCluster("bad");
    spec.merge_patch(c.patch);
    Resp r = emu_->Post("/api/2.1/clusters/create", spec);
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.raw;
    EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE") << c.name;
    EXPECT_NE(r.message().find(c.field), std::string::npos) << c.name << ": " << r.message();
  }
}

TEST_F(ClustersTest, MalformedAndOversizedBodiesAre400) {
  Resp broken = emu_->PostRaw("/api/2.1/clusters/create", "{\"spark_version\": ");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.error_code(), "MALFORMED_REQUEST");
  Resp array = emu_->PostRaw("/api/2.1/clusters/create", "[1,2]");
  EXPECT_EQ(array.error_code(), "MALFORMED_REQUEST");
  Resp empty = emu_->PostRaw("/api/2.1/clusters/delete", "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.message().find("cluster_id"), std::string::npos);
  Json huge = BasicCluster("huge");
  huge["spark_conf"] = {{"big", std::string(200000, 'x')}};
  Resp big = emu_->Post("/api/2.1/clusters/create", huge);
  EXPECT_EQ(big.status, 400) << big.raw;
  EXPECT_EQ(big.error_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(emu_->Get("/_emulator/health").status, 200) << "server survives bad input";
}

}  // namespace
}  // namespace dcs::emulator::testing
