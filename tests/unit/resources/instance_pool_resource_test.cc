// dcs_instance_pool against a fake workspace: the requests each CRUD method
// sends, the state it records, what replaces the pool, and how every failing
// call reaches the user.
#include <gtest/gtest.h>

#include "tests/unit/resources/resource_fixture.h"

namespace dcs::resources {
namespace {

namespace fw = framework;

constexpr char kConfig[] = R"({
  "instance_pool_name": "gpu-pool",
  "node_type_id": "Standard_NC6s_v3",
  "min_idle_instances": 0,
  "max_capacity": 4,
  "custom_tags": {"team": "nlp"},
  "preloaded_docker_image": [{"url": "acr.example/nlp/gpu:1.0", "basic_auth": null}]
})";

// What instance-pools/create must receive for kConfig.
constexpr char kCreateBody[] = R"({
  "instance_pool_name": "gpu-pool", "node_type_id": "Standard_NC6s_v3",
  "min_idle_instances": 0, "max_capacity": 4, "custom_tags": {"team": "nlp"},
  "preloaded_docker_images": [{"url": "acr.example/nlp/gpu:1.0"}]
})";

// instance-pools/get for the created pool, with server defaults.
constexpr char kGetAnswer[] = R"({
  "instance_pool_id": "p-1", "instance_pool_name": "gpu-pool", "node_type_id": "Standard_NC6s_v3",
  "min_idle_instances": 0, "max_capacity": 4, "idle_instance_autotermination_minutes": 60,
  "custom_tags": {"team": "nlp"}, "enable_elastic_disk": true, "state": "ACTIVE",
  "default_tags": {"Vendor": "Databricks"},
  "preloaded_docker_images": [{"url": "acr.example/nlp/gpu:1.0"}]
})";

constexpr char kGetPath[] = "/api/2.0/instance-pools/get?instance_pool_id=p-1";

class InstancePoolResourceTest : public testing::ResourceTest {
 protected:
  InstancePoolResourceTest() : ResourceTest(NewInstancePoolResource) {}

  cty::Value Planned() {
    return WithUnknown(Value(kConfig), {"id", "instance_pool_id", "state", "default_tags",
                                        "idle_instance_autotermination_minutes", "enable_elastic_disk"});
  }

