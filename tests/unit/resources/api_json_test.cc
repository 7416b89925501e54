#include "resources/api_json.h"

#include <gtest/gtest.h>

#include "resources/cluster_schema.h"
#include "sdk/framework/plan_modifiers.h"

namespace dcs::resources {
namespace {

using nlohmann::json;

const schema::Block& Cluster() {
  static const schema::Schema* s = new schema::Schema(ClusterSchema());
  return s->block;
}

TEST(ApiJsonTest, ApiAnswerRoundTripsThroughStateAndConformsToTheSchema) {
  json answer = json::parse(R"({
    "cluster_name": "nlp", "spark_version": "14.3.x-scala2.12", "num_workers": 2,
    "spark_conf": {"a": "b"}, "ssh_public_keys": ["ssh-ed25519 AAA"],
    "docker_image": {"url": "r.io/x:1", "basic_auth": {"username": "u", "password": "p"}},
    "init_scripts": [{"volumes": {"destination": "/Volumes/a/b"}}, {"s3": {"destination": "s3://b/k", "region": "eu"}}],
    "azure_attributes": {"availability": "SPOT_AZURE", "spot_bid_max_price": -1.5},
    "autoscale": null, "unknown_field": {"ignored": true}})");
  cty::Value state = FromApiJson(Cluster(), answer, cty::Value::Null(Cluster().ImpliedType()), ClusterApiMapping().state_only);
  ASSERT_TRUE(state.type() == Cluster().ImpliedType());
  EXPECT_EQ(state.GetAttr("num_workers").AsNumber().ToInt64(), 2);
  EXPECT_TRUE(state.GetAttr("autoscale").IsNull());
  EXPECT_EQ(state.GetAttr("init_scripts").Length(), 2u);
  // The password is never read from an answer: it is write-only.
  EXPECT_TRUE(state.GetAttr("docker_image").GetAttr("basic_auth").GetAttr("password").IsNull());

  json back = ToApiJson(Cluster(), state, ClusterApiMapping().state_only);
  json expected = answer;
  expected.erase("unknown_field");
  expected.erase("autoscale");
  expected["docker_image"]["basic_auth"].erase("password");
  EXPECT_EQ(back, expected) << back.dump(1);
}

TEST(ApiJsonTest, EmptyCollectionsAndNullsDoNotBecomeDrift) {
  const cty::Type t = Cluster().ImpliedType();
  // Config said spark_conf = {} and the API left it out: stays {}.
  cty::Value prior = FromApiJson(Cluster(), json::parse(R"({"spark_conf": {}})"), cty::Value::Null(t), {});
  EXPECT_TRUE(prior.GetAttr("spark_conf").IsNull()) << "an empty answer with no prior is null";
  std::map<std::string, cty::Value> attrs = prior.Attributes();
  attrs["spark_conf"] = cty::Value::Map(cty::Type::String(), {});
  prior = cty::Value::Object(t, attrs);
  cty::Value read = FromApiJson(Cluster(), json::parse(R"({"spark_version": "x"})"), prior, {});
  EXPECT_FALSE(read.GetAttr("spark_conf").IsNull());
  EXPECT_EQ(read.GetAttr("spark_conf").Length(), 0u);
  // Block lists are empty, never null.
  EXPECT_EQ(read.GetAttr("init_scripts").Length(), 0u);
}

TEST(ApiJsonTest, KeptFieldsComeFromPriorAndSkippedFieldsAreNotSent) {
  const cty::Type t = Cluster().ImpliedType();
  std::map<std::string, cty::Value> attrs;
  attrs["spark_version"] = cty::Value::String("14.3.x-scala2.12");
  attrs["idempotency_token"] = cty::Value::String("tok");
  attrs["no_wait"] = cty::Value::Bool(true);
  attrs["num_workers"] = cty::Value::Unknown(cty::Type::Number());
  cty::Value planned = cty::Value::Object(t, attrs);
  json body = ToApiJson(Cluster(), planned, ClusterApiMapping().state_only);
  EXPECT_EQ(body, json::parse(R"({"spark_version": "14.3.x-scala2.12"})")) << "unknown and provider-only fields stay out";
  cty::Value read = FromApiJson(Cluster(), json::parse(R"({"spark_version": "14.3.x-scala2.12"})"), planned,
                                ClusterApiMapping().state_only);
  EXPECT_EQ(read.GetAttr("idempotency_token").AsString(), "tok");
  EXPECT_TRUE(read.GetAttr("no_wait").AsBool());
  EXPECT_TRUE(read.GetAttr("num_workers").IsNull());
}

TEST(ApiJsonTest, WrongTypesInAnswersBecomeNullOrText) {
  json answer = json::parse(R"({"num_workers": "3", "cluster_name": 12, "enable_elastic_disk": "yes",
                                "spark_conf": [1], "autoscale": "bad"})");
  cty::Value state = FromApiJson(Cluster(), answer, cty::Value(), {});
  EXPECT_EQ(state.GetAttr("num_workers").AsNumber().ToInt64(), 3);
  EXPECT_EQ(state.GetAttr("cluster_name").AsString(), "12");
  EXPECT_FALSE(state.GetAttr("enable_elastic_disk").AsBool());
  EXPECT_TRUE(state.GetAttr("spark_conf").IsNull());
  EXPECT_TRUE(state.GetAttr("autoscale").IsNull());
}

