#include "sdk/cty/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace dcs::cty {
namespace {

std::string Canon(std::string_view text) {
  absl::StatusOr<Number> n = Number::Parse(text);
  return n.ok() ? n->ToString() : "ERROR";
}

TEST(Number, ParseCanonicalises) {
  EXPECT_EQ(Canon("0"), "0");
  EXPECT_EQ(Canon("-0"), "0");
  EXPECT_EQ(Canon("-0.000"), "0");
  EXPECT_EQ(Canon("007"), "7");
  EXPECT_EQ(Canon("1.50"), "1.5");
  EXPECT_EQ(Canon("-12"), "-12");
  EXPECT_EQ(Canon("0.5"), "0.5");
  EXPECT_EQ(Canon("1e3"), "1000");
  EXPECT_EQ(Canon("2.5E-2"), "0.025");
  EXPECT_EQ(Canon("-1.25e+1"), "-12.5");
  EXPECT_EQ(Canon("123.456e1"), "1234.56");
  EXPECT_EQ(Canon("0e999999999999"), "0");
  EXPECT_EQ(Canon("1e400"), "1" + std::string(400, '0'));
  EXPECT_EQ(Canon("1e-5"), "0.00001");
}

TEST(Number, ParseRejectsGarbage) {
  for (const char* bad : {"", "-", "abc", "1.2.3", "1e", "1e+", "inf", "nan", "NaN", "Infinity", "0x10",
                          "1 ", " 1", "1e99999999999"}) {
    EXPECT_FALSE(Number::Parse(bad).ok()) << bad;
  }
}

TEST(Number, IntegerConversions) {
  EXPECT_EQ(Number::FromInt64(INT64_MIN).ToString(), "-9223372036854775808");
  EXPECT_EQ(Number::FromUint64(UINT64_MAX).ToString(), "18446744073709551615");
  EXPECT_EQ(Number::FromInt64(INT64_MIN).ToInt64(), INT64_MIN);
  EXPECT_FALSE(Number::Parse("9223372036854775808")->ToInt64().has_value());
  EXPECT_EQ(Number::Parse("9223372036854775808")->ToUint64(), 9223372036854775808ull);
  EXPECT_FALSE(Number::Parse("18446744073709551616")->ToUint64().has_value());
  EXPECT_FALSE(Number::Parse("-1")->ToUint64().has_value());
  EXPECT_FALSE(Number::Parse("1.5")->ToInt64().has_value());
  EXPECT_TRUE(Number::Parse("1e3")->IsInteger());
  EXPECT_FALSE(Number::Parse("0.1")->IsInteger());
}

TEST(Number, FromDoubleIsExact) {
  EXPECT_EQ(Number::FromDouble(0.1).ToString(), "0.1000000000000000055511151231257827021181583404541015625");
  EXPECT_EQ(Number::FromDouble(1.5).ToString(), "1.5");
  EXPECT_EQ(Number::FromDouble(-0.0).ToString(), "0");
  EXPECT_EQ(Number::FromDouble(1e21).ToString(), "1000000000000000000000");
  std::string tiny = Number::FromDouble(std::numeric_limits<double>::denorm_min()).ToString();
  EXPECT_EQ(tiny.size(), 2u + 1074u);
  EXPECT_EQ(tiny.substr(tiny.size() - 5), "65625");
}

TEST(Number, ExactDouble) {
  EXPECT_EQ(Number::Parse("1.5")->ToExactDouble(), 1.5);
  EXPECT_EQ(Number::FromDouble(0.1).ToExactDouble(), 0.1);
  EXPECT_FALSE(Number::Parse("0.1")->ToExactDouble().has_value());
  EXPECT_EQ(Number::Parse("18446744073709551616")->ToExactDouble(), 18446744073709551616.0);
  EXPECT_FALSE(Number::Parse("18446744073709551617")->ToExactDouble().has_value());
  EXPECT_FALSE(Number::Parse("1e400")->ToExactDouble().has_value());
  EXPECT_DOUBLE_EQ(Number::Parse("0.1")->ToDouble(), 0.1);
  EXPECT_TRUE(std::isinf(Number::Parse("1e400")->ToDouble()));
  EXPECT_EQ(Number::Parse("-1e-400")->ToDouble(), 0.0);
}

TEST(Number, NumericOrdering) {
  auto lt = [](const char* a, const char* b) { return *Number::Parse(a) < *Number::Parse(b); };
  EXPECT_TRUE(lt("-2", "-1"));
  EXPECT_TRUE(lt("-1", "0"));
  EXPECT_TRUE(lt("0", "0.001"));
  EXPECT_TRUE(lt("0.12", "0.2"));
  EXPECT_TRUE(lt("9", "10"));
  EXPECT_TRUE(lt("-10", "-9.5"));
  EXPECT_TRUE(lt("1.5", "1.55"));
  EXPECT_TRUE(lt("18446744073709551615", "18446744073709551616"));
  EXPECT_FALSE(lt("1", "1"));
  EXPECT_FALSE(lt("2", "1.99"));
  EXPECT_FALSE(lt("-0.5", "-0.75"));
}

}  // namespace
}  // namespace dcs::cty
