// JSON encoding of cty values (DynamicValue.json, RawState.json).
#ifndef DCS_SDK_CTY_JSON_CODEC_H_
#define DCS_SDK_CTY_JSON_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sdk/cty/type.h"
#include "sdk/cty/value.h"

namespace dcs::cty {

// Encodes a wholly known value. Numbers are written exactly in plain decimal;
// Dynamic slots are written as {"value":…, "type":…}. Unknowns → InvalidArgument.
absl::StatusOr<std::string> EncodeJson(const Value& value, const Type& type);

// Decodes JSON for `type`, go-cty style: numbers parsed exactly (never via
// double); missing object attributes → null; unknown attributes → error,
// unless `ignore_unknown_attributes` (used for RawState written by an older
// schema); strings accepted for number/bool and numbers/bools for string.
absl::StatusOr<Value> DecodeJson(std::string_view text, const Type& type,
                                 bool ignore_unknown_attributes = false);

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_JSON_CODEC_H_
