// A `timeouts { create = "30m" … }` block shared by resources with long waits,
// in the Go duration syntax Terraform users know ("90s", "1h30m", "2m30s").
#ifndef DCS_RESOURCES_TIMEOUTS_H_
#define DCS_RESOURCES_TIMEOUTS_H_

#include <chrono>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "provider/cty/value.h"
#include "provider/framework/validators.h"
#include "provider/schema/schema.h"

namespace dcs::resources {

// Parses a Go-style duration: one or more <number><unit> with units
// ms, s, m, h (e.g. "45s", "1h30m", "1.5h"); positive only. InvalidArgument
// naming the problem otherwise.
absl::StatusOr<std::chrono::milliseconds> ParseDuration(const std::string& text);

// Validator for ParseDuration syntax.
framework::ValidatorPtr DurationString();

// The optional single nested block "timeouts" with one optional string
// attribute per operation; `defaults` maps operation → default text, used in
// the descriptions (e.g. {{"create", "30m"}}).
schema::NestedBlock TimeoutsBlock(const std::map<std::string, std::string>& defaults);

// The timeout of `operation` from `object`'s timeouts block, or `fallback`
// when the block or the attribute is null/unknown/unparsable (the validator
// reports bad text at plan time).
std::chrono::milliseconds TimeoutOf(const cty::Value& object, const std::string& operation,
                                    std::chrono::milliseconds fallback);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_TIMEOUTS_H_
