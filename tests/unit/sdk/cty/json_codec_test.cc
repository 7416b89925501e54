#include "sdk/cty/json_codec.h"

#include <gtest/gtest.h>

namespace dcs::cty {
namespace {

Number Num(std::string_view text) { return *Number::Parse(text); }

Type Ext() { return Type::Object({{"name", Type::String()}, {"version", Type::Number()}}); }

Type Cluster() {
  return Type::Object({{"name", Type::String()},
                       {"big", Type::Number()},
                       {"on", Type::Bool()},
                       {"exts", Type::List(Ext())},
                       {"tags", Type::Map(Type::String())},
                       {"zones", Type::Set(Type::String())},
                       {"pair", Type::Tuple({Type::String(), Type::Number()})},
                       {"any", Type::Dynamic()}});
}

Value Sample(Value any) {
  return Value::Object(Cluster(),
                       {{"name", Value::String("gpu \"x\"\n\xc3\xa9")},
                        {"big", Value::NumberVal(Num("18446744073709551616.0000000000000000000001"))},
                        {"on", Value::Bool(true)},
                        {"exts", Value::List(Ext(), {Value::Object(Ext(), {{"name", Value::String("nccl")},
                                                                           {"version", Value::NumberVal(Num("1e400"))}})})},
                        {"tags", Value::Map(Type::String(), {{"b", Value::String("2")}, {"a", Value::String("1")}})},
                        {"zones", Value::Set(Type::String(), {Value::String("z"), Value::String("a")})},
                        {"pair", Value::Tuple({Value::String("p"), Value::NumberVal(Num("-0.1"))})},
                        {"any", std::move(any)}});
}

void ExpectRoundTrip(const Value& v, const Type& t) {
  absl::StatusOr<std::string> text = EncodeJson(v, t);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<Value> back = DecodeJson(*text, t);
  ASSERT_TRUE(back.ok()) << back.status() << " in " << *text;
  EXPECT_TRUE(back->Equals(v)) << back->DebugString() << " != " << v.DebugString();
  EXPECT_EQ(*EncodeJson(*back, t), *text);
}

TEST(JsonCodec, EncodesExactly) {
  Type t = Type::Object({{"n", Type::Number()}, {"s", Type::String()}, {"l", Type::List(Type::Number())}});
  Value v = Value::Object(t, {{"n", Value::NumberVal(Num("0.1000000000000000000001"))},
                              {"l", Value::List(Type::Number(), {Value::NumberVal(Num("18446744073709551616")),
                                                                 Value::Int(-9223372036854775807 - 1)})}});
  EXPECT_EQ(*EncodeJson(v, t),
            R"({"l":[18446744073709551616,-9223372036854775808],"n":0.1000000000000000000001,"s":null})");
  EXPECT_EQ(*EncodeJson(Value::String("hi"), Type::Dynamic()), R"({"value":"hi","type":"string"})");
  EXPECT_EQ(*EncodeJson(Value::Null(Type::Number()), Type::Dynamic()), R"({"value":null,"type":"number"})");
  EXPECT_EQ(*EncodeJson(Value::Null(Type::Dynamic()), Type::Dynamic()), "null");
}

TEST(JsonCodec, RoundTrips) {
  ExpectRoundTrip(Sample(Value::Null(Type::Dynamic())), Cluster());
  ExpectRoundTrip(Sample(Value::List(Type::Number(), {Value::NumberVal(Num("123456789012345678901234567890.5"))})),
                  Cluster());
  ExpectRoundTrip(Sample(Sample(Value::Bool(false))), Cluster());
  ExpectRoundTrip(Value::Null(Cluster()), Cluster());
  ExpectRoundTrip(Value::NumberVal(Num("-1e-400")), Type::Number());
  ExpectRoundTrip(Value::Map(Type::Number(), {}), Type::Map(Type::Number()));
}

TEST(JsonCodec, DecodesNumbersWithoutDouble) {
  absl::StatusOr<Value> v = DecodeJson("[18446744073709551617, 1e400, 0.1, 2.50E+1, -0]", Type::List(Type::Number()));
  ASSERT_TRUE(v.ok()) << v.status();
  std::vector<std::string> got;
  for (const Value& e : v->Elements()) got.push_back(e.AsNumber().ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"18446744073709551617", "1" + std::string(400, '0'), "0.1", "25", "0"}));
}

TEST(JsonCodec, LenientLikeGoCty) {
  Type t = Type::Object({{"s", Type::String()}, {"n", Type::Number()}, {"b", Type::Bool()}, {"m", Type::String()}});
  absl::StatusOr<Value> v = DecodeJson(R"({"s": 12.50, "n": "7", "b": "true"})", t);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->GetAttr("s").AsString(), "12.50");
  EXPECT_EQ(v->GetAttr("n").AsNumber().ToString(), "7");
  EXPECT_TRUE(v->GetAttr("b").AsBool());
  EXPECT_TRUE(v->GetAttr("m").IsNull());
  EXPECT_EQ(v->GetAttr("m").type(), Type::String());
  absl::StatusOr<Value> b = DecodeJson("false", Type::String());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->AsString(), "false");
}

