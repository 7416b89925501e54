#include "sdk/framework/engine.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sdk/log/hclog.h"

#include "tests/unit/sdk/framework/fake_resource.h"

namespace dcs::framework {
namespace {

using testing::FakeResource;
const cty::Type S = cty::Type::String();

struct FakeProviderData : ProviderData {
  int answer = 42;
};

class FakeProvider : public Provider {
 public:
  explicit FakeProvider(FakeResource** out) : out_(out) {}
  std::string TypeName() const override { return "fake"; }
  std::string Version() const override { return "0.0.1"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  std::shared_ptr<const ProviderData> Configure(const ConfigureRequest&, Diagnostics&) override {
    return std::make_shared<FakeProviderData>();
  }
  std::vector<std::unique_ptr<Resource>> Resources() const override {
    auto r = std::make_unique<FakeResource>();
    *out_ = r.get();
    std::vector<std::unique_ptr<Resource>> v;
    v.push_back(std::move(r));
    return v;
  }
  std::vector<std::unique_ptr<DataSource>> DataSources() const override { return {}; }
  std::vector<std::unique_ptr<Function>> Functions() const override { return {}; }

 private:
  FakeResource** out_;
  schema::Schema schema_;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Create(std::make_unique<FakeProvider>(&fake_));
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    type_ = engine_->ResourceSchema("fake_thing")->block.ImpliedType();
  }

  cty::Value Disks(std::vector<std::pair<std::string, cty::Value>> disks) {
    cty::Type dt = type_.attribute_type("disk")->element_type();
    std::vector<cty::Value> out;
    for (auto& [gb, serial] : disks) {
      out.push_back(cty::Value::Object(dt, {{"gb", cty::Value::String(gb)}, {"serial", serial}}));
    }
    return cty::Value::List(dt, out);
  }

  // What Terraform sends as config: computed attributes null.
  cty::Value Config(const std::string& name, const std::string& size, bool with_password = false) {
    std::map<std::string, cty::Value> a = {{"name", cty::Value::String(name)},
                                           {"size", cty::Value::String(size)},
                                           {"disk", Disks({{"10", cty::Value::Null(S)}})}};
    if (with_password) a["password"] = cty::Value::String("s3cret");
    return cty::Value::Object(type_, a);
  }

  // Terraform's proposed new state for an update: config plus prior computed values.
  cty::Value ProposedFrom(const cty::Value& config, const cty::Value& prior) {
    std::map<std::string, cty::Value> a = config.Attributes();
    for (const char* c : {"id", "state", "region"}) a[c] = prior.GetAttr(c);
    a["disk"] = Disks({{"10", prior.GetAttr("disk").Elements()[0].GetAttr("serial")}});
    a["password"] = cty::Value::Null(S);
    return cty::Value::Object(type_, a);
  }

  cty::Value CreateThing(const cty::Value& config) {
    PlanResult plan = engine_->PlanResourceChange("fake_thing", cty::Value::Null(type_), config, config, "", {});
    EXPECT_FALSE(plan.diagnostics.HasError()) << plan.diagnostics.FirstError();
    ApplyResponse applied = engine_->ApplyResourceChange("fake_thing", cty::Value::Null(type_), plan.planned, config, "");
    EXPECT_FALSE(applied.diagnostics.HasError()) << applied.diagnostics.FirstError();
    return applied.new_state;
  }

  FakeResource* fake_ = nullptr;
  std::unique_ptr<Engine> engine_;
  cty::Type type_;
};

TEST_F(EngineTest, CreatePlanMarksComputedUnknownAppliesDefaultsAndDropsWriteOnly) {
  cty::Value config = Config("a", "S", /*with_password=*/true);
  PlanResult plan = engine_->PlanResourceChange("fake_thing", cty::Value::Null(type_), config, config, "",
                                                {.write_only_attributes_allowed = true});
  ASSERT_FALSE(plan.diagnostics.HasError()) << plan.diagnostics.FirstError();
  EXPECT_FALSE(plan.planned.GetAttr("id").IsKnown());
  EXPECT_FALSE(plan.planned.GetAttr("state").IsKnown());
  EXPECT_EQ(plan.planned.GetAttr("region").AsString(), "eu");
  EXPECT_TRUE(plan.planned.GetAttr("password").IsNull());
  EXPECT_FALSE(plan.planned.GetAttr("disk").Elements()[0].GetAttr("serial").IsKnown());
  EXPECT_TRUE(plan.requires_replace.empty());
}

TEST_F(EngineTest, ApplyCreatesWhollyKnownStateWithoutWriteOnlyValues) {
  fake_->leak_password = true;
  cty::Value state = CreateThing(Config("a", "S", true));
  EXPECT_TRUE(state.IsWhollyKnown());
  EXPECT_EQ(state.GetAttr("id").AsString(), "thing-1");
  EXPECT_TRUE(state.GetAttr("password").IsNull());
  EXPECT_EQ(state.GetAttr("disk").Elements()[0].GetAttr("serial").AsString(), "sn-10");
  EXPECT_EQ(fake_->count(), 1u);
}

TEST_F(EngineTest, SensitiveAndWriteOnlyValuesAreRedactedBeforeResourceCodeRuns) {
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view line) { lines.emplace_back(line); });
  fake_->log_config = true;
  CreateThing(Config("visible-thing", "1", /*with_password=*/true));
  log::SetSinkForTesting(nullptr);
  log::ClearSecretsForTesting();
  log::SetLevelForTesting(log::Level::kWarn);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  ASSERT_NE(all.find("fake create"), std::string::npos) << all;
  EXPECT_NE(all.find("visible-thing"), std::string::npos) << all;
  EXPECT_EQ(all.find("s3cret"), std::string::npos) << "the write-only password reached a log line:\n" << all;
}

