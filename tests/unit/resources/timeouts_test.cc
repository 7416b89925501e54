// The shared timeouts block: Go-style durations, defaults, the validator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resources/timeouts.h"

namespace dcs::resources {
namespace {

using std::chrono::milliseconds;

TEST(TimeoutsTest, ParsesGoDurations) {
  const std::pair<const char*, int64_t> cases[] = {
      {"30m", 1'800'000}, {"1h30m", 5'400'000}, {"90s", 90'000}, {"1.5h", 5'400'000}, {"250ms", 250}, {"2m30s", 150'000}};
  for (const auto& [text, ms] : cases) {
    auto d = ParseDuration(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status();
    EXPECT_EQ(d->count(), ms) << text;
  }
  for (const char* bad : {"", "30", "m", "5 m", "3d", "-5m", "0s"}) {
    auto d = ParseDuration(bad);
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(d.status().message(), ::testing::HasSubstr("30m")) << bad;
  }
}

TEST(TimeoutsTest, BlockAndLookup) {
  schema::NestedBlock nb = TimeoutsBlock({{"create", "30m"}});
  EXPECT_EQ(nb.name, "timeouts");
  EXPECT_EQ(nb.nesting, schema::Nesting::kSingle);
  ASSERT_EQ(nb.block->attributes.size(), 1u);
  EXPECT_THAT(nb.block->attributes[0].description, ::testing::HasSubstr("`30m`"));

  schema::Block outer;
  outer.blocks = {nb};
  const cty::Type t = outer.ImpliedType();
  const cty::Type tt = t.attribute_types().at("timeouts");
  const milliseconds fallback(1234);
  EXPECT_EQ(TimeoutOf(cty::Value::Object(t, {}), "create", fallback), fallback);
  cty::Value set = cty::Value::Object(t, {{"timeouts", cty::Value::Object(tt, {{"create", cty::Value::String("2m")}})}});
  EXPECT_EQ(TimeoutOf(set, "create", fallback), milliseconds(120'000));
  cty::Value unknown = cty::Value::Object(t, {{"timeouts", cty::Value::Unknown(tt)}});
  EXPECT_EQ(TimeoutOf(unknown, "create", fallback), fallback);

  schema::Diagnostics d;
  DurationString()->Validate(cty::Value::String("soon"), cty::Path::Root("timeouts").Attr("create"), d);
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].path->ToString(), "timeouts.create");
}

}  // namespace
}  // namespace dcs::resources
