#include "sdk/cty/type.h"

#include <gtest/gtest.h>

#include "sdk/cty/path.h"

namespace dcs::cty {
namespace {

TEST(Type, JsonRoundTrip) {
  for (const char* text : {R"("string")", R"("number")", R"("bool")", R"("dynamic")", R"(["list","string"])",
                           R"(["set",["map","number"]])", R"(["tuple",["string","bool"]])", R"(["tuple",[]])",
                           R"(["object",{"a":"string","b":["list","number"]}])",
                           R"(["object",{"a":"string","c":"bool","z":"dynamic"},["a","c"]])"}) {
    absl::StatusOr<Type> t = Type::FromJsonString(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status();
    EXPECT_EQ(t->ToJsonString(), text);
  }
}

TEST(Type, ToJsonSortsKeysAndIsCompact) {
  Type t = Type::Object({{"zeta", Type::Number()}, {"alpha", Type::List(Type::String())}}, {"zeta"});
  EXPECT_EQ(t.ToJsonString(), R"(["object",{"alpha":["list","string"],"zeta":"number"},["zeta"]])");
  absl::StatusOr<Type> spaced = Type::FromJsonString(" [ \"map\" , \"bool\" ] ");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(*spaced, Type::Map(Type::Bool()));
}

TEST(Type, FromJsonRejectsGarbage) {
  for (const char* bad : {"", "nope", "42", R"("str")", R"([])", R"(["list"])", R"(["list","string","x"])",
                          R"(["tuple","string"])", R"(["object",["a"]])", R"(["object",{"a":"string"},["b"]])",
                          R"(["object",{"a":"string"},"a"])", R"(["frob","string"])", R"({"a":1})", "[\"list\","}) {
    absl::StatusOr<Type> t = Type::FromJsonString(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  }
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "[\"list\",";
  deep += "\"string\"" + std::string(10000, ']');
  EXPECT_FALSE(Type::FromJsonString(deep).ok());
}

TEST(Type, EqualityAndAccessors) {
  Type obj = Type::Object({{"a", Type::String()}, {"b", Type::Dynamic()}}, {"a"});
  EXPECT_EQ(obj, Type::Object({{"a", Type::String()}, {"b", Type::Dynamic()}}, {"a"}));
  EXPECT_NE(obj, Type::Object({{"a", Type::String()}, {"b", Type::Dynamic()}}));
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_EQ(Type(), Type::Dynamic());
  EXPECT_TRUE(obj.HasDynamic());
  EXPECT_FALSE(Type::List(Type::String()).HasDynamic());
  EXPECT_TRUE(Type::Tuple({Type::Number(), Type::List(Type::Dynamic())}).HasDynamic());
  ASSERT_NE(obj.attribute_type("a"), nullptr);
  EXPECT_EQ(*obj.attribute_type("a"), Type::String());
  EXPECT_EQ(obj.attribute_type("missing"), nullptr);
  EXPECT_TRUE(Type::Map(Type::Number()).IsCollection());
  EXPECT_TRUE(Type::Bool().IsPrimitive());
  EXPECT_EQ(Type::Map(Type::Number()).element_type(), Type::Number());
  EXPECT_EQ(Type::Set(Type::List(Type::String())).FriendlyName(), "set of list of string");
}

TEST(Path, ToString) {
  EXPECT_EQ(Path::Root("docker_image").Attr("basic_auth").ToString(), "docker_image.basic_auth");
  EXPECT_EQ(Path::Root("cuda_extensions").Index(0).Attr("name").ToString(), "cuda_extensions[0].name");
  EXPECT_EQ(Path::Root("tags").Key("team").ToString(), "tags[\"team\"]");
  EXPECT_EQ(Path::Root("tags").Key("a\"b").ToString(), "tags[\"a\\\"b\"]");
  EXPECT_EQ(Path().ToString(), "");
  EXPECT_EQ(Path::Root("a").Index(1).ErrorPrefix(), ".a[1]: ");
  EXPECT_EQ(Path().ErrorPrefix(), "");
  EXPECT_EQ(Path::Root("a").Key("k"), Path().Attr("a").Key("k"));
  EXPECT_FALSE(Path::Root("a").Key("k") == Path::Root("a").Attr("k"));
}

}  // namespace
}  // namespace dcs::cty
