#include "provider/framework/walk.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dcs::framework
