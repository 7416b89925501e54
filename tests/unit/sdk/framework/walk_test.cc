#include "sdk/framework/walk.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sdk/log/hclog.h"

namespace dcs::framework {
namespace {

using cty::Type;
using cty::Value;

TEST(UnknownsAsNullTest, ReplacesUnknownsAtEveryDepthAndKeepsKnownValues) {
  const Type disk = Type::Object({{"gb", Type::Number()}, {"serial", Type::String()}});
  const Type t = Type::Object({{"id", Type::String()},
                               {"name", Type::String()},
                               {"tags", Type::Map(Type::String())},
                               {"disks", Type::List(disk)},
                               {"zones", Type::Set(Type::String())}});
  const Value planned = Value::Object(
      t, {{"id", Value::Unknown(Type::String())},
          {"name", Value::String("pool")},
          {"tags", Value::Map(Type::String(), {{"team", Value::String("nlp")}, {"cost", Value::Unknown(Type::String())}})},
          {"disks", Value::List(disk, {Value::Object(disk, {{"gb", Value::Int(10)},
                                                           {"serial", Value::Unknown(Type::String())}})})},
          {"zones", Value::Unknown(Type::Set(Type::String()))}});
  ASSERT_FALSE(planned.IsWhollyKnown());

  const Value out = UnknownsAsNull(planned);
  EXPECT_TRUE(out.IsWhollyKnown()) << out.DebugString();
  EXPECT_TRUE(out.type() == t);
  EXPECT_TRUE(out.GetAttr("id").IsNull());
  EXPECT_EQ(out.GetAttr("name").AsString(), "pool");
  EXPECT_EQ(out.GetAttr("tags").Attributes().at("team").AsString(), "nlp");
  EXPECT_TRUE(out.GetAttr("tags").Attributes().at("cost").IsNull());
  const Value& d = out.GetAttr("disks").Elements().at(0);
  EXPECT_EQ(d.GetAttr("gb"), Value::Int(10));
  EXPECT_TRUE(d.GetAttr("serial").IsNull());
  EXPECT_TRUE(out.GetAttr("zones").IsNull());
}

TEST(UnknownsAsNullTest, WhollyKnownAndNullValuesAreReturnedAsTheyAre) {
  const Value known = Value::List(Type::String(), {Value::String("a")});
  EXPECT_EQ(UnknownsAsNull(known), known);
  EXPECT_EQ(UnknownsAsNull(Value::Null(Type::String())), Value::Null(Type::String()));
  EXPECT_EQ(UnknownsAsNull(Value::Unknown(Type::Bool())), Value::Null(Type::Bool()));
}

// Secrets at every place a schema can hold them: a sensitive attribute, a
// write-only one, a sensitive map, a sensitive attribute inside a nested
// block and inside nested attributes. Logged afterwards, each is redacted;
// the other values are not.
TEST(RegisterSensitiveValuesTest, EverySensitiveOrWriteOnlyStringIsRedactedFromLaterLogLines) {
  using schema::Attribute;
  const Type S = Type::String();
  schema::Block block;
  block.attributes = {
      Attribute{.name = "name", .type = S},
      Attribute{.name = "token", .type = S, .sensitive = true},
      Attribute{.name = "password", .type = S, .write_only = true},
      Attribute{.name = "headers", .type = Type::Map(S), .sensitive = true},
      Attribute{.name = "auth", .nested = schema::Nested(schema::Nesting::kSingle,
                                                         {Attribute{.name = "user", .type = S},
                                                          Attribute{.name = "secret", .type = S, .sensitive = true}})},
  };
  block.blocks = {schema::NestedBlock{
      .name = "basic_auth",
      .nesting = schema::Nesting::kList,
      .block = schema::MakeBlock({Attribute{.name = "username", .type = S},
                                  Attribute{.name = "pw", .type = S, .sensitive = true}})}};
  const Type t = block.ImpliedType();
  const Type auth = *t.attribute_type("auth");
  const Type basic = t.attribute_type("basic_auth")->element_type();
  const Value v = Value::Object(
      t, {{"name", Value::String("visible-name")},
          {"token", Value::String("tok-111")},
          {"password", Value::String("pw-222")},
          {"headers", Value::Map(S, {{"X-Key", Value::String("hdr-333")}})},
          {"auth", Value::Object(auth, {{"user", Value::String("visible-user")}, {"secret", Value::String("sec-444")}})},
          {"basic_auth", Value::List(basic, {Value::Object(basic, {{"username", Value::String("visible-robot")},
                                                                     {"pw", Value::String("blk-555")}})})}});
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view line) { lines.emplace_back(line); });
  RegisterSensitiveValues(block, v);
  log::Info("values", {{"all", "visible-name tok-111 pw-222 hdr-333 visible-user sec-444 visible-robot blk-555"}});
  log::SetSinkForTesting(nullptr);
  log::ClearSecretsForTesting();
  log::SetLevelForTesting(log::Level::kWarn);
  ASSERT_EQ(lines.size(), 1u);
  for (const char* secret : {"tok-111", "pw-222", "hdr-333", "sec-444", "blk-555"}) {
    EXPECT_EQ(lines[0].find(secret), std::string::npos) << secret << " in " << lines[0];
  }
  for (const char* plain : {"visible-name", "visible-user", "visible-robot"}) {
    EXPECT_NE(lines[0].find(plain), std::string::npos) << plain << " missing from " << lines[0];
  }
}

TEST(RegisterSensitiveValuesTest, NullAndUnknownValuesRegisterNothing) {
  schema::Block block;
  block.attributes = {schema::Attribute{.name = "token", .type = Type::String(), .sensitive = true}};
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view line) { lines.emplace_back(line); });
  RegisterSensitiveValues(block, Value::Null(block.ImpliedType()));
  RegisterSensitiveValues(block, Value::Object(block.ImpliedType(), {{"token", Value::Unknown(Type::String())}}));
  RegisterSensitiveValues(block, Value::Object(block.ImpliedType(), {{"token", Value::Null(Type::String())}}));
  log::Info("plain line", {{"k", "unchanged text"}});
  log::SetSinkForTesting(nullptr);
  log::ClearSecretsForTesting();
  log::SetLevelForTesting(log::Level::kWarn);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("unchanged text"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("redacted"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace dcs::framework