  cty::Value Created() {
    Expect("POST", "/api/2.0/instance-pools/create", kCreateBody, 200, R"({"instance_pool_id": "p-1"})");
    Expect("GET", kGetPath, "", 200, kGetAnswer);
    fw::ApplyResponse resp;
    resource_->Create({ctx_, Value(kConfig), Planned()}, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
    return resp.new_state;
  }
};

TEST_F(InstancePoolResourceTest, CreateSendsTheApiBodyAndRecordsServerDefaults) {
  cty::Value state = Created();
  EXPECT_EQ(state.GetAttr("id").AsString(), "p-1");
  EXPECT_EQ(state.GetAttr("instance_pool_id").AsString(), "p-1");
  EXPECT_EQ(state.GetAttr("state").AsString(), "ACTIVE");
  EXPECT_EQ(state.GetAttr("idle_instance_autotermination_minutes"), cty::Value::Int(60));
  EXPECT_TRUE(state.GetAttr("enable_elastic_disk").AsBool());
  EXPECT_EQ(state.GetAttr("default_tags").Attributes().at("Vendor").AsString(), "Databricks");
  ASSERT_EQ(state.GetAttr("preloaded_docker_image").Length(), 1u);
  EXPECT_EQ(state.GetAttr("preloaded_docker_image").Elements()[0].GetAttr("url").AsString(),
            "acr.example/nlp/gpu:1.0");
  EXPECT_TRUE(state.IsWhollyKnown()) << state.DebugString();
}

TEST_F(InstancePoolResourceTest, CreateRefusedIsAnErrorWithTheApiMessageAndNoState) {
  Expect("POST", "/api/2.0/instance-pools/create", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Node type Standard_NC6s_v3 is not supported"})");
  fw::ApplyResponse resp;
  resource_->Create({ctx_, Value(kConfig), Planned()}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cannot create the instance pool"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("is not supported"), std::string::npos);
  EXPECT_TRUE(resp.new_state.IsNull() || !resp.new_state.IsKnown() ||
              resp.new_state.GetAttr("id").IsNull() || !resp.new_state.GetAttr("id").IsKnown());
}

TEST_F(InstancePoolResourceTest, CreatedButUnreadablePoolIsKeptInStateWithItsId) {
  Expect("POST", "/api/2.0/instance-pools/create", kCreateBody, 200, R"({"instance_pool_id": "p-1"})");
  Expect("GET", kGetPath, "", 500, R"({"error_code": "INTERNAL_ERROR", "message": "boom"})");
  fw::ApplyResponse resp;
  resource_->Create({ctx_, Value(kConfig), Planned()}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("p-1 was created but cannot be read back"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("tainted"), std::string::npos);
  EXPECT_EQ(resp.new_state.GetAttr("id").AsString(), "p-1");
  EXPECT_TRUE(resp.new_state.IsWhollyKnown()) << "the client needs a wholly known object";
}

TEST_F(InstancePoolResourceTest, ReadRefreshesDriftAndForgetsAVanishedOrDeletedPool) {
  cty::Value state = Created();
  Expect("GET", kGetPath, "", 200,
         R"({"instance_pool_id": "p-1", "instance_pool_name": "renamed-outside", "node_type_id": "Standard_NC6s_v3",
             "max_capacity": 4, "state": "ACTIVE"})");
  fw::ReadResponse read;
  resource_->Read({ctx_, state, ""}, read);
  ASSERT_FALSE(read.diagnostics.HasError()) << FirstError(read.diagnostics);
  EXPECT_EQ(read.new_state.GetAttr("instance_pool_name").AsString(), "renamed-outside");

  Expect("GET", kGetPath, "", 400,
         R"({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Can't find an instance pool with id: p-1."})");
  fw::ReadResponse gone;
  resource_->Read({ctx_, state, ""}, gone);
  EXPECT_FALSE(gone.diagnostics.HasError()) << FirstError(gone.diagnostics);
  EXPECT_TRUE(gone.new_state.IsNull());

  Expect("GET", kGetPath, "", 200, R"({"instance_pool_id": "p-1", "instance_pool_name": "gpu-pool", "state": "DELETED"})");
  fw::ReadResponse deleted;
  resource_->Read({ctx_, state, ""}, deleted);
  EXPECT_TRUE(deleted.new_state.IsNull());
}

TEST_F(InstancePoolResourceTest, ReadErrorIsADiagnosticNamingThePool) {
  cty::Value state = Created();
  Expect("GET", kGetPath, "", 403, R"({"error_code": "PERMISSION_DENIED", "message": "no access to pool"})");
  fw::ReadResponse read;
  resource_->Read({ctx_, state, ""}, read);
  ASSERT_TRUE(read.diagnostics.HasError());
  EXPECT_NE(read.diagnostics.items()[0].summary.find("Cannot read instance pool p-1"), std::string::npos);
  EXPECT_NE(read.diagnostics.items()[0].detail.find("no access to pool"), std::string::npos);
}

TEST_F(InstancePoolResourceTest, UpdateSendsOnlyTheEditableFields) {
  cty::Value state = Created();
  std::map<std::string, cty::Value> attrs = state.Attributes();
  attrs["max_capacity"] = cty::Value::Int(8);
  const cty::Value planned = cty::Value::Object(type_, attrs);
  Expect("POST", "/api/2.0/instance-pools/edit",
         R"({"instance_pool_id": "p-1", "instance_pool_name": "gpu-pool", "node_type_id": "Standard_NC6s_v3",
             "min_idle_instances": 0, "max_capacity": 8, "idle_instance_autotermination_minutes": 60,
             "custom_tags": {"team": "nlp"}})",
         200, "{}");
  std::string answer = kGetAnswer;
  answer.replace(answer.find("\"max_capacity\": 4"), 17, "\"max_capacity\": 8");
  Expect("GET", kGetPath, "", 200, answer);
  fw::ApplyResponse resp;
  resource_->Update({ctx_, planned, planned, state, ""}, resp);
  ASSERT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
  EXPECT_EQ(resp.new_state.GetAttr("max_capacity"), cty::Value::Int(8));
}

TEST_F(InstancePoolResourceTest, UpdateRefusedIsAnError) {
  cty::Value state = Created();
  Expect("POST", "/api/2.0/instance-pools/edit", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "max_capacity must be positive"})");
  fw::ApplyResponse resp;
  resource_->Update({ctx_, state, state, state, ""}, resp);
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(resp.diagnostics.items()[0].summary.find("Cannot update instance pool p-1"), std::string::npos);
  EXPECT_NE(resp.diagnostics.items()[0].detail.find("max_capacity must be positive"), std::string::npos);
}

