#include "sdk/cty/number.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dcs::cty {
namespace {

// Canonical texts longer than this are rejected by Parse so a tiny input like
// "1e999999999" cannot make us allocate gigabytes. The exact expansion of the
// smallest float64 subnormal needs ~1100 characters, so this is generous.
constexpr size_t kMaxCanonicalLength = 20000;

// Renders sign * digits * 10^exponent canonically. `digits` has no leading
// zeros; trailing zeros are stripped here.
std::string Render(bool negative, std::string digits, int64_t exponent) {
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (digits.empty()) return "0";
  std::string out = negative ? "-" : "";
  if (exponent >= 0) {
    out += digits;
    out.append(static_cast<size_t>(exponent), '0');
    return out;
  }
  size_t frac = static_cast<size_t>(-exponent);
  if (digits.size() > frac) {
    out += digits.substr(0, digits.size() - frac);
    out += '.';
    out += digits.substr(digits.size() - frac);
  } else {
    out += "0.";
    out.append(frac - digits.size(), '0');
    out += digits;
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Integer and fractional digit strings of a canonical magnitude (no sign).
void Split(std::string_view magnitude, std::string_view& int_part, std::string_view& frac_part) {
  size_t dot = magnitude.find('.');
  int_part = magnitude.substr(0, dot);
  frac_part = dot == std::string_view::npos ? std::string_view() : magnitude.substr(dot + 1);
}

// -1, 0, 1 comparing two canonical non-negative magnitudes.
int CompareMagnitude(std::string_view a, std::string_view b) {
  std::string_view ai, af, bi, bf;
  Split(a, ai, af);
  Split(b, bi, bf);
  if (ai.size() != bi.size()) return ai.size() < bi.size() ? -1 : 1;
  if (int c = ai.compare(bi); c != 0) return c < 0 ? -1 : 1;
  // Fractions carry no trailing zeros, so plain lexicographic order is numeric.
  if (int c = af.compare(bf); c != 0) return c < 0 ? -1 : 1;
  return 0;
}

}  // namespace

Number::Number() : text_("0") {}

Number Number::FromInt64(int64_t v) { return Number(std::to_string(v)); }
Number Number::FromUint64(uint64_t v) { return Number(std::to_string(v)); }

Number Number::FromDouble(double v) {
  if (!std::isfinite(v)) return Number();
  // Fixed notation with 1074 fractional digits is exact for every float64
  // (the smallest subnormal is 2^-1074); to_chars is locale-independent.
  char buf[1500];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, 1074);
  if (ec != std::errc()) return Number();
  absl::StatusOr<Number> n = Parse(std::string_view(buf, end - buf));
  return n.ok() ? *n : Number();
}

absl::StatusOr<Number> Number::Parse(std::string_view text) {
  auto bad = [&]() {
    return absl::InvalidArgumentError(absl::StrCat("invalid number \"", std::string(text.substr(0, 64)), "\""));
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int64_t exponent = 0;
  size_t mantissa_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i, ++mantissa_digits) {
    if (!digits.empty() || text[i] != '0') digits += text[i];
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i, ++mantissa_digits) {
      if (!digits.empty() || text[i] != '0') digits += text[i];
      --exponent;
    }
  }
  if (mantissa_digits == 0) return bad();
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i == text.size()) return bad();
    int64_t e = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      // Saturate: anything this large is rejected below (or is zero).
      if (e < 1000000000) e = e * 10 + (text[i] - '0');
    }
    exponent += exp_negative ? -e : e;
  }
  if (i != text.size()) return bad();
  if (digits.empty()) return Number();
  int64_t length = static_cast<int64_t>(digits.size()) + std::abs(exponent) + 2;
  if (length > static_cast<int64_t>(kMaxCanonicalLength)) {
    return absl::InvalidArgumentError(absl::StrCat("number \"", std::string(text.substr(0, 64)), "\" is too large to represent"));
  }
  return Number(Render(negative, std::move(digits), exponent));
}

bool Number::IsInteger() const { return text_.find('.') == std::string::npos; }

std::optional<int64_t> Number::ToInt64() const {
  if (!IsInteger()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (ec != std::errc() || ptr != text_.data() + text_.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> Number::ToUint64() const {
  if (!IsInteger() || text_[0] == '-') return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (ec != std::errc() || ptr != text_.data() + text_.size()) return std::nullopt;
  return v;
}

double Number::ToDouble() const {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // Overflow when there is a non-zero integer part, underflow otherwise.
    bool negative = text_[0] == '-';
    bool huge = text_.rfind(negative ? "-0." : "0.", 0) != 0;
    double magnitude = huge ? HUGE_VAL : 0.0;
    return negative ? -magnitude : magnitude;
  }
  return v;
}

std::optional<double> Number::ToExactDouble() const {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  // from_chars rounds correctly, so the decimal is a float64 iff the nearest
  // float64 expands back to exactly the same text.
  if (FromDouble(v).text_ != text_) return std::nullopt;
  return v;
}

bool Number::operator<(const Number& o) const {
  bool a_negative = text_[0] == '-';
  bool b_negative = o.text_[0] == '-';
  if (a_negative != b_negative) return a_negative;
  std::string_view a = text_, b = o.text_;
  if (a_negative) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  int c = CompareMagnitude(a, b);
  return a_negative ? c > 0 : c < 0;
}

}  // namespace dcs::cty
