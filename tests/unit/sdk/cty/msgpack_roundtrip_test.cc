// Round trips and hostile inputs for the msgpack codec.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdk/cty/msgpack_codec.h"

// Designated initializers of Refinements leave the other fields at their
// defaults on purpose; GCC's -Wextra flags that anyway.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace dcs::cty {
namespace {

Number Num(std::string_view text) { return *Number::Parse(text); }

Type ExtensionType() {
  return Type::Object({{"name", Type::String()}, {"version", Type::Number()}, {"enabled", Type::Bool()}});
}

// A cluster-like schema type: nested objects, lists of objects, maps, sets,
// a tuple and a dynamic attribute.
Type ClusterType() {
  return Type::Object({
      {"cluster_name", Type::String()},
      {"num_workers", Type::Number()},
      {"autotermination", Type::Bool()},
      {"tags", Type::Map(Type::String())},
      {"zones", Type::Set(Type::String())},
      {"cuda_extensions", Type::List(ExtensionType())},
      {"docker_image", Type::Object({{"url", Type::String()},
                                     {"basic_auth", Type::Object({{"username", Type::String()}})}})},
      {"pair", Type::Tuple({Type::String(), Type::Number()})},
      {"extra", Type::Dynamic()},
  });
}

Value Extension(std::string name, Value version) {
  return Value::Object(ExtensionType(), {{"name", Value::String(std::move(name))},
                                         {"version", std::move(version)},
                                         {"enabled", Value::Bool(true)}});
}

Value SampleCluster(Value extra) {
  Type t = ClusterType();
  Type docker = *t.attribute_type("docker_image");
  return Value::Object(t, {
      {"cluster_name", Value::String("gpu")},
      {"num_workers", Value::Int(2)},
      {"tags", Value::Map(Type::String(), {{"team", Value::String("ml")}, {"cost", Value::Unknown(Type::String())}})},
      {"zones", Value::Set(Type::String(), {Value::String("b"), Value::String("a")})},
      {"cuda_extensions", Value::List(ExtensionType(), {Extension("nccl", Value::NumberVal(Num("2.5"))),
                                                        Extension("cudnn", Value::Unknown(Type::Number()))})},
      {"docker_image", Value::Object(docker, {{"url", Value::String("img:1")},
                                             {"basic_auth", Value::Null(*docker.attribute_type("basic_auth"))}})},
      {"pair", Value::Tuple({Value::String("x"), Value::NumberVal(Num("-0.25"))})},
      {"extra", std::move(extra)},
  });
}

void ExpectRoundTrip(const Value& v, const Type& t) {
  absl::StatusOr<std::string> bytes = EncodeMsgpack(v, t);
  ASSERT_TRUE(bytes.ok()) << bytes.status() << " for " << v.DebugString();
  absl::StatusOr<Value> back = DecodeMsgpack(*bytes, t);
  ASSERT_TRUE(back.ok()) << back.status() << " for " << v.DebugString();
  EXPECT_TRUE(back->Equals(v)) << back->DebugString() << " != " << v.DebugString();
  absl::StatusOr<std::string> again = EncodeMsgpack(*back, t);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *bytes) << v.DebugString();
}

TEST(MsgpackRoundTrip, Primitives) {
  ExpectRoundTrip(Value::String(""), Type::String());
  ExpectRoundTrip(Value::String(std::string(70000, 'x')), Type::String());
  ExpectRoundTrip(Value::Bool(false), Type::Bool());
  for (const char* n : {"0", "1", "-1", "127", "128", "-32", "-33", "255", "256", "65536", "4294967296",
                        "9223372036854775807", "-9223372036854775808", "18446744073709551616",
                        "18446744073709551615", "0.1000000000000000000001", "1e400", "-1e-400", "3.25"}) {
    ExpectRoundTrip(Value::NumberVal(Num(n)), Type::Number());
  }
  ExpectRoundTrip(Value::NumberVal(Number::FromDouble(0.1)), Type::Number());
  ExpectRoundTrip(Value::NumberVal(Number::FromDouble(5e-324)), Type::Number());
  ExpectRoundTrip(Value::NumberVal(Number::FromDouble(1.7976931348623157e308)), Type::Number());
}

