// Databricks Container Services rules: the enableDcs gate, ML runtimes, access
// modes, pools without preloaded images, secret references in basic_auth.
#include "gtest/gtest.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

class DcsRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emu_ = Emulator::Start({"--start-delay-ms", "100", "--terminate-delay-ms", "50"});
    ASSERT_NE(emu_, nullptr);
  }
  Resp Create(const Json& spec) { return emu_->Post("/api/2.1/clusters/create", spec); }
  std::string CreatePool(const Json& extra = Json::object()) {
    Json pool = {{"instance_pool_name", "pool-" + std::to_string(++pools_)},
                 {"node_type_id", "Standard_NC6s_v3"}};
    pool.merge_patch(extra);
    Resp r = emu_->Post("/api/2.0/instance-pools/create", pool);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("instance_pool_id", "");
  }
  void PutSecrets() {
    ASSERT_EQ(emu_->Post("/api/2.0/secrets/scopes/create", {{"scope", "dcs"}}).status, 200);
    for (const char* key : {"user", "pass"}) {
      ASSERT_EQ(emu_->Post("/api/2.0/secrets/put", {{"scope", "dcs"}, {"key", key},
                                                    {"string_value", std::string("v-") + key + "-s3cr3t"}})
                    .status,
                200);
    }
  }
  std::unique_ptr<Emulator> emu_;
  int pools_ = 0;
};

TEST_F(DcsRulesTest, DockerImageIsFeatureDisabledUntilEnableDcs) {
  Resp r = Create(DockerCluster());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "FEATURE_DISABLED");
  EXPECT_NE(r.message().find("enableDcs"), std::string::npos);
  Resp pool = emu_->Post("/api/2.0/instance-pools/create",
                         {{"instance_pool_name", "p"}, {"node_type_id", "Standard_DS3_v2"},
                          {"preloaded_docker_images", {{{"url", "a/b:1"}}}}});
  EXPECT_EQ(pool.error_code(), "FEATURE_DISABLED");
  EXPECT_EQ(Create(BasicCluster()).status, 200) << "clusters without docker_image are unaffected";
  emu_->EnableDcs(true);
  PutSecrets();
  Resp ok = Create(DockerCluster());
  ASSERT_EQ(ok.status, 200) << ok.raw;
  emu_->WaitForState(ok.body["cluster_id"], "RUNNING");
}

TEST_F(DcsRulesTest, MlRuntimesAndStandardAccessModesAreRejected) {
  emu_->EnableDcs(true);
  struct Case { Json patch; const char* needle; };
  const Case cases[] = {
      {{{"spark_version", "15.4.x-cpu-ml-scala2.12"}}, "Machine Learning"},
      {{{"spark_version", "14.3.x-gpu-ml-scala2.12"}}, "Machine Learning"},
      {{{"kind", "CLASSIC_PREVIEW"}, {"use_ml_runtime", true}}, "Machine Learning"},
      {{{"data_security_mode", "USER_ISOLATION"}}, "USER_ISOLATION"},
      {{{"data_security_mode", "DATA_SECURITY_MODE_STANDARD"}}, "DATA_SECURITY_MODE_STANDARD"},
      {{{"data_security_mode", "DATA_SECURITY_MODE_AUTO"}}, "DATA_SECURITY_MODE_AUTO"},
  };
  for (const Case& c : cases) {
    Json spec = DockerCluster();
    spec.merge_patch(c.patch);
    Resp r = Create(spec);
    EXPECT_EQ(r.status, 400) << c.patch.dump();
    EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE") << c.patch.dump();
    EXPECT_NE(r.message().find(c.needle), std::string::npos) << r.message();
  }
  Json gpu_auto = DockerCluster();  // AUTO resolves to Dedicated on GPU node types
  gpu_auto["data_security_mode"] = "DATA_SECURITY_MODE_AUTO";
  gpu_auto["node_type_id"] = "Standard_NC6s_v3";
  EXPECT_EQ(Create(gpu_auto).status, 200);
  Json none = DockerCluster();
  none["data_security_mode"] = "NONE";
  EXPECT_EQ(Create(none).status, 200);
}

