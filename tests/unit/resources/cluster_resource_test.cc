// dcs_cluster against a fake workspace: the requests each CRUD method sends
// (create with its idempotency token, edit without it), the state it records
// from the last submitted spec, what replaces the cluster, how every failing
// call reaches the user, and that a full API answer has no field the schema
// drops unannounced.
#include <gtest/gtest.h>

#include "tests/unit/resources/resource_fixture.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using nlohmann::json;

constexpr char kConfig[] = R"({
  "cluster_name": "nlp", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_NC6s_v3",
  "num_workers": 1, "data_security_mode": "SINGLE_USER", "single_user_name": "me@example.com",
  "autotermination_minutes": 60, "spark_conf": {"spark.speculation": "true"}, "no_wait": true,
  "docker_image": {"url": "acr.example/nlp/gpu:1.0", "basic_auth": null}, "init_scripts": []
})";

// What clusters/create receives for kConfig, besides dcs's own idempotency token.
constexpr char kCreateBody[] = R"({
  "cluster_name": "nlp", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_NC6s_v3",
  "num_workers": 1, "data_security_mode": "SINGLE_USER", "single_user_name": "me@example.com",
  "autotermination_minutes": 60, "spark_conf": {"spark.speculation": "true"},
  "docker_image": {"url": "acr.example/nlp/gpu:1.0"}
})";

// clusters/get: server defaults at the top level, the submitted settings in `spec`.
std::string GetAnswer(const std::string& state, const std::string& spec = kCreateBody) {
  json answer = json::parse(spec);
  answer["spec"] = json::parse(spec);
  answer["driver_node_type_id"] = "Standard_NC6s_v3";
  answer["enable_elastic_disk"] = true;
  answer["cluster_id"] = "c-1";
  answer["state"] = state;
  answer["default_tags"] = {{"Vendor", "Databricks"}, {"ClusterId", "c-1"}};
  return answer.dump();
}

constexpr char kGetPath[] = "/api/2.1/clusters/get?cluster_id=c-1";

class ClusterResourceTest : public testing::ResourceTest {
 protected:
  ClusterResourceTest() : ResourceTest(NewClusterResource) {}

  cty::Value Planned(const cty::Value& config) { return Plan(config, cty::Value::Null(type_)); }

  // The body the last request sent.
  json LastBody() { return json::parse(transport_->requests().back().body); }

