// cty numbers: exact, arbitrary-precision decimals.
//
// Terraform numbers are big floats; we keep the exact decimal text so nothing
// is lost between decode and encode. A float64 received on the wire becomes
// its *exact* decimal expansion, so re-encoding yields the same float64.
#ifndef DCS_SDK_CTY_NUMBER_H_
#define DCS_SDK_CTY_NUMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dcs::cty {

class Number {
 public:
  Number();  // zero
  static Number FromInt64(int64_t v);
  static Number FromUint64(uint64_t v);
  // Exact decimal expansion of `v`. REQUIRES: v is finite.
  static Number FromDouble(double v);
  // Accepts plain decimals ("-12", "0.5", "1.50") and exponent forms ("1e3",
  // "2.5E-2"). Returns InvalidArgument for anything else (incl. inf/nan).
  static absl::StatusOr<Number> Parse(std::string_view text);

  // Canonical plain decimal: no exponent, no leading zeros, no trailing
  // fractional zeros, "0" for zero, "-" only for negatives.
  const std::string& ToString() const { return text_; }

  bool IsInteger() const;
  // Set when the value is an integer that fits.
  std::optional<int64_t> ToInt64() const;
  std::optional<uint64_t> ToUint64() const;
  // Nearest double (may round).
  double ToDouble() const;
  // Set when the decimal is exactly representable as an IEEE float64.
  std::optional<double> ToExactDouble() const;

  bool operator==(const Number& o) const { return text_ == o.text_; }
  bool operator!=(const Number& o) const { return text_ != o.text_; }
  // Numeric ordering.
  bool operator<(const Number& o) const;

 private:
  explicit Number(std::string canonical) : text_(std::move(canonical)) {}
  std::string text_;
};

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_NUMBER_H_