TEST_F(InstancePoolResourceTest, DeleteToleratesAGonePoolAndReportsOtherErrors) {
  cty::Value state = Created();
  Expect("POST", "/api/2.0/instance-pools/delete", R"({"instance_pool_id": "p-1"})", 200, "{}");
  fw::DeleteResponse ok;
  resource_->Delete({ctx_, state, ""}, ok);
  EXPECT_FALSE(ok.diagnostics.HasError()) << FirstError(ok.diagnostics);

  Expect("POST", "/api/2.0/instance-pools/delete", "", 400,
         R"({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Can't find an instance pool with id: p-1."})");
  fw::DeleteResponse gone;
  resource_->Delete({ctx_, state, ""}, gone);
  EXPECT_FALSE(gone.diagnostics.HasError()) << FirstError(gone.diagnostics);

  Expect("POST", "/api/2.0/instance-pools/delete", "", 403,
         R"({"error_code": "PERMISSION_DENIED", "message": "only admins may delete pools"})");
  fw::DeleteResponse refused;
  resource_->Delete({ctx_, state, ""}, refused);
  ASSERT_TRUE(refused.diagnostics.HasError());
  EXPECT_NE(refused.diagnostics.items()[0].detail.find("only admins may delete pools"), std::string::npos);
}

// Plans over the created pool: create-only settings (RequiresReplace in the
// schema, blocks included) replace it, editable ones and unset server-chosen
// values do not, and an unchanged config plans no change at all.
TEST_F(InstancePoolResourceTest, CreateOnlyFieldsAndBlocksReplaceThePoolEditableOnesDoNot) {
  const cty::Value state = Created();
  auto replaced_by = [&](const std::string& attr, const cty::Value& value) {
    std::map<std::string, cty::Value> attrs = Value(kConfig).Attributes();
    attrs[attr] = value;
    std::string replaced;
    Plan(cty::Value::Object(type_, attrs), state, &replaced);
    return replaced;
  };
  std::string replaced;
  const cty::Value unchanged = Plan(Value(kConfig), state, &replaced);
  EXPECT_TRUE(unchanged.Equals(state)) << "an unchanged config plans no change:\n"
                                       << unchanged.DebugString() << "\n" << state.DebugString();
  EXPECT_EQ(replaced, "");
  EXPECT_EQ(replaced_by("node_type_id", cty::Value::String("Standard_NC12s_v3")), "node_type_id ");
  // Known only at apply (another resource's output): it may differ, and the
  // edit call could not change it.
  EXPECT_EQ(replaced_by("node_type_id", cty::Value::Unknown(cty::Type::String())), "node_type_id ");
  EXPECT_EQ(replaced_by("enable_elastic_disk", cty::Value::Bool(false)), "enable_elastic_disk ");
  EXPECT_EQ(replaced_by("preloaded_spark_versions",
                        cty::Value::List(cty::Type::String(), {cty::Value::String("14.3.x-scala2.12")})),
            "preloaded_spark_versions ");
  const cty::Value images = state.GetAttr("preloaded_docker_image");
  const cty::Type image_type = images.type().element_type();
  std::map<std::string, cty::Value> image = images.Elements()[0].Attributes();
  image["url"] = cty::Value::String("acr.example/nlp/gpu:2.0");
  EXPECT_EQ(replaced_by("preloaded_docker_image", cty::Value::List(image_type, {cty::Value::Object(image_type, image)})),
            "preloaded_docker_image ");
  EXPECT_EQ(replaced_by("preloaded_docker_image", cty::Value::List(image_type, {})), "preloaded_docker_image ");
  const cty::Type disk_type = type_.attribute_types().at("disk_spec");
  std::map<std::string, cty::Value> disk;
  for (const auto& [name, t] : disk_type.attribute_types()) disk[name] = cty::Value::Null(t);
  disk["disk_count"] = cty::Value::Int(1);
  EXPECT_EQ(replaced_by("disk_spec", cty::Value::Object(disk_type, disk)), "disk_spec ");
  // Editable in place; enable_elastic_disk and the idle minutes, left unset,
  // keep what the server chose.
  EXPECT_EQ(replaced_by("max_capacity", cty::Value::Int(8)), "");
  EXPECT_EQ(replaced_by("instance_pool_name", cty::Value::String("renamed")), "");
}

