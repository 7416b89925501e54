#include "resources/timeouts.h"

#include <gtest/gtest.h>

namespace dcs::resources {
namespace {

using std::chrono::seconds;

TEST(TimeoutsTest, ParsesGoStyleDurations) {
  EXPECT_EQ(ParseDuration("90s"), seconds(90));
  EXPECT_EQ(ParseDuration("20m"), seconds(1200));
  EXPECT_EQ(ParseDuration("1h30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("2m30s"), seconds(150));
  for (const char* bad : {"", "10", "m", "1x", "-5m", "0s", "1.5h", "99999999999h"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(TimeoutsTest, BlockValueOverridesTheDefault) {
  TimeoutDefaults defaults;
  schema::NestedBlock block = TimeoutsBlock(defaults);
  cty::Type timeouts = block.block->ImpliedType();
  cty::Type resource = cty::Type::Object({{"timeouts", timeouts}});
  cty::Value with = cty::Value::Object(
      resource, {{"timeouts", cty::Value::Object(timeouts, {{"create", cty::Value::String("45m")},
                                                            {"update", cty::Value::Null(cty::Type::String())},
                                                            {"delete", cty::Value::Null(cty::Type::String())}})}});
  EXPECT_EQ(TimeoutFor(with, "create", defaults), seconds(2700));
  EXPECT_EQ(TimeoutFor(with, "update", defaults), defaults.update);
  EXPECT_EQ(TimeoutFor(cty::Value::Null(resource), "delete", defaults), defaults.delete_);
}

TEST(TimeoutsTest, InvalidDurationIsADiagnosticOnTheAttribute) {
  schema::NestedBlock block = TimeoutsBlock({});
  const schema::Attribute* create = block.block->FindAttribute("create");
  ASSERT_NE(create, nullptr);
  framework::Diagnostics d;
  create->validators[0]->Validate(cty::Value::String("soon"), cty::Path::Root("timeouts").Attr("create"), d);
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].path->ToString(), "timeouts.create");
}

}  // namespace
}  // namespace dcs::resources