  cty::Value Created() {
    Expect("POST", "/api/2.1/clusters/create", "", 200, R"({"cluster_id": "c-1"})");
    Expect("GET", kGetPath, "", 200, GetAnswer("PENDING"));
    fw::ApplyResponse resp;
    resource_->Create({ctx_, Value(kConfig), Planned(Value(kConfig))}, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
    return resp.new_state;
  }

  // `v` with top-level attributes replaced.
  cty::Value With(const cty::Value& v, std::map<std::string, cty::Value> changes) {
    std::map<std::string, cty::Value> attrs = v.Attributes();
    for (auto& [k, c] : changes) attrs[k] = std::move(c);
    return cty::Value::Object(type_, std::move(attrs));
  }
};

TEST_F(ClusterResourceTest, CreateSendsTheSchemaBodyWithAFreshTokenAndRecordsTheSpec) {
  cty::Value state = Created();
  const auto& sent = transport_->requests();
  ASSERT_EQ(sent.size(), 2u);
  json body = json::parse(sent[0].body);
  ASSERT_TRUE(body.contains("idempotency_token")) << body.dump();
  const std::string token = body["idempotency_token"];
  EXPECT_FALSE(token.empty());
  EXPECT_LE(token.size(), 64u);
  body.erase("idempotency_token");
  EXPECT_EQ(body, json::parse(kCreateBody)) << body.dump(1);

  EXPECT_EQ(state.GetAttr("id").AsString(), "c-1");
  EXPECT_EQ(state.GetAttr("cluster_id").AsString(), "c-1");
  EXPECT_EQ(state.GetAttr("state").AsString(), "PENDING");
  EXPECT_EQ(state.GetAttr("url").AsString(), "https://ws.example/#setting/clusters/c-1/configuration");
  EXPECT_EQ(state.GetAttr("default_tags").Attributes().at("ClusterId").AsString(), "c-1");
  EXPECT_EQ(state.GetAttr("docker_image").GetAttr("url").AsString(), "acr.example/nlp/gpu:1.0");
  EXPECT_TRUE(state.GetAttr("no_wait").AsBool()) << "provider-only settings come from the plan";
  EXPECT_TRUE(state.GetAttr("idempotency_token").IsNull()) << "dcs's own token is not the user's";
  EXPECT_TRUE(state.IsWhollyKnown()) << state.DebugString();
}

TEST_F(ClusterResourceTest, TheWriteOnlyPasswordIsSentFromTheConfigAndNeverStored) {
  json config = json::parse(kConfig);
  config["docker_image"]["basic_auth"] = {{"username", "u"}, {"password", "s3cret-pw"}, {"password_version", 1}};
  const cty::Value cfg = Value(config.dump());
  // Newer clients plan write-only values as null.
  json planned_json = config;
  planned_json["docker_image"]["basic_auth"]["password"] = nullptr;
  const cty::Value planned = Planned(Value(planned_json.dump()));
  Expect("POST", "/api/2.1/clusters/create", "", 200, R"({"cluster_id": "c-1"})");
  json spec = json::parse(kCreateBody);
  spec["docker_image"]["basic_auth"] = {{"username", "u"}, {"password", "s3cret-pw"}};
  Expect("GET", kGetPath, "", 200, GetAnswer("PENDING", spec.dump()));
  fw::ApplyResponse resp;
  resource_->Create({ctx_, cfg, planned}, resp);
  ASSERT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
  json body = json::parse(transport_->requests()[0].body);
  EXPECT_EQ(body["docker_image"]["basic_auth"], json({{"username", "u"}, {"password", "s3cret-pw"}}));
  const cty::Value auth = resp.new_state.GetAttr("docker_image").GetAttr("basic_auth");
  EXPECT_EQ(auth.GetAttr("username").AsString(), "u");
  EXPECT_TRUE(auth.GetAttr("password").IsNull()) << "read back from the plan, never from the answer";
  EXPECT_EQ(auth.GetAttr("password_version"), cty::Value::Int(1));
}

TEST_F(ClusterResourceTest, CreateRefusedIsAnErrorWithTheApiMessageAndNoState) {
  Expect("POST", "/api/2.1/clusters/create", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Node type Standard_NC6s_v3 is not supported"})");
  fw::ApplyResponse resp;
  resource_->Create({ctx_, Value(kConfig), Planned(Value(kConfig))}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cannot create the cluster"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("is not supported"), std::string::npos);
  EXPECT_TRUE(resp.new_state.IsNull() || !resp.new_state.IsKnown());
}

TEST_F(ClusterResourceTest, ContainerServicesOffPointsAtTheFixOnTheImage) {
  Expect("POST", "/api/2.1/clusters/create", "", 400,
         R"({"error_code": "FEATURE_DISABLED", "message": "Databricks Container Services is not enabled"})");
  fw::ApplyResponse resp;
  resource_->Create({ctx_, Value(kConfig), Planned(Value(kConfig))}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("dcs_workspace_conf"), std::string::npos);
  ASSERT_TRUE(resp.diagnostics.items()[0].path.has_value());
  EXPECT_EQ(resp.diagnostics.items()[0].path->ToString(), "docker_image");
}

TEST_F(ClusterResourceTest, AClusterThatFailsToStartIsDeletedAndTheReasonReported) {
  const cty::Value config = With(Value(kConfig), {{"no_wait", cty::Value::Bool(false)}});
  Expect("POST", "/api/2.1/clusters/create", "", 200, R"({"cluster_id": "c-1"})");
  json answer = json::parse(GetAnswer("TERMINATED"));
  answer["state_message"] = "Failed to pull the image";
  answer["termination_reason"] = {{"code", "DOCKER_IMAGE_PULL_FAILURE"}, {"type", "CLIENT_ERROR"}};
  Expect("GET", kGetPath, "", 200, answer.dump());
  Expect("POST", "/api/2.1/clusters/permanent-delete", R"({"cluster_id": "c-1"})", 200, "{}");
  fw::ApplyResponse resp;
  resource_->Create({ctx_, config, Planned(config)}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cluster c-1 failed to start"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("DOCKER_IMAGE_PULL_FAILURE"), std::string::npos);
  EXPECT_TRUE(resp.new_state.IsNull() || !resp.new_state.IsKnown());
}

TEST_F(ClusterResourceTest, ReadRefreshesDriftFromTheSpecAndForgetsAGoneCluster) {
  const cty::Value state = Created();
  json drifted = json::parse(kCreateBody);
  drifted["num_workers"] = 3;
  Expect("GET", kGetPath, "", 200, GetAnswer("RUNNING", drifted.dump()));
  fw::ReadResponse read;
  resource_->Read({ctx_, state, ""}, read);
  ASSERT_FALSE(read.diagnostics.HasError()) << FirstError(read.diagnostics);
  EXPECT_EQ(read.new_state.GetAttr("num_workers"), cty::Value::Int(3));
  EXPECT_EQ(read.new_state.GetAttr("state").AsString(), "RUNNING");
  EXPECT_TRUE(read.new_state.GetAttr("driver_node_type_id").IsNull()) << "server defaults outside spec stay out";

  Expect("GET", kGetPath, "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Cluster c-1 does not exist"})");
  fw::ReadResponse gone;
  resource_->Read({ctx_, state, ""}, gone);
  EXPECT_FALSE(gone.diagnostics.HasError()) << FirstError(gone.diagnostics);
  EXPECT_TRUE(gone.new_state.IsNull());

  Expect("GET", kGetPath, "", 400, R"({"error_code": "INVALID_STATE", "message": "Cannot access cluster c-1"})");
  fw::ReadResponse expired;
  resource_->Read({ctx_, state, ""}, expired);
  EXPECT_FALSE(expired.diagnostics.HasError()) << FirstError(expired.diagnostics);
  EXPECT_TRUE(expired.new_state.IsNull());
}

TEST_F(ClusterResourceTest, ReadErrorIsADiagnosticNamingTheCluster) {
  const cty::Value state = Created();
  Expect("GET", kGetPath, "", 403, R"({"error_code": "PERMISSION_DENIED", "message": "no access to cluster"})");
  fw::ReadResponse read;
  resource_->Read({ctx_, state, ""}, read);
  ASSERT_TRUE(read.diagnostics.HasError());
  EXPECT_NE(read.diagnostics.items()[0].summary.find("Cannot read cluster c-1"), std::string::npos);
  EXPECT_NE(read.diagnostics.items()[0].detail.find("no access to cluster"), std::string::npos);
}

TEST_F(ClusterResourceTest, UpdateOfATerminatedClusterEditsWithoutTheTokenAndStaysTerminated) {
  const cty::Value state = Created();
  const cty::Value config = With(Value(kConfig), {{"num_workers", cty::Value::Int(2)},
                                                  {"idempotency_token", cty::Value::String("nlp-v1")}});
  const cty::Value prior = With(state, {{"idempotency_token", cty::Value::String("nlp-v1")}});
  const cty::Value planned = Plan(config, prior);
  Expect("GET", kGetPath, "", 200, GetAnswer("TERMINATED"));
  json edit = json::parse(kCreateBody);
  edit["num_workers"] = 2;
  edit["cluster_id"] = "c-1";
  Expect("POST", "/api/2.1/clusters/edit", edit.dump(), 200, "{}");
  edit.erase("cluster_id");
  Expect("GET", kGetPath, "", 200, GetAnswer("TERMINATED", edit.dump()));
  fw::ApplyResponse resp;
  resource_->Update({ctx_, config, planned, prior, ""}, resp);
  ASSERT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
  EXPECT_EQ(resp.new_state.GetAttr("num_workers"), cty::Value::Int(2));
  EXPECT_EQ(resp.new_state.GetAttr("state").AsString(), "TERMINATED");
  EXPECT_EQ(resp.new_state.GetAttr("idempotency_token").AsString(), "nlp-v1");
}

TEST_F(ClusterResourceTest, UpdateRefusedIsAnError) {
  const cty::Value state = Created();
  Expect("GET", kGetPath, "", 200, GetAnswer("RUNNING"));
  Expect("POST", "/api/2.1/clusters/edit", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "num_workers must be non-negative"})");
  // An update changes something (one that changes only `preflight` never calls the API).
  const cty::Value planned = With(state, {{"num_workers", cty::Value::Int(2)}});
  fw::ApplyResponse resp;
  resource_->Update({ctx_, Value(kConfig), planned, state, ""}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cannot update cluster c-1"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("must be non-negative"), std::string::npos);
}

TEST_F(ClusterResourceTest, UpdateOfAClusterThatCannotBeReadIsNotEdited) {
  const cty::Value state = Created();
  Expect("GET", kGetPath, "", 403, R"({"error_code": "PERMISSION_DENIED", "message": "no access to cluster"})");
  const cty::Value planned = With(state, {{"num_workers", cty::Value::Int(2)}});
  fw::ApplyResponse resp;
  resource_->Update({ctx_, Value(kConfig), planned, state, ""}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cluster c-1 is not editable"), std::string::npos);
}

TEST_F(ClusterResourceTest, DeleteToleratesAGoneClusterAndReportsOtherErrors) {
  const cty::Value state = Created();
  Expect("POST", "/api/2.1/clusters/permanent-delete", R"({"cluster_id": "c-1"})", 200, "{}");
  fw::DeleteResponse ok;
  resource_->Delete({ctx_, state, ""}, ok);
  EXPECT_FALSE(ok.diagnostics.HasError()) << FirstError(ok.diagnostics);

  Expect("POST", "/api/2.1/clusters/permanent-delete", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Cluster c-1 does not exist"})");
  fw::DeleteResponse gone;
  resource_->Delete({ctx_, state, ""}, gone);
  EXPECT_FALSE(gone.diagnostics.HasError()) << FirstError(gone.diagnostics);

  Expect("POST", "/api/2.1/clusters/permanent-delete", "", 403,
         R"({"error_code": "PERMISSION_DENIED", "message": "only admins may delete clusters"})");
  fw::DeleteResponse refused;
  resource_->Delete({ctx_, state, ""}, refused);
  ASSERT_TRUE(refused.diagnostics.HasError());
  EXPECT_NE(refused.diagnostics.items()[0].summary.find("Cannot delete cluster c-1"), std::string::npos);
  EXPECT_NE(refused.diagnostics.items()[0].detail.find("only admins may delete clusters"), std::string::npos);
}

// A documented clusters/get answer with every field, top level and spec.
constexpr char kFullGetAnswer[] = R"({
  "cluster_id": "c-1", "cluster_name": "nlp", "spark_version": "15.4.x-scala2.12",
  "node_type_id": "Standard_NC6s_v3", "driver_node_type_id": "Standard_NC6s_v3", "num_workers": 1,
  "autoscale": {"min_workers": 1, "max_workers": 4},
  "spark_conf": {"a": "b"}, "spark_env_vars": {"A": "b"}, "custom_tags": {"team": "nlp"},
  "init_scripts": [{"workspace": {"destination": "/Users/me/init.sh"}}, {"volumes": {"destination": "/Volumes/a/b/c/i.sh"}},
                   {"dbfs": {"destination": "dbfs:/i.sh"}}, {"abfss": {"destination": "abfss://c@a.dfs.core.windows.net/i.sh"}},
                   {"file": {"destination": "file:/i.sh"}}, {"gcs": {"destination": "gs://b/i.sh"}},
                   {"s3": {"destination": "s3://b/i.sh", "region": "eu-west-1", "endpoint": "https://s3", "enable_encryption": true,
                           "encryption_type": "sse-kms", "kms_key": "k", "canned_acl": "bucket-owner-full-control"}}],
  "docker_image": {"url": "acr.example/nlp/gpu:1.0", "basic_auth": {"username": "u", "password": "p"}},
  "instance_pool_id": "p-1", "driver_instance_pool_id": "p-2",
  "data_security_mode": "SINGLE_USER", "single_user_name": "me@example.com", "runtime_engine": "STANDARD",
  "autotermination_minutes": 60, "enable_elastic_disk": true, "enable_local_disk_encryption": false,
  "aws_attributes": {"availability": "SPOT", "first_on_demand": 1, "zone_id": "auto", "instance_profile_arn": "arn",
                     "spot_bid_price_percent": 100, "ebs_volume_type": "GENERAL_PURPOSE_SSD", "ebs_volume_count": 1,
                     "ebs_volume_size": 100, "ebs_volume_iops": 3000, "ebs_volume_throughput": 125},
  "azure_attributes": {"availability": "SPOT_WITH_FALLBACK_AZURE", "first_on_demand": 1, "spot_bid_max_price": -1,
                       "log_analytics_info": {"log_analytics_workspace_id": "w", "log_analytics_primary_key": "k"},
                       "capacity_reservation_group": "/subscriptions/s/crg"},
  "gcp_attributes": {"availability": "ON_DEMAND_GCP", "google_service_account": "sa", "boot_disk_size": 100},
  "cluster_log_conf": {"dbfs": {"destination": "dbfs:/logs"}},
  "ssh_public_keys": ["ssh-ed25519 AAA"], "policy_id": "pol", "apply_policy_default_values": true,
  "is_single_node": false, "kind": "CLASSIC_PREVIEW", "use_ml_runtime": false,
  "workload_type": {"clients": {"notebooks": true, "jobs": true}},
  "clone_from": {"source_cluster_id": "c-0"}, "dependency_mode": "DEPENDENCY_MODE_AUTO",
  "driver_node_type_flexibility": {"alternate_node_type_ids": []}, "worker_node_type_flexibility": {"alternate_node_type_ids": []},
  "remote_disk_throughput": 250, "total_initial_remote_disk_size": 500,
  "state": "RUNNING", "state_message": "", "start_time": 1724000000000, "terminated_time": 0,
  "last_restarted_time": 1724000000000, "last_state_loss_time": 0,
  "termination_reason": {"code": "USER_REQUEST", "type": "SUCCESS", "parameters": {}},
  "creator_user_name": "me@example.com", "cluster_source": "API",
  "default_tags": {"Vendor": "Databricks", "ClusterId": "c-1"}, "spark_context_id": 4020997813441462000,
  "driver": {"private_ip": "10.0.0.1", "node_id": "n"}, "executors": [{"private_ip": "10.0.0.2"}],
  "jdbc_port": 10000, "cluster_memory_mb": 28672, "cluster_cores": 4.0,
  "cluster_log_status": {"last_attempted": 0, "last_exception": ""},
  "spec": {"cluster_name": "nlp", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_NC6s_v3",
           "num_workers": 1, "docker_image": {"url": "acr.example/nlp/gpu:1.0"}, "idempotency_token": "t",
           "kind": "CLASSIC_PREVIEW", "workload_type": {"clients": {"jobs": true}}}
})";

TEST_F(ClusterResourceTest, EveryFieldOfAFullApiAnswerIsMappedOrDeclaredNotModelled) {
  EXPECT_EQ(Unmapped(kFullGetAnswer), std::vector<std::string>{});
  EXPECT_EQ(Unmapped(json::parse(kFullGetAnswer)["spec"].dump()), std::vector<std::string>{});
}

TEST_F(ClusterResourceTest, AnApiFieldTheSchemaDoesNotKnowIsReportedNotDropped) {
  json answer = json::parse(kFullGetAnswer);
  answer["spec"]["gpu_sharing"] = "MIG";
  answer["spec"]["docker_image"]["pull_policy"] = "always";
  EXPECT_EQ(Unmapped(answer["spec"].dump()), (std::vector<std::string>{"docker_image.pull_policy", "gpu_sharing"}));
}

TEST_F(ClusterResourceTest, ImportThenReadFillsTheStateAndReportsErrors) {
  auto* importer = dynamic_cast<const fw::ResourceWithImport*>(resource_.get());
  ASSERT_NE(importer, nullptr);
  fw::ImportResponse imported;
  importer->ImportState({ctx_, "c-1"}, imported);
  ASSERT_FALSE(imported.diagnostics.HasError());
  Expect("GET", kGetPath, "", 200, kFullGetAnswer);
  fw::ReadResponse read;
  resource_->Read({ctx_, imported.state, ""}, read);
  ASSERT_FALSE(read.diagnostics.HasError()) << FirstError(read.diagnostics);
  EXPECT_EQ(read.new_state.GetAttr("cluster_id").AsString(), "c-1");
  EXPECT_EQ(read.new_state.GetAttr("num_workers"), cty::Value::Int(1));
  EXPECT_TRUE(read.new_state.GetAttr("idempotency_token").IsNull()) << "the API's token is not taken";
  EXPECT_TRUE(read.new_state.IsWhollyKnown()) << read.new_state.DebugString();

  Expect("GET", "/api/2.1/clusters/get?cluster_id=nope", "", 403,
         R"({"error_code": "PERMISSION_DENIED", "message": "no access to cluster nope"})");
  fw::ImportResponse bad;
  importer->ImportState({ctx_, "nope"}, bad);
  fw::ReadResponse refused;
  resource_->Read({ctx_, bad.state, ""}, refused);
  ASSERT_TRUE(refused.diagnostics.HasError());
  EXPECT_NE(refused.diagnostics.items()[0].summary.find("Cannot read cluster nope"), std::string::npos);
}

// The token is create-only (RequiresReplaceIf in the schema): a change
// replaces the cluster, unless the state never had one (import); nothing
// else does, and an unchanged config plans no change.
TEST_F(ClusterResourceTest, OnlyAChangedIdempotencyTokenReplacesTheCluster) {
  const cty::Value state = With(Created(), {{"idempotency_token", cty::Value::String("nlp-v1")}});
  const cty::Value config = With(Value(kConfig), {{"idempotency_token", cty::Value::String("nlp-v1")}});
  std::string replaced;
  const cty::Value unchanged = Plan(config, state, &replaced);
  EXPECT_TRUE(unchanged.Equals(state)) << unchanged.DebugString() << "\n" << state.DebugString();
  EXPECT_EQ(replaced, "");
  Plan(With(config, {{"idempotency_token", cty::Value::String("nlp-v2")}}), state, &replaced);
  EXPECT_EQ(replaced, "idempotency_token ");
  Plan(With(config, {{"idempotency_token", cty::Value::Null(cty::Type::String())}}), state, &replaced);
  EXPECT_EQ(replaced, "idempotency_token ");
  Plan(config, With(state, {{"idempotency_token", cty::Value::Null(cty::Type::String())}}), &replaced);
  EXPECT_EQ(replaced, "") << "an imported cluster adopts the configured token";
  Plan(With(config, {{"num_workers", cty::Value::Int(4)}, {"cluster_name", cty::Value::String("x")}}), state,
       &replaced);
  EXPECT_EQ(replaced, "");
}

}  // namespace
}  // namespace dcs::resources