TEST_F(EngineTest, UnchangedUpdateKeepsComputedValues) {
  cty::Value state = CreateThing(Config("a", "S"));
  cty::Value config = Config("a", "S");
  PlanResult plan = engine_->PlanResourceChange("fake_thing", state, ProposedFrom(config, state), config, "", {});
  ASSERT_FALSE(plan.diagnostics.HasError());
  EXPECT_TRUE(plan.planned.Equals(state)) << plan.planned.DebugString() << " vs " << state.DebugString();
}

TEST_F(EngineTest, ChangedUpdateMarksComputedUnknownExceptUseStateForUnknown) {
  cty::Value state = CreateThing(Config("a", "S"));
  cty::Value config = Config("a", "M");
  PlanResult plan = engine_->PlanResourceChange("fake_thing", state, ProposedFrom(config, state), config, "", {});
  ASSERT_FALSE(plan.diagnostics.HasError());
  EXPECT_EQ(plan.planned.GetAttr("id").AsString(), "thing-1");  // UseStateForUnknown
  EXPECT_FALSE(plan.planned.GetAttr("state").IsKnown());
  EXPECT_TRUE(plan.requires_replace.empty());
  ApplyResponse applied = engine_->ApplyResourceChange("fake_thing", state, plan.planned, config, "");
  ASSERT_FALSE(applied.diagnostics.HasError());
  EXPECT_EQ(applied.new_state.GetAttr("size").AsString(), "M");
  EXPECT_EQ(fake_->count(), 1u);
}

TEST_F(EngineTest, RequiresReplaceReportsThePath) {
  cty::Value state = CreateThing(Config("a", "S"));
  cty::Value config = Config("b", "S");
  PlanResult plan = engine_->PlanResourceChange("fake_thing", state, ProposedFrom(config, state), config, "", {});
  ASSERT_EQ(plan.requires_replace.size(), 1u);
  EXPECT_EQ(plan.requires_replace[0].ToString(), "name");
}

TEST_F(EngineTest, DestroyPlansNullAndDeletes) {
  cty::Value state = CreateThing(Config("a", "S"));
  PlanResult plan = engine_->PlanResourceChange("fake_thing", state, cty::Value::Null(type_),
                                                cty::Value::Null(type_), "", {});
  EXPECT_TRUE(plan.planned.IsNull());
  ApplyResponse applied = engine_->ApplyResourceChange("fake_thing", state, cty::Value::Null(type_),
                                                       cty::Value::Null(type_), "");
  EXPECT_FALSE(applied.diagnostics.HasError());
  EXPECT_TRUE(applied.new_state.IsNull());
  EXPECT_EQ(fake_->count(), 0u);
}

TEST_F(EngineTest, ReadReturnsNullWhenGone) {
  cty::Value state = CreateThing(Config("a", "S"));
  ReadResponse r = engine_->ReadResource("fake_thing", state, "");
  EXPECT_TRUE(r.new_state.Equals(state));
  engine_->ApplyResourceChange("fake_thing", state, cty::Value::Null(type_), cty::Value::Null(type_), "");
  r = engine_->ReadResource("fake_thing", state, "");
  EXPECT_FALSE(r.diagnostics.HasError());
  EXPECT_TRUE(r.new_state.IsNull());
}

TEST_F(EngineTest, UnknownLeftAfterApplyIsReportedAsProviderBug) {
  fake_->leave_unknown = true;
  cty::Value config = Config("a", "S");
  PlanResult plan = engine_->PlanResourceChange("fake_thing", cty::Value::Null(type_), config, config, "", {});
  ApplyResponse applied = engine_->ApplyResourceChange("fake_thing", cty::Value::Null(type_), plan.planned, config, "");
  ASSERT_TRUE(applied.diagnostics.HasError());
  EXPECT_NE(applied.diagnostics.FirstError().find("Provider bug"), std::string::npos);
}

TEST_F(EngineTest, ValidatorsReportNestedPaths) {
  cty::Type dt = type_.attribute_type("disk")->element_type();
  cty::Value config = cty::Value::Object(
      type_, {{"name", cty::Value::String("a")},
              {"size", cty::Value::String("XL")},
              {"disk", cty::Value::List(dt, {cty::Value::Object(dt, {{"gb", cty::Value::String("10")}}),
                                             cty::Value::Object(dt, {{"gb", cty::Value::String("99")}})})}});
  Diagnostics d = engine_->ValidateResourceConfig("fake_thing", config, {});
  ASSERT_EQ(d.items().size(), 2u);
  EXPECT_EQ(d.items()[0].path->ToString(), "size");
  EXPECT_EQ(d.items()[1].path->ToString(), "disk[1].gb");
}