TEST_F(DcsRulesTest, PoolsNeedPreloadedImagesAndForbidNodeTypes) {
  emu_->EnableDcs(true);
  std::string plain = CreatePool();
  Json spec = DockerCluster();
  spec.erase("node_type_id");
  spec["instance_pool_id"] = plain;
  Resp r = Create(spec);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(r.message(), "Instance pool " + plain +
                             " does not have docker images configured, thus not supporting "
                             "Docker container");
  std::string docker_pool =
      CreatePool({{"preloaded_docker_images", {{{"url", "myacr.azurecr.io/team/img:1.0"}}}}});
  spec["instance_pool_id"] = docker_pool;
  Resp ok = Create(spec);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Json got = emu_->Get("/api/2.1/clusters/get?cluster_id=" + ok.body["cluster_id"].get<std::string>()).body;
  EXPECT_EQ(got["node_type_id"], "Standard_NC6s_v3") << "pool clusters report the pool node type";
  EXPECT_EQ(got["default_tags"]["DatabricksInstancePoolId"], docker_pool);

  spec["node_type_id"] = "Standard_NC6s_v3";
  Resp both = Create(spec);
  EXPECT_EQ(both.error_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_NE(both.message().find("node_type_id"), std::string::npos);
  Json driver_only = BasicCluster();
  driver_only["driver_instance_pool_id"] = docker_pool;
  EXPECT_NE(Create(driver_only).message().find("driver_instance_pool_id"), std::string::npos);
  Json missing_pool = BasicCluster();
  missing_pool.erase("node_type_id");
  missing_pool["instance_pool_id"] = "0101-000000-nopool-pool-AAAAAAAA";
  EXPECT_EQ(Create(missing_pool).error_code(), "INVALID_PARAMETER_VALUE");
}

TEST_F(DcsRulesTest, SecretReferencesResolveAtLaunchAndAreNeverExpanded) {
  emu_->EnableDcs(true);
  Resp missing = Create(DockerCluster("no-secrets"));
  ASSERT_EQ(missing.status, 200);
  Json failed = emu_->WaitForState(missing.body["cluster_id"], "TERMINATED");
  EXPECT_EQ(failed["termination_reason"]["code"], "SECRET_RESOLUTION_ERROR");
  EXPECT_EQ(failed["termination_reason"]["type"], "CLIENT_ERROR");

  PutSecrets();
  Resp ok = Create(DockerCluster("with-secrets"));
  std::string id = ok.body["cluster_id"];
  emu_->WaitForState(id, "RUNNING");
  Resp got = emu_->Get("/api/2.1/clusters/get?cluster_id=" + id);
  EXPECT_EQ(got.body["docker_image"]["basic_auth"]["password"], "{{secrets/dcs/pass}}");
  EXPECT_EQ(got.raw.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(emu_->Get("/api/2.0/clusters/list").raw.find("s3cr3t"), std::string::npos);

  Json bad_ref = DockerCluster();
  bad_ref["docker_image"]["basic_auth"]["password"] = "{{secrets/only-scope}}";
  Resp r = Create(bad_ref);
  EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_NE(r.message().find("docker_image.basic_auth.password"), std::string::npos);
  Json no_password = DockerCluster();
  no_password["docker_image"]["basic_auth"].erase("password");
  EXPECT_NE(Create(no_password).message().find("docker_image.basic_auth.password"), std::string::npos);
}

TEST_F(DcsRulesTest, AdminMarkedImagesFailToPull) {
  emu_->EnableDcs(true);
  PutSecrets();
  emu_->Settings({{"failing_images", {"myacr.azurecr.io/team/img:1.0"}}});
  Resp r = Create(DockerCluster());
  Json t = emu_->WaitForState(r.body["cluster_id"], "TERMINATED");
  EXPECT_EQ(t["termination_reason"]["code"], "DOCKER_IMAGE_PULL_FAILURE");
}

TEST_F(DcsRulesTest, DisablingDcsBlocksEditsThatKeepDockerImage) {
  emu_->EnableDcs(true);
  PutSecrets();
  std::string id = Create(DockerCluster()).body["cluster_id"];
  emu_->WaitForState(id, "RUNNING");
  emu_->EnableDcs(false);
  Json edit = DockerCluster();
  edit["cluster_id"] = id;
  EXPECT_EQ(emu_->Post("/api/2.1/clusters/edit", edit).error_code(), "FEATURE_DISABLED");
}

}  // namespace
}  // namespace dcs::emulator::testing