TEST(JsonCodec, UnknownAttributes) {
  Type t = Type::Object({{"a", Type::String()}});
  absl::StatusOr<Value> strict = DecodeJson(R"({"a":"x","old":1})", t);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("unsupported attribute \"old\""), absl::string_view::npos);
  absl::StatusOr<Value> lenient = DecodeJson(R"({"a":"x","old":{"deep":[1]}})", t, true);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->GetAttr("a").AsString(), "x");
}

TEST(JsonCodec, DecodesDynamicAndUnicode) {
  absl::StatusOr<Value> v = DecodeJson(R"({"type":["list","string"],"value":["\u00e9\ud83d\ude00\/"]})", Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->type(), Type::List(Type::String()));
  EXPECT_EQ(v->Elements()[0].AsString(), "\xc3\xa9\xf0\x9f\x98\x80/");
  EXPECT_TRUE(DecodeJson("null", Type::Dynamic())->IsNull());
}

TEST(JsonCodec, RejectsBadInput) {
  Type t = Type::Object({{"exts", Type::List(Ext())}});
  absl::StatusOr<Value> wrong = DecodeJson(R"({"exts":[{"name":["x"]}]})", t);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), ".exts[0].name: expected string");
  for (const char* bad : {"", "{", "[1,]", "{\"exts\":}", "01", "1.", "-", "\"\\x\"", "\"\\ud800\"", "nul", "[1] 2",
                          "{\"exts\":[]}{}", "\"a\nb\""}) {
    absl::StatusOr<Value> v = DecodeJson(bad, t);
    EXPECT_FALSE(v.ok()) << bad;
  }
  EXPECT_FALSE(DecodeJson(R"("abc")", Type::Number()).ok());
  EXPECT_FALSE(DecodeJson(R"("yes")", Type::Bool()).ok());
  EXPECT_FALSE(DecodeJson("[1,2]", Type::Tuple({Type::Number()})).ok());
  EXPECT_FALSE(DecodeJson(R"({"value":1})", Type::Dynamic()).ok());
  EXPECT_FALSE(DecodeJson(R"({"value":1,"type":"nope"})", Type::Dynamic()).ok());
  EXPECT_FALSE(EncodeJson(Value::Unknown(Type::String()), Type::String()).ok());
  EXPECT_FALSE(EncodeJson(Value::String("\xff"), Type::String()).ok());
  EXPECT_FALSE(EncodeJson(Value::Int(1), Type::String()).ok());
}

TEST(JsonCodec, DeepNestingAndTruncation) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_FALSE(DecodeJson(deep, Type::Dynamic()).ok());
  EXPECT_FALSE(DecodeJson(deep, Type::List(Type::List(Type::Number()))).ok());
  std::string dyn;
  for (int i = 0; i < 10000; ++i) dyn += R"({"type":"dynamic","value":)";
  EXPECT_FALSE(DecodeJson(dyn + "null" + std::string(10000, '}'), Type::Dynamic()).ok());
  std::string text = *EncodeJson(Sample(Value::String("s")), Cluster());
  for (size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(DecodeJson(std::string_view(text).substr(0, cut), Cluster()).ok()) << cut;
  }
}

}  // namespace
}  // namespace dcs::cty

namespace dcs::cty {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

// Fuzzer reproducer (issue 14): invalid UTF-8 in an attribute name of a
// dynamic value's type JSON was accepted, then ToJsonString turned it into
// U+FFFD, so the value did not survive JSON -> msgpack -> value.
TEST(JsonCodec, RejectsInvalidUtf8InDynamicTypeJson) {
  // The probe's first byte chose the schema type; the rest is the document.
  const std::string doc = FromHex(
      "7b2274797065223a5b226f626a656374222c7b228989223a2022737472696e67227d5d7d");
  absl::StatusOr<Value> v = DecodeJson(doc, Type::Dynamic());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(std::string(v.status().message()).find("not valid UTF-8"), std::string::npos) << v.status();
}

TEST(JsonCodec, RejectsInvalidUtf8InStrings) {
  for (std::string bad : {std::string("\"\xc3\""), std::string("\"a\xff\""), std::string("\"\xed\xa0\x80\""),
                          std::string("\"\xc0\xaf\""), std::string("\"\xf4\x90\x80\x80\"")}) {
    absl::StatusOr<Value> v = DecodeJson(bad, Type::String());
    EXPECT_FALSE(v.ok()) << bad;
  }
  absl::StatusOr<Value> key = DecodeJson("{\"\xe9\":\"x\"}", Type::Map(Type::String()));
  EXPECT_FALSE(key.ok());
  // Well-formed multi-byte text still decodes unchanged.
  absl::StatusOr<Value> ok = DecodeJson("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", Type::String());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->AsString(), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace dcs::cty
