#include "sdk/cty/msgpack_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dcs::cty {
namespace {

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  int nibble = -1;
  for (char c : hex) {
    if (c == ' ' || c == '|') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : c - 'a' + 10;
    if (nibble < 0) {
      nibble = v;
    } else {
      out += static_cast<char>(nibble * 16 + v);
      nibble = -1;
    }
  }
  return out;
}

Number Num(std::string_view text) { return *Number::Parse(text); }

struct Golden {
  std::string name;
  Value value;
  Type type;
  std::string hex;
};

Refinements NotNull() {
  Refinements r;
  r.not_null = true;
  return r;
}

// Byte examples of cty's msgpack encoding (go-cty's cty/msgpack: unknowns as
// extension 0, refined unknowns as extension 12, dynamic values as [type JSON, value]),
// plus number forms.
std::vector<Golden> GoldenVectors() {
  Type obj = Type::Object({{"id", Type::String()}, {"n", Type::Number()}});
  Refinements prefix = NotNull();
  prefix.string_prefix = "ab";
  Refinements lower = NotNull();
  lower.number_lower = Number::FromInt64(0);
  Refinements length = NotNull();
  length.length_min = 1;
  length.length_max = 3;
  return {
      {"str", Value::String("hi"), Type::String(), "a2 68 69"},
      {"fixint", Value::Int(42), Type::Number(), "2a"},
      {"uint8", Value::Int(200), Type::Number(), "cc c8"},
      {"negfixint", Value::Int(-1), Type::Number(), "ff"},
      {"float", Value::NumberVal(Num("1.5")), Type::Number(), "cb 3f f8 00 00 00 00 00 00"},
      {"true", Value::Bool(true), Type::Bool(), "c3"},
      {"false", Value::Bool(false), Type::Bool(), "c2"},
      {"null", Value::Null(Type::String()), Type::String(), "c0"},
      {"list", Value::List(Type::String(), {Value::String("a"), Value::String("b")}),
       Type::List(Type::String()), "92 a1 61 a1 62"},
      {"set", Value::Set(Type::String(), {Value::String("a"), Value::String("b")}),
       Type::Set(Type::String()), "92 a1 61 a1 62"},
      {"map", Value::Map(Type::Number(), {{"k", Value::Int(1)}}), Type::Map(Type::Number()), "81 a1 6b 01"},
      {"object", Value::Object(obj, {{"id", Value::String("abc")}, {"n", Value::Int(5)}}), obj,
       "82 a2 69 64 a3 61 62 63 a1 6e 05"},
      {"dynamic_string", Value::String("hi"), Type::Dynamic(),
       "92 c4 08 22 73 74 72 69 6e 67 22 a2 68 69"},
      {"dynamic_list", Value::List(Type::String(), {Value::String("a")}), Type::Dynamic(),
       "92 c4 11 5b 22 6c 69 73 74 22 2c 22 73 74 72 69 6e 67 22 5d 91 a1 61"},
      {"unknown", Value::Unknown(Type::String()), Type::String(), "d4 00 00"},
      {"unknown_not_null", Value::Unknown(Type::String(), NotNull()), Type::String(), "c7 03 0c 81 01 c2"},
      {"unknown_prefix", Value::Unknown(Type::String(), prefix), Type::String(),
       "c7 07 0c 82 01 c2 02 a2 61 62"},
      {"unknown_lower", Value::Unknown(Type::Number(), lower), Type::Number(), "c7 07 0c 82 01 c2 03 92 00 c3"},
      {"unknown_length", Value::Unknown(Type::List(Type::String()), length), Type::List(Type::String()),
       "c7 07 0c 83 01 c2 05 01 06 03"},
      {"unknown_dynamic", Value::Unknown(Type::Dynamic(), NotNull()), Type::Dynamic(), "d4 00 00"},
      {"null_dynamic", Value::Null(Type::Dynamic()), Type::Dynamic(), "c0"},
      {"null_string_in_dynamic", Value::Null(Type::String()), Type::Dynamic(),
       "92 c4 08 22 73 74 72 69 6e 67 22 c0"},
      {"int64_min", Value::Int(INT64_MIN), Type::Number(), "d3 80 00 00 00 00 00 00 00"},
      {"uint16", Value::Int(65535), Type::Number(), "cd ff ff"},
      {"uint32", Value::Int(65536), Type::Number(), "ce 00 01 00 00"},
      {"int8", Value::Int(-33), Type::Number(), "d0 df"},
      // 2^63 does not fit int64 but is exactly a float64.
      {"two_pow_63", Value::NumberVal(Num("9223372036854775808")), Type::Number(),
       "cb 43 e0 00 00 00 00 00 00"},
      // 2^64 is exactly a float64 too (go-cty writes float64, not a string).
      {"two_pow_64", Value::NumberVal(Num("18446744073709551616")), Type::Number(),
       "cb 43 f0 00 00 00 00 00 00"},
      {"big_string", Value::NumberVal(Num("18446744073709551617")), Type::Number(),
       "b4 31 38 34 34 36 37 34 34 30 37 33 37 30 39 35 35 31 36 31 37"},
      {"float_0_1", Value::NumberVal(Number::FromDouble(0.1)), Type::Number(), "cb 3f b9 99 99 99 99 99 9a"},
  };
}

TEST(MsgpackGolden, EncodesEveryReferenceExample) {
  for (const Golden& g : GoldenVectors()) {
    absl::StatusOr<std::string> bytes = EncodeMsgpack(g.value, g.type);
    ASSERT_TRUE(bytes.ok()) << g.name << ": " << bytes.status();
    EXPECT_EQ(Hex(*bytes), g.hex) << g.name;
  }
}

TEST(MsgpackGolden, DecodesEveryReferenceExample) {
  for (const Golden& g : GoldenVectors()) {
    absl::StatusOr<Value> v = DecodeMsgpack(Unhex(g.hex), g.type);
    ASSERT_TRUE(v.ok()) << g.name << ": " << v.status();
    Value expected = g.value;
    // Refinements of a dynamic-typed unknown are never kept.
    if (!expected.IsKnown() && expected.type().IsDynamic()) expected = Value::Unknown(Type::Dynamic());
    EXPECT_TRUE(v->Equals(expected)) << g.name << ": " << v->DebugString() << " vs " << expected.DebugString();
  }
}

TEST(MsgpackGolden, BigNumbersAreDecimalStrings) {
  for (std::string text : {std::string("0.1000000000000000000001"), "1" + std::string(400, '0'),
                           std::string("-18446744073709551617")}) {
    absl::StatusOr<std::string> bytes = EncodeMsgpack(Value::NumberVal(Num(text)), Type::Number());
    ASSERT_TRUE(bytes.ok());
    unsigned char first = static_cast<unsigned char>((*bytes)[0]);
    EXPECT_TRUE((first & 0xe0) == 0xa0 || first == 0xd9 || first == 0xda) << Hex(*bytes);
    EXPECT_NE(bytes->find(text), std::string::npos);
    absl::StatusOr<Value> back = DecodeMsgpack(*bytes, Type::Number());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->AsNumber().ToString(), text);
  }
}

}  // namespace
}  // namespace dcs::cty
