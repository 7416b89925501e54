// The requires-replace plan modifiers, on attributes and on nested blocks,
// through the plan pipeline (PlanAttributes).
#include "sdk/framework/plan_modifiers.h"

#include <gtest/gtest.h>

#include "sdk/framework/plan.h"

namespace dcs::framework {
namespace {

using schema::Attribute;
using schema::Mode;
using schema::NestedBlock;
using schema::Nesting;

const cty::Type S = cty::Type::String();

schema::Block TestBlock() {
  schema::Block b;
  b.attributes = {
      Attribute{.name = "name", .type = S, .mode = Mode::kRequired},
      Attribute{.name = "zone", .type = S, .mode = Mode::kOptionalComputed,
                .plan_modifiers = {RequiresReplaceIfConfigured()}},
      Attribute{.name = "token", .type = S,
                .plan_modifiers = {RequiresReplaceIf(
                    [](const schema::AttributePlanRequest& r) { return !r.prior.IsNull(); }, "Unless new.")}},
  };
  b.blocks = {NestedBlock{.name = "disk", .nesting = Nesting::kList,
                          .block = schema::MakeBlock({Attribute{.name = "gb", .type = S, .mode = Mode::kRequired}}),
                          .plan_modifiers = {RequiresReplace()}}};
  return b;
}

class PlanModifiersTest : public ::testing::Test {
 protected:
  cty::Value Disks(std::vector<std::string> sizes) {
    const cty::Type t = block_.blocks[0].block->ImpliedType();
    std::vector<cty::Value> out;
    for (const auto& gb : sizes) out.push_back(cty::Value::Object(t, {{"gb", cty::Value::String(gb)}}));
    return cty::Value::List(t, out);
  }
  cty::Value Object(const cty::Value& zone, const cty::Value& token, const cty::Value& disks,
                    const std::string& name = "a") {
    return cty::Value::Object(block_.ImpliedType(),
                              {{"name", cty::Value::String(name)}, {"zone", zone}, {"token", token}, {"disk", disks}});
  }
  // The paths a plan from `prior` to `config` replaces (proposed = config,
  // with the computed zone taken from prior when unset).
  std::string Replaced(const cty::Value& config, const cty::Value& prior) {
    std::map<std::string, cty::Value> proposed = config.Attributes();
    if (proposed["zone"].IsNull()) proposed["zone"] = prior.GetAttr("zone");
    AttributePlan plan =
        PlanAttributes(block_, config, prior, cty::Value::Object(block_.ImpliedType(), std::move(proposed)));
    std::string paths;
    for (const auto& p : plan.requires_replace) paths += p.ToString() + " ";
    return paths;
  }

  schema::Block block_ = TestBlock();
  const cty::Value null_ = cty::Value::Null(S);
  const cty::Value prior_ = Object(cty::Value::String("z1"), cty::Value::String("t1"), Disks({"10"}));
};

TEST_F(PlanModifiersTest, ABlockChangeReplacesTheObjectAsOneValue) {
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t1"), Disks({"20"})), prior_), "disk ");
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t1"), Disks({"10", "20"})), prior_),
            "disk ");
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t1"), Disks({})), prior_), "disk ")
      << "removing the block is a change too";
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t1"), Disks({"10"}), "b"), prior_), "")
      << "other changes leave it alone";
}

TEST_F(PlanModifiersTest, IfConfiguredIgnoresAnUnsetServerChosenValue) {
  EXPECT_EQ(Replaced(Object(cty::Value::String("z2"), cty::Value::String("t1"), Disks({"10"})), prior_), "zone ");
  // Unset in config while something else changes: planned unknown, no replacement.
  EXPECT_EQ(Replaced(Object(null_, cty::Value::String("t1"), Disks({"10"}), "b"), prior_), "");
}

TEST_F(PlanModifiersTest, IfConditionHoldsOnly) {
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t2"), Disks({"10"})), prior_), "token ");
  const cty::Value imported = Object(cty::Value::String("z1"), null_, Disks({"10"}));
  EXPECT_EQ(Replaced(Object(cty::Value::String("z1"), cty::Value::String("t2"), Disks({"10"})), imported), "")
      << "no token in state: adopted";
}

TEST_F(PlanModifiersTest, NothingIsReplacedOnCreate) {
  EXPECT_EQ(Replaced(prior_, cty::Value::Null(block_.ImpliedType())), "");
}

TEST_F(PlanModifiersTest, OnlyRequiresReplaceModifiersSayTheyMayReplace) {
  EXPECT_TRUE(RequiresReplace()->MayRequireReplace());
  EXPECT_TRUE(RequiresReplaceIfConfigured()->MayRequireReplace());
  EXPECT_FALSE(UseStateForUnknown()->MayRequireReplace());
}

}  // namespace
}  // namespace dcs::framework