TEST(MsgpackRoundTrip, NullAndUnknownAtEveryLevel) {
  Type t = ClusterType();
  ExpectRoundTrip(Value::Null(t), t);
  ExpectRoundTrip(Value::Unknown(t), t);
  ExpectRoundTrip(SampleCluster(Value::Null(Type::Dynamic())), t);
  ExpectRoundTrip(SampleCluster(Value::Unknown(Type::Dynamic())), t);
  // Every attribute null, then every attribute unknown.
  std::map<std::string, Value> nulls, unknowns;
  for (const auto& [name, attr_type] : t.attribute_types()) {
    nulls.emplace(name, Value::Null(attr_type));
    unknowns.emplace(name, Value::Unknown(attr_type));
  }
  ExpectRoundTrip(Value::Object(t, nulls), t);
  ExpectRoundTrip(Value::Object(t, unknowns), t);
  ExpectRoundTrip(Value::List(Type::String(), {Value::Null(Type::String()), Value::Unknown(Type::String())}),
                  Type::List(Type::String()));
  ExpectRoundTrip(Value::List(ExtensionType(), {}), Type::List(ExtensionType()));
  ExpectRoundTrip(Value::Map(Type::Number(), {}), Type::Map(Type::Number()));
}

TEST(MsgpackRoundTrip, DynamicWrappers) {
  Type t = ClusterType();
  ExpectRoundTrip(SampleCluster(Value::String("s")), t);
  ExpectRoundTrip(SampleCluster(Value::Null(Type::List(Type::Number()))), t);
  ExpectRoundTrip(SampleCluster(Value::Unknown(Type::String(), Refinements{.not_null = true})), t);
  ExpectRoundTrip(SampleCluster(SampleCluster(Value::Int(7))), t);  // object type inside a dynamic slot
  ExpectRoundTrip(Value::Tuple({Value::Int(1), Value::String("a")}), Type::Dynamic());
  ExpectRoundTrip(Value::List(Type::Dynamic(), {Value::Int(1), Value::Bool(true)}), Type::List(Type::Dynamic()));
}

TEST(MsgpackRoundTrip, RefinedUnknowns) {
  Refinements prefix{.not_null = true, .string_prefix = "ab\xc3\xa9"};
  ExpectRoundTrip(Value::Unknown(Type::String(), prefix), Type::String());
  Refinements bounds;
  bounds.number_lower = Num("-1.5");
  bounds.number_lower_inclusive = false;
  bounds.number_upper = Num("18446744073709551617");
  ExpectRoundTrip(Value::Unknown(Type::Number(), bounds), Type::Number());
  Refinements length{.length_min = 2, .length_max = 10};
  ExpectRoundTrip(Value::Unknown(Type::Set(Type::String()), length), Type::Set(Type::String()));
  ExpectRoundTrip(Value::Unknown(Type::Map(Type::Bool()), Refinements{.length_max = 0}), Type::Map(Type::Bool()));
  ExpectRoundTrip(Value::Unknown(Type::Bool(), Refinements{.not_null = true}), Type::Bool());
}

