// Reusable attribute validators. Each is a small named class whose
// Description() feeds the generated docs.
#ifndef DCS_SDK_FRAMEWORK_VALIDATORS_H_
#define DCS_SDK_FRAMEWORK_VALIDATORS_H_

#include <memory>
#include <string>
#include <vector>

#include "sdk/framework/schema.h"

namespace dcs::framework {

using ValidatorPtr = std::shared_ptr<const schema::Validator>;

// String must be one of `allowed` (case-sensitive).
ValidatorPtr OneOf(std::vector<std::string> allowed);
// String must be a dotted numeric version: 1 to 4 components of digits, with
// an optional suffix after "+" or "-" (e.g. "12.4", "550.54.14", "2.7.4.post1"
// is allowed with `allow_post_suffix`).
ValidatorPtr VersionString(bool allow_post_suffix = false);
// String must fully match the ECMAScript regular expression.
ValidatorPtr MatchesRegex(std::string pattern, std::string explanation);
// Number must lie in [min, max].
ValidatorPtr IntBetween(int64_t min, int64_t max);
// Number (integer or not) must lie in [min, max].
ValidatorPtr NumberBetween(double min, double max);
// String length in bytes must lie in [min, max].
ValidatorPtr LengthBetween(size_t min, size_t max);

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_VALIDATORS_H_
