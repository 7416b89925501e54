#include "sdk/cty/value.h"

#include <gtest/gtest.h>

// Designated initializers of Refinements leave the other fields at their
// defaults on purpose; GCC's -Wextra flags that anyway.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace dcs::cty {
namespace {

Type Person() { return Type::Object({{"name", Type::String()}, {"age", Type::Number()}}); }

TEST(Value, TriState) {
  Value n = Value::Null(Type::String());
  EXPECT_TRUE(n.IsNull());
  EXPECT_TRUE(n.IsKnown());
  EXPECT_EQ(n.type(), Type::String());
  Value u = Value::Unknown(Type::Number());
  EXPECT_FALSE(u.IsKnown());
  EXPECT_FALSE(u.IsNull());
  EXPECT_TRUE(u.refinements().empty());
  Value d;
  EXPECT_TRUE(d.IsNull());
  EXPECT_TRUE(d.type().IsDynamic());
  EXPECT_EQ(Value::String("x").AsString(), "x");
  EXPECT_EQ(Value::Int(-3).AsNumber().ToString(), "-3");
  EXPECT_TRUE(Value::Bool(true).AsBool());
}

TEST(Value, SetDedupesKeepingFirst) {
  Value s = Value::Set(Type::String(), {Value::String("b"), Value::String("a"), Value::String("b")});
  ASSERT_EQ(s.Length(), 2u);
  EXPECT_EQ(s.Elements()[0].AsString(), "b");
  EXPECT_EQ(s.Elements()[1].AsString(), "a");
  // Sets compare without regard to order.
  EXPECT_TRUE(s.Equals(Value::Set(Type::String(), {Value::String("a"), Value::String("b")})));
  EXPECT_FALSE(s.Equals(Value::List(Type::String(), {Value::String("b"), Value::String("a")})));
}

TEST(Value, ObjectFillsMissingWithTypedNullsAndDropsExtras) {
  Value p = Value::Object(Person(), {{"name", Value::String("ada")}, {"extra", Value::Int(1)}});
  ASSERT_EQ(p.Length(), 2u);
  EXPECT_TRUE(p.GetAttr("age").IsNull());
  EXPECT_EQ(p.GetAttr("age").type(), Type::Number());
  EXPECT_EQ(p.GetAttr("name").AsString(), "ada");
  EXPECT_TRUE(p.GetAttr("extra").IsNull());
  EXPECT_TRUE(Value::Null(Person()).GetAttr("name").IsNull());
  EXPECT_FALSE(Value::Unknown(Person()).GetAttr("name").IsKnown());
  // Exactly the type's attributes (the map is kept), and extras on both sides of them.
  Value exact = Value::Object(Person(), {{"age", Value::Int(3)}, {"name", Value::String("bo")}});
  EXPECT_EQ(exact.GetAttr("age"), Value::Int(3));
  EXPECT_EQ(exact.GetAttr("name").AsString(), "bo");
  Value around = Value::Object(Person(), {{"aaa", Value::Int(0)}, {"name", Value::String("cy")}, {"zzz", Value::Int(9)}});
  ASSERT_EQ(around.Length(), 2u);
  EXPECT_TRUE(around.GetAttr("age").IsNull());
  EXPECT_EQ(around.GetAttr("name").AsString(), "cy");
}

TEST(Value, EqualityIsDeep) {
  Value a = Value::Object(Person(), {{"name", Value::String("x")}, {"age", Value::Int(3)}});
  Value b = Value::Object(Person(), {{"name", Value::String("x")}, {"age", Value::Int(3)}});
  Value c = Value::Object(Person(), {{"name", Value::String("x")}, {"age", Value::Int(4)}});
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(Value::Null(Type::String()) == Value::Null(Type::Number()));
  EXPECT_FALSE(Value::Null(Type::String()) == Value::Unknown(Type::String()));
  EXPECT_FALSE(Value::Unknown(Type::String()) == Value::Unknown(Type::String(), Refinements{.not_null = true}));
  EXPECT_EQ(Value::Unknown(Type::String(), Refinements{.not_null = true}),
            Value::Unknown(Type::String(), Refinements{.not_null = true}));
  // Optional markers do not make values differ.
  Type opt = Type::Object(Person().attribute_types(), {"age"});
  EXPECT_EQ(Value::Object(opt, {{"name", Value::String("x")}}), Value::Object(Person(), {{"name", Value::String("x")}}));
}

TEST(Value, RefinementsAreNormalisedForTheType) {
  Refinements r{.not_null = true, .string_prefix = "p", .length_min = 0, .length_max = 4};
  Value s = Value::Unknown(Type::String(), r);
  EXPECT_EQ(s.refinements().string_prefix, "p");
  EXPECT_FALSE(s.refinements().length_max.has_value());
  Value l = Value::Unknown(Type::List(Type::String()), r);
  EXPECT_FALSE(l.refinements().string_prefix.has_value());
  EXPECT_FALSE(l.refinements().length_min.has_value());  // 0 is "no bound"
  EXPECT_EQ(l.refinements().length_max, 4);
  EXPECT_TRUE(Value::Unknown(Type::Dynamic(), r).refinements().empty());
}

TEST(Value, WhollyKnownAndAt) {
  Type t = Type::Object({{"list", Type::List(Person())}, {"tags", Type::Map(Type::String())}});
  Value v = Value::Object(t, {{"list", Value::List(Person(), {Value::Object(Person(), {{"name", Value::String("a")}})})},
                              {"tags", Value::Map(Type::String(), {{"k", Value::Unknown(Type::String())}})}});
  EXPECT_FALSE(v.IsWhollyKnown());
  EXPECT_TRUE(v.GetAttr("list").IsWhollyKnown());
  std::optional<Value> name = v.At(Path::Root("list").Index(0).Attr("name"));
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->AsString(), "a");
  EXPECT_FALSE(v.At(Path::Root("list").Index(1)).has_value());
  EXPECT_FALSE(v.At(Path::Root("list").Index(0).Attr("age").Attr("x")).has_value());
  std::optional<Value> tag = v.At(Path::Root("tags").Key("k"));
  ASSERT_TRUE(tag.has_value());
  EXPECT_FALSE(tag->IsKnown());
  EXPECT_FALSE(v.At(Path::Root("tags").Attr("k")).has_value());
  EXPECT_EQ(v.At(Path())->DebugString(), v.DebugString());
}