TEST(MsgpackDecode, AcceptsEveryIntegerAndFloatForm) {
  struct Case {
    std::string bytes;
    const char* number;
  };
  std::vector<Case> cases = {
      {std::string("\xd0\x05", 2), "5"},                          // int8 positive
      {std::string("\xd1\xff\xfe", 3), "-2"},                     // int16
      {std::string("\xd2\x00\x00\x00\x07", 5), "7"},              // int32
      {std::string("\xd3\xff\xff\xff\xff\xff\xff\xff\xff", 9), "-1"},  // int64
      {std::string("\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9), "18446744073709551615"},
      {std::string("\xca\x3f\xc0\x00\x00", 5), "1.5"},            // float32
      {std::string("\xa3" "1e3", 4), "1000"},                     // decimal string
  };
  for (const Case& c : cases) {
    absl::StatusOr<Value> v = DecodeMsgpack(c.bytes, Type::Number());
    ASSERT_TRUE(v.ok()) << c.number << ": " << v.status();
    EXPECT_EQ(v->AsNumber().ToString(), c.number);
  }
}

TEST(MsgpackDecode, AcceptsStrTypeJsonAndAnyUnknownExt) {
  std::string wrapped = std::string("\x92\xa8\"string\"\xa2hi", 13);
  absl::StatusOr<Value> v = DecodeMsgpack(wrapped, Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->Equals(Value::String("hi")));
  for (std::string ext : {std::string("\xd4\x05\x00", 3), std::string("\xc7\x00\x00", 3),
                          std::string("\xd5\x03\x01\x02", 4)}) {
    absl::StatusOr<Value> u = DecodeMsgpack(ext, Type::String());
    ASSERT_TRUE(u.ok()) << u.status();
    EXPECT_FALSE(u->IsKnown());
    EXPECT_TRUE(u->refinements().empty());
  }
  // Unknown refinement keys are ignored; key 7 here.
  absl::StatusOr<Value> r = DecodeMsgpack(std::string("\xc7\x05\x0c\x82\x01\xc2\x07\xc3", 8), Type::String());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->refinements().not_null);
}

TEST(MsgpackDecode, InfiniteNumberBoundIsOpen) {
  std::string bytes("\xc7\x0f\x0c\x82\x01\xc2\x03\x92\xcb\xff\xf0\0\0\0\0\0\0\xc3", 18);
  absl::StatusOr<Value> v = DecodeMsgpack(bytes, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->refinements().not_null);
  EXPECT_FALSE(v->refinements().number_lower.has_value());
}

TEST(MsgpackDecode, RejectsWrongShapesNamingThePath) {
  Type t = ClusterType();
  Value wrong = SampleCluster(Value::Null(Type::Dynamic()));
  // Encode with a type whose extension name is a number, decode as the real type.
  Type bad_ext = Type::Object({{"name", Type::Number()}, {"version", Type::Number()}, {"enabled", Type::Bool()}});
  std::map<std::string, Type> attrs = t.attribute_types();
  attrs["cuda_extensions"] = Type::List(bad_ext);
  Type bad = Type::Object(attrs);
  std::map<std::string, Value> values = wrong.Attributes();
  values["cuda_extensions"] = Value::List(bad_ext, {Value::Object(bad_ext, {{"name", Value::Int(1)}})});
  absl::StatusOr<std::string> bytes = EncodeMsgpack(Value::Object(bad, values), bad);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<Value> v = DecodeMsgpack(*bytes, t);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), ".cuda_extensions[0].name: expected string");
}

TEST(MsgpackDecode, RejectsMissingAndUnknownAttributes) {
  Type t = Type::Object({{"id", Type::String()}, {"n", Type::Number()}});
  absl::StatusOr<Value> missing = DecodeMsgpack(std::string("\x81\xa2id\xa1x", 6), t);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("\"n\""), absl::string_view::npos);
  absl::StatusOr<Value> extra = DecodeMsgpack(std::string("\x83\xa2id\xa1x\xa1n\x01\xa1z\x02", 12), t);
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("unsupported attribute \"z\""), absl::string_view::npos);
}

