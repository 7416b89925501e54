// Instance pools, workspace-conf and secrets against a running emulator.
#include "gtest/gtest.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { emu_ = Emulator::Start({"--enable-dcs"}).release(); }
  static void TearDownTestSuite() { delete emu_; }
  void SetUp() override { ASSERT_NE(emu_, nullptr); }
  static Emulator* emu_;
};
Emulator* ApiTest::emu_ = nullptr;

TEST_F(ApiTest, PoolLifecycle) {
  Json pool = {{"instance_pool_name", "gpu-pool"}, {"node_type_id", "Standard_NC6s_v3"},
               {"min_idle_instances", 1}, {"max_capacity", 4},
               {"idle_instance_autotermination_minutes", 15},
               {"preloaded_spark_versions", {"15.4.x-scala2.12"}},
               {"preloaded_docker_images", {{{"url", "myacr.azurecr.io/img:1"},
                                             {"basic_auth", {{"username", "u"}, {"password", "{{secrets/s/p}}"}}}}}},
               {"azure_attributes", {{"availability", "ON_DEMAND_AZURE"}}},
               {"unknown_field", true}};
  Resp created = emu_->Post("/api/2.0/instance-pools/create", pool);
  ASSERT_EQ(created.status, 200) << created.raw;
  std::string id = created.body["instance_pool_id"];
  EXPECT_NE(id.find("-pool-"), std::string::npos);
  Json got = emu_->Get("/api/2.0/instance-pools/get?instance_pool_id=" + id).body;
  EXPECT_EQ(got["state"], "ACTIVE");
  EXPECT_EQ(got["default_tags"]["DatabricksInstancePoolId"], id);
  EXPECT_EQ(got["default_tags"]["DatabricksInstancePoolCreatorId"], kUser);
  EXPECT_EQ(got["preloaded_docker_images"][0]["url"], "myacr.azurecr.io/img:1");
  EXPECT_TRUE(got.contains("stats"));
  EXPECT_FALSE(got.contains("unknown_field"));

  Json edit = {{"instance_pool_id", id}, {"instance_pool_name", "gpu-pool-2"},
               {"node_type_id", "Standard_NC6s_v3"}, {"max_capacity", 8},
               {"preloaded_docker_images", Json::array()}};
  ASSERT_EQ(emu_->Post("/api/2.0/instance-pools/edit", edit).status, 200);
  got = emu_->Get("/api/2.0/instance-pools/get?instance_pool_id=" + id).body;
  EXPECT_EQ(got["instance_pool_name"], "gpu-pool-2");
  EXPECT_EQ(got["max_capacity"], 8);
  EXPECT_FALSE(got.contains("min_idle_instances")) << "edit replaces the editable fields";
  EXPECT_EQ(got["preloaded_docker_images"].size(), 1u) << "create-only fields are kept";
  edit["node_type_id"] = "Standard_DS3_v2";
  EXPECT_EQ(emu_->Post("/api/2.0/instance-pools/edit", edit).error_code(), "INVALID_PARAMETER_VALUE");

  bool listed = false;
  Resp pools = emu_->Get("/api/2.0/instance-pools/list");
  for (const Json& p : pools.body["instance_pools"]) {
    listed |= p["instance_pool_id"] == id;
  }
  EXPECT_TRUE(listed);
  ASSERT_EQ(emu_->Post("/api/2.0/instance-pools/delete", {{"instance_pool_id", id}}).status, 200);
  Resp gone = emu_->Get("/api/2.0/instance-pools/get?instance_pool_id=" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code(), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(emu_->Post("/api/2.0/instance-pools/delete", {{"instance_pool_id", id}}).status, 404);
}

TEST_F(ApiTest, PoolValidation) {
  auto create = [&](Json body) { return emu_->Post("/api/2.0/instance-pools/create", body); };
  EXPECT_NE(create({{"node_type_id", "Standard_DS3_v2"}}).message().find("instance_pool_name"),
            std::string::npos);
  EXPECT_NE(create({{"instance_pool_name", "x"}}).message().find("node_type_id"), std::string::npos);
  Resp two = create({{"instance_pool_name", "x"}, {"node_type_id", "Standard_DS3_v2"},
                     {"preloaded_spark_versions", {"15.4.x-scala2.12", "14.3.x-scala2.12"}}});
  EXPECT_NE(two.message().find("less than or equal to 1"), std::string::npos);
  EXPECT_NE(create({{"instance_pool_name", "x"}, {"node_type_id", "Standard_DS3_v2"},
                    {"max_capacity", "lots"}}).message().find("max_capacity"), std::string::npos);
  ASSERT_EQ(create({{"instance_pool_name", "dup"}, {"node_type_id", "Standard_DS3_v2"}}).status, 200);
  EXPECT_EQ(create({{"instance_pool_name", "dup"}, {"node_type_id", "Standard_DS3_v2"}}).error_code(),
            "RESOURCE_ALREADY_EXISTS");
}

TEST_F(ApiTest, WorkspaceConfStoresStringsVerbatimAndRejectsUnknownKeys) {
  Resp unset = emu_->Get("/api/2.0/workspace-conf?keys=enableIpAccessLists,enableDcs");
  ASSERT_EQ(unset.status, 200);
  EXPECT_TRUE(unset.body["enableIpAccessLists"].is_null());
  EXPECT_EQ(unset.body["enableDcs"], "true");
  Resp patched = emu_->Patch("/api/2.0/workspace-conf", {{"enableWebTerminal", "TRue"},
                                                         {"maxTokenLifetimeDays", "90"}});
  EXPECT_EQ(patched.status, 204);
  Json got = emu_->Get("/api/2.0/workspace-conf?keys=enableWebTerminal,maxTokenLifetimeDays").body;
  EXPECT_EQ(got["enableWebTerminal"], "TRue");
  EXPECT_EQ(got["maxTokenLifetimeDays"], "90");
  Resp bad = emu_->Get("/api/2.0/workspace-conf?keys=enableDcs,enableIpAccessLissss");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.message(), "Invalid keys: [\"enableIpAccessLissss\"]");
  EXPECT_EQ(emu_->Patch("/api/2.0/workspace-conf", {{"nope", "true"}}).message(),
            "Invalid keys: [\"nope\"]");
  EXPECT_EQ(emu_->Patch("/api/2.0/workspace-conf", {{"enableIpAccessLists", ""}}).message().rfind(
                "Some values are not allowed", 0),
            0u);
  EXPECT_NE(emu_->Patch("/api/2.0/workspace-conf", {{"enableDcs", true}}).message().find("enableDcs"),
            std::string::npos);
  EXPECT_NE(emu_->Get("/api/2.0/workspace-conf").message().find("keys"), std::string::npos);
}