TEST(Value, DebugString) {
  Type t = Type::Object({{"a", Type::String()}, {"n", Type::Number()}, {"u", Type::Bool()}, {"z", Type::List(Type::String())}});
  Value v = Value::Object(t, {{"a", Value::String("x")}, {"n", Value::Int(1)}, {"u", Value::Unknown(Type::Bool())}});
  EXPECT_EQ(v.DebugString(), R"({"a":"x","n":1,"u":<unknown>,"z":null})");
  EXPECT_EQ(Value::Tuple({Value::Bool(false), Value::String("q\"")}).DebugString(), R"([false,"q\""])");
}

TEST(Conform, ChecksRecursivelyAndNamesThePath) {
  Type ext = Type::Object({{"name", Type::String()}});
  Type t = Type::Object({{"cuda_extensions", Type::List(ext)}, {"any", Type::Dynamic()}});
  Value good = Value::Object(t, {{"cuda_extensions", Value::List(ext, {Value::Object(ext, {{"name", Value::String("x")}})})},
                                 {"any", Value::Int(1)}});
  EXPECT_TRUE(Conform(good, t).ok());
  Type wrong_ext = Type::Object({{"name", Type::Number()}});
  Value bad = Value::Object(t, {{"cuda_extensions", Value::List(wrong_ext, {Value::Object(wrong_ext, {{"name", Value::Int(1)}})})}});
  absl::Status s = Conform(bad, t);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), ".cuda_extensions[0].name: expected string");
  Type wider = Type::Object({{"name", Type::String()}, {"x", Type::String()}});
  absl::Status extra = Conform(Value::Object(wider, {}), ext);
  EXPECT_NE(extra.message().find("unsupported attribute \"x\""), absl::string_view::npos);
  absl::Status missing = Conform(Value::Object(ext, {}), wider);
  EXPECT_NE(missing.message().find("\"x\""), absl::string_view::npos);
  EXPECT_TRUE(Conform(Value::Null(Type::Dynamic()), Type::String()).ok());
  EXPECT_TRUE(Conform(Value::Unknown(Type::String()), Type::String()).ok());
  EXPECT_FALSE(Conform(Value::Null(Type::Number()), Type::String()).ok());
  EXPECT_EQ(Conform(Value::Map(Type::Number(), {{"k", Value::String("s")}}), Type::Map(Type::Number())).message(),
            "[\"k\"]: expected number");
  EXPECT_FALSE(Conform(Value::Tuple({Value::Int(1)}), Type::Tuple({Type::String()})).ok());
}

}  // namespace
}  // namespace dcs::cty