TEST_F(EngineTest, UnknownValuesAreNotValidated) {
  cty::Value config = cty::Value::Object(type_, {{"name", cty::Value::String("a")},
                                                 {"size", cty::Value::Unknown(S)},
                                                 {"disk", cty::Value::Unknown(*type_.attribute_type("disk"))}});
  EXPECT_TRUE(engine_->ValidateResourceConfig("fake_thing", config, {}).empty());
}

TEST_F(EngineTest, WriteOnlyValueRefusedWhenClientCannotHandleIt) {
  Diagnostics d = engine_->ValidateResourceConfig("fake_thing", Config("a", "S", true), {});
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].path->ToString(), "password");
  EXPECT_TRUE(engine_->ValidateResourceConfig("fake_thing", Config("a", "S", true),
                                              {.write_only_attributes_allowed = true}).empty());
}

// A sensitive write-only attribute is write-only for clients that support it
// and a plain sensitive attribute, kept in plan and state, for older ones.
TEST_F(EngineTest, SensitiveWriteOnlyDegradesToSensitiveOnOlderClients) {
  std::map<std::string, cty::Value> a = Config("a", "S").Attributes();
  a["api_key"] = cty::Value::String("k3y");
  cty::Value config = cty::Value::Object(type_, a);
  const cty::Value none = cty::Value::Null(type_);
  const ClientCapabilities old_client{}, new_client{.write_only_attributes_allowed = true};

  EXPECT_TRUE(engine_->ValidateResourceConfig("fake_thing", config, old_client).empty());
  PlanResult old_plan = engine_->PlanResourceChange("fake_thing", none, config, config, "", old_client);
  EXPECT_EQ(old_plan.planned.GetAttr("api_key").AsString(), "k3y");
  ApplyResponse old_apply = engine_->ApplyResourceChange("fake_thing", none, old_plan.planned, config, "");
  ASSERT_FALSE(old_apply.diagnostics.HasError()) << old_apply.diagnostics.FirstError();
  EXPECT_EQ(old_apply.new_state.GetAttr("api_key").AsString(), "k3y");
  EXPECT_EQ(engine_->ReadResource("fake_thing", old_apply.new_state, "", old_client)
                .new_state.GetAttr("api_key").AsString(), "k3y");

  PlanResult new_plan = engine_->PlanResourceChange("fake_thing", none, config, config, "", new_client);
  EXPECT_TRUE(new_plan.planned.GetAttr("api_key").IsNull());
  ApplyResponse new_apply = engine_->ApplyResourceChange("fake_thing", none, new_plan.planned, config, "");
  ASSERT_FALSE(new_apply.diagnostics.HasError()) << new_apply.diagnostics.FirstError();
  EXPECT_TRUE(new_apply.new_state.GetAttr("api_key").IsNull());
  EXPECT_TRUE(engine_->ReadResource("fake_thing", old_apply.new_state, "", new_client)
                  .new_state.GetAttr("api_key").IsNull());
}

TEST_F(EngineTest, ImportSetsIdAndUpgradeDropsRemovedAttributes) {
  ImportResponse imported = engine_->ImportResourceState("fake_thing", "thing-9");
  ASSERT_FALSE(imported.diagnostics.HasError());
  EXPECT_EQ(imported.state.GetAttr("id").AsString(), "thing-9");
  EXPECT_TRUE(imported.state.GetAttr("name").IsNull());

  UpgradeResult up = engine_->UpgradeResourceState(
      "fake_thing", 0, R"({"id":"thing-1","name":"a","removed_long_ago":true,"disk":[]})");
  ASSERT_FALSE(up.diagnostics.HasError()) << up.diagnostics.FirstError();
  EXPECT_EQ(up.state.GetAttr("name").AsString(), "a");
  EXPECT_TRUE(up.state.GetAttr("size").IsNull());

  UpgradeResult newer = engine_->UpgradeResourceState("fake_thing", 7, "{}");
  EXPECT_TRUE(newer.diagnostics.HasError());
}

TEST_F(EngineTest, UnknownTypeIsADiagnosticNotACrash) {
  Diagnostics d = engine_->ValidateResourceConfig("nope", cty::Value::Null(type_), {});
  EXPECT_TRUE(d.HasError());
  ReadResponse r = engine_->ReadResource("nope", cty::Value::Null(type_), "");
  EXPECT_TRUE(r.diagnostics.HasError());
}

TEST_F(EngineTest, StopIsVisibleToLaterContexts) {
  engine_->Stop();
  // Stop must not break later calls; they still run (and can see the flag).
  EXPECT_FALSE(CreateThing(Config("a", "S")).IsNull());
}

}  // namespace
}  // namespace dcs::framework