// A documented instance-pools/get answer with every field: each one is in the
// schema or in the resource's list of fields it does not model.
constexpr char kFullGetAnswer[] = R"({
  "instance_pool_id": "p-1", "instance_pool_name": "gpu-pool", "node_type_id": "Standard_NC6s_v3",
  "min_idle_instances": 0, "max_capacity": 4, "idle_instance_autotermination_minutes": 60,
  "custom_tags": {"team": "nlp"}, "enable_elastic_disk": true,
  "disk_spec": {"disk_type": {"azure_disk_volume_type": "PREMIUM_LRS", "ebs_volume_type": "GENERAL_PURPOSE_SSD"},
                "disk_count": 1, "disk_size": 128, "disk_iops": 3000, "disk_throughput": 125},
  "preloaded_spark_versions": ["14.3.x-scala2.12"],
  "preloaded_docker_images": [{"url": "acr.example/nlp/gpu:1.0", "basic_auth": {"username": "u", "password": "p"}}],
  "aws_attributes": {"availability": "SPOT", "zone_id": "auto", "spot_bid_price_percent": 100,
                     "instance_profile_arn": "arn:aws:iam::1:instance-profile/x"},
  "azure_attributes": {"availability": "SPOT_AZURE", "spot_bid_max_price": -1,
                       "capacity_reservation_group": "/subscriptions/s/crg"},
  "gcp_attributes": {"gcp_availability": "ON_DEMAND_GCP", "local_ssd_count": 1, "zone_id": "us-central1-a"},
  "node_type_flexibility": {"alternate_node_type_ids": ["Standard_NC12s_v3"]},
  "remote_disk_throughput": 250, "total_initial_remote_disk_size": 500,
  "state": "ACTIVE",
  "stats": {"used_count": 1, "idle_count": 0, "pending_used_count": 0, "pending_idle_count": 0},
  "status": {"pending_instance_errors": [{"instance_id": "i-1", "message": "quota"}]},
  "default_tags": {"Vendor": "Databricks", "DatabricksInstancePoolCreatorId": "1", "DatabricksInstancePoolId": "p-1"}
})";

TEST_F(InstancePoolResourceTest, EveryFieldOfAFullApiAnswerIsMappedOrDeclaredNotModelled) {
  EXPECT_EQ(Unmapped(kFullGetAnswer), std::vector<std::string>{});
  EXPECT_EQ(Unmapped(kGetAnswer), std::vector<std::string>{});
}

TEST_F(InstancePoolResourceTest, AnApiFieldTheSchemaDoesNotKnowIsReportedNotDropped) {
  std::string answer = kFullGetAnswer;
  answer.replace(answer.find(R"("state": "ACTIVE")"), 17, R"("state": "ACTIVE", "warm_start": true)");
  answer.replace(answer.find(R"("disk_count": 1)"), 15, R"("disk_count": 1, "disk_encryption": "CMK")");
  EXPECT_EQ(Unmapped(answer), (std::vector<std::string>{"disk_spec.disk_encryption", "warm_start"}));
}

TEST_F(InstancePoolResourceTest, ImportThenReadFillsTheStateAndReportsErrors) {
  auto* importer = dynamic_cast<const fw::ResourceWithImport*>(resource_.get());
  ASSERT_NE(importer, nullptr);
  fw::ImportResponse imported;
  importer->ImportState({ctx_, "p-1"}, imported);
  ASSERT_FALSE(imported.diagnostics.HasError());
  EXPECT_EQ(imported.state.GetAttr("id").AsString(), "p-1");

  Expect("GET", kGetPath, "", 200, kFullGetAnswer);
  fw::ReadResponse read;
  resource_->Read({ctx_, imported.state, ""}, read);
  ASSERT_FALSE(read.diagnostics.HasError()) << FirstError(read.diagnostics);
  EXPECT_EQ(read.new_state.GetAttr("instance_pool_id").AsString(), "p-1");
  EXPECT_EQ(read.new_state.GetAttr("disk_spec").GetAttr("disk_type").GetAttr("azure_disk_volume_type").AsString(),
            "PREMIUM_LRS");
  EXPECT_TRUE(read.new_state.IsWhollyKnown()) << read.new_state.DebugString();

  // An id that is not a pool: the read that follows the import says so and
  // keeps nothing.
  Expect("GET", "/api/2.0/instance-pools/get?instance_pool_id=nope", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Instance pool id nope is malformed"})");
  fw::ImportResponse bad;
  importer->ImportState({ctx_, "nope"}, bad);
  fw::ReadResponse refused;
  resource_->Read({ctx_, bad.state, ""}, refused);
  ASSERT_TRUE(refused.diagnostics.HasError());
  EXPECT_NE(refused.diagnostics.items()[0].summary.find("Cannot read instance pool nope"), std::string::npos);
  EXPECT_NE(refused.diagnostics.items()[0].detail.find("is malformed"), std::string::npos);
}

}  // namespace
}  // namespace dcs::resources