// A small pool-like schema: a renamed block list, a create-only required
// attribute, a create-only block and an editable attribute.
schema::Block Pool() {
  using schema::Attribute;
  using schema::Mode;
  using schema::NestedBlock;
  using schema::Nesting;
  const cty::Type S = cty::Type::String();
  schema::Block b;
  b.attributes = {Attribute{.name = "id", .type = S, .mode = Mode::kComputed},
                  Attribute{.name = "name", .type = S, .mode = Mode::kRequired},
                  Attribute{.name = "node_type", .type = S, .mode = Mode::kRequired,
                            .plan_modifiers = {framework::RequiresReplaceIfConfigured()}},
                  Attribute{.name = "spot", .type = cty::Type::Bool(),
                            .plan_modifiers = {framework::RequiresReplaceIfConfigured()}},
                  Attribute{.name = "size", .type = cty::Type::Number()}};
  b.blocks = {NestedBlock{.name = "image", .nesting = Nesting::kList,
                          .block = schema::MakeBlock({Attribute{.name = "url", .type = S}}),
                          .plan_modifiers = {framework::RequiresReplace()}},
              NestedBlock{.name = "disk", .nesting = Nesting::kSingle,
                          .block = schema::MakeBlock({Attribute{.name = "gb", .type = cty::Type::Number()}})}};
  return b;
}

ApiMapping PoolMapping() {
  ApiMapping m;
  m.renamed = {{"image", "images"}};
  m.api_only = {"stats", "disk.vendor"};
  return m;
}

TEST(ApiJsonTest, CreateBodyRenamesAndLeavesComputedOut) {
  const schema::Block b = Pool();
  cty::Value state = StateFromApi(b, PoolMapping(), json::parse(R"({"id": "p", "name": "n", "node_type": "t",
      "spot": true, "size": 2, "images": [{"url": "u"}]})"), cty::Value());
  EXPECT_EQ(state.GetAttr("image").Elements()[0].GetAttr("url").AsString(), "u");
  EXPECT_EQ(ApiCreateBody(b, PoolMapping(), state),
            json::parse(R"({"name": "n", "node_type": "t", "spot": true, "size": 2, "images": [{"url": "u"}]})"));
}

TEST(ApiJsonTest, EditBodyLeavesOutWhatReplacesTheObjectButKeepsRequiredFields) {
  const schema::Block b = Pool();
  cty::Value state = StateFromApi(b, PoolMapping(), json::parse(R"({"name": "n", "node_type": "t", "spot": true,
      "size": 2, "images": [{"url": "u"}], "disk": {"gb": 1}})"), cty::Value());
  EXPECT_EQ(ApiEditBody(b, PoolMapping(), state),
            json::parse(R"({"name": "n", "node_type": "t", "size": 2, "disk": {"gb": 1}})"));
}

TEST(ApiJsonTest, UnmappedFieldsAreReportedWithTheirPathUnlessDeclaredApiOnly) {
  const schema::Block b = Pool();
  json answer = json::parse(R"({"name": "n", "stats": {"idle": 1}, "images": [{"url": "u", "digest": "d"}],
      "disk": {"gb": 1, "vendor": "x", "iops": 3}, "brand_new": null})");
  EXPECT_EQ(UnmappedApiFields(b, PoolMapping(), answer),
            (std::vector<std::string>{"brand_new", "disk.iops", "image.digest"}));
  EXPECT_TRUE(UnmappedApiFields(b, PoolMapping(), json::parse(R"({"name": "n", "stats": {}})")).empty());
}

}  // namespace
}  // namespace dcs::resources