TEST(MsgpackDecode, RejectsBadExtAndTrailingBytes) {
  // Refined unknown whose payload is not a map.
  EXPECT_FALSE(DecodeMsgpack(std::string("\xc7\x02\x0c\x01\x02", 5), Type::String()).ok());
  // Refinement payload {2: str16 of n bytes} is 5+n bytes: 1024 is the limit.
  auto refined = [](size_t n) {
    size_t payload = 5 + n;
    std::string b = "\xc8";
    b += static_cast<char>(payload >> 8);
    b += static_cast<char>(payload & 0xff);
    b += std::string("\x0c\x81\x02\xda", 4);
    b += static_cast<char>(n >> 8);
    b += static_cast<char>(n & 0xff);
    return b + std::string(n, 'a');
  };
  absl::StatusOr<Value> at_limit = DecodeMsgpack(refined(1019), Type::String());
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  EXPECT_EQ(at_limit->refinements().string_prefix->size(), 1019u);
  absl::StatusOr<Value> over = DecodeMsgpack(refined(1020), Type::String());
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("too large"), absl::string_view::npos);
  // Nullness refinement of the wrong kind.
  EXPECT_FALSE(DecodeMsgpack(std::string("\xc7\x03\x0c\x81\x01\x05", 6), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(std::string("\xa1x\xa1y", 4), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack("", Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(std::string("\xc1", 1), Type::String()).ok());  // never-used code
  // Infinity is not representable as an exact decimal.
  EXPECT_FALSE(DecodeMsgpack(std::string("\xcb\x7f\xf0\0\0\0\0\0\0", 9), Type::Number()).ok());
}

TEST(MsgpackDecode, TruncatedAtEveryOffsetFails) {
  Type t = ClusterType();
  std::vector<std::pair<Value, Type>> samples = {
      {SampleCluster(SampleCluster(Value::String("deep"))), t},
      {Value::Unknown(Type::Number(), Refinements{.not_null = true, .number_lower = Num("0.5")}), Type::Number()},
      {Value::NumberVal(Num("1e400")), Type::Number()},
  };
  for (const auto& [value, type] : samples) {
    absl::StatusOr<std::string> bytes = EncodeMsgpack(value, type);
    ASSERT_TRUE(bytes.ok());
    for (size_t cut = 0; cut < bytes->size(); ++cut) {
      absl::StatusOr<Value> v = DecodeMsgpack(std::string_view(*bytes).substr(0, cut), type);
      EXPECT_FALSE(v.ok()) << "cut at " << cut;
      if (!v.ok()) {
        EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
      }
    }
  }
}

TEST(MsgpackDecode, HugeDeclaredLengthsInShortInputFail) {
  for (std::string bytes : {std::string("\xdd\xff\xff\xff\xff\x01", 6),   // array32 of 4G elements
                            std::string("\xdf\xff\xff\xff\xff\x01\x02", 7),  // map32
                            std::string("\xdb\xff\xff\xff\xff" "ab", 7),     // str32
                            std::string("\xc6\xff\xff\xff\xff" "ab", 7),     // bin32
                            std::string("\xc9\xff\xff\xff\xff\x0c\x80", 7)}) {  // ext32
    EXPECT_FALSE(DecodeMsgpack(bytes, Type::List(Type::Number())).ok());
    EXPECT_FALSE(DecodeMsgpack(bytes, Type::Dynamic()).ok());
  }
}

TEST(MsgpackDecode, DeepNestingIsRejected) {
  std::string deep(10000, '\x91');
  deep += '\x01';
  Type t = Type::Number();
  for (int i = 0; i < 300; ++i) t = Type::List(t);
  EXPECT_FALSE(DecodeMsgpack(deep, t).ok());
  EXPECT_FALSE(DecodeMsgpack(deep, Type::Dynamic()).ok());
  // Nested dynamic wrappers with a nil at the bottom.
  std::string wrappers;
  for (int i = 0; i < 10000; ++i) wrappers += std::string("\x92\xa9\"dynamic\"", 11);
  wrappers += '\xc0';
  EXPECT_FALSE(DecodeMsgpack(wrappers, Type::Dynamic()).ok());
  // 200 levels is fine.
  std::string ok(200, '\x91');
  ok += '\x01';
  Type t200 = Type::Number();
  for (int i = 0; i < 200; ++i) t200 = Type::List(t200);
  EXPECT_TRUE(DecodeMsgpack(ok, t200).ok());
}

TEST(MsgpackEncode, RejectsNonConformingValues) {
  Type t = Type::Object({{"id", Type::String()}});
  absl::StatusOr<std::string> bad = EncodeMsgpack(Value::Object(t, {{"id", Value::Int(1)}}), t);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), ".id: expected string");
  EXPECT_FALSE(EncodeMsgpack(Value::Tuple({Value::Int(1)}), Type::Tuple({})).ok());
}

}  // namespace
}  // namespace dcs::cty