TEST_F(ApiTest, SecretsStoreValuesButNeverReturnThem) {
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/scopes/create", {{"scope", "team"}}).status, 200);
  Resp dup = emu_->Post("/api/2.0/secrets/scopes/create", {{"scope", "team"}});
  EXPECT_EQ(dup.error_code(), "RESOURCE_ALREADY_EXISTS");
  EXPECT_EQ(emu_->Post("/api/2.0/secrets/scopes/create", {{"scope", "bad name!"}}).error_code(),
            "INVALID_PARAMETER_VALUE");
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/put", {{"scope", "team"}, {"key", "Token"},
                                                {"string_value", "hunter2-value"}}).status, 200);
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/put", {{"scope", "team"}, {"key", "token"},
                                                {"string_value", "hunter3-value"}}).status, 200);
  Resp list = emu_->Get("/api/2.0/secrets/list?scope=team");
  ASSERT_EQ(list.body["secrets"].size(), 1u) << "keys are case-insensitive";
  EXPECT_EQ(list.body["secrets"][0]["key"], "Token");
  EXPECT_GT(list.body["secrets"][0]["last_updated_timestamp"].get<int64_t>(), 0);
  EXPECT_EQ(list.raw.find("hunter"), std::string::npos);
  EXPECT_EQ(emu_->Get("/_emulator/state").raw.find("hunter"), std::string::npos);
  EXPECT_EQ(emu_->Get("/api/2.0/secrets/get?scope=team&key=token").error_code(), "BAD_REQUEST");
  Resp both = emu_->Post("/api/2.0/secrets/put", {{"scope", "team"}, {"key", "k"},
                                                   {"string_value", "a"}, {"bytes_value", "YQ=="}});
  EXPECT_EQ(both.error_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(emu_->Post("/api/2.0/secrets/put", {{"scope", "nope"}, {"key", "k"}, {"string_value", "a"}})
                .error_code(), "RESOURCE_DOES_NOT_EXIST");
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/acls/put", {{"scope", "team"}, {"principal", "data-eng"},
                                                     {"permission", "READ"}}).status, 200);
  EXPECT_EQ(emu_->Get("/api/2.0/secrets/acls/get?scope=team&principal=data-eng").body["permission"], "READ");
  EXPECT_EQ(emu_->Get("/api/2.0/secrets/acls/list?scope=team").body["items"].size(), 2u);
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/delete", {{"scope", "team"}, {"key", "TOKEN"}}).status, 200);
  EXPECT_EQ(emu_->Post("/api/2.0/secrets/delete", {{"scope", "team"}, {"key", "token"}}).status, 404);
  bool found = false;
  Resp scopes = emu_->Get("/api/2.0/secrets/scopes/list");
  for (const Json& s : scopes.body["scopes"]) found |= s["name"] == "team";
  EXPECT_TRUE(found);
  ASSERT_EQ(emu_->Post("/api/2.0/secrets/scopes/delete", {{"scope", "team"}}).status, 200);
  Resp gone = emu_->Post("/api/2.0/secrets/scopes/delete", {{"scope", "team"}});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code(), "RESOURCE_DOES_NOT_EXIST");
}

}  // namespace
}  // namespace dcs::emulator::testing
