// MessagePack encoding of cty values (DynamicValue.msgpack), as go-cty does it.
// Built on msgpack-cxx for the wire primitives.
#ifndef DCS_SDK_CTY_MSGPACK_CODEC_H_
#define DCS_SDK_CTY_MSGPACK_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sdk/cty/type.h"
#include "sdk/cty/value.h"

namespace dcs::cty {

// Encodes `value` as `type` (the schema type: Dynamic slots get the
// [type-json, value] wrapper). Objects are written with sorted keys; numbers
// as int / float64 / decimal string per the protocol rules; unknowns as
// ext 0 (d4 00 00) or ext 12 with refinements.
// Returns InvalidArgument if the value does not conform to `type`.
absl::StatusOr<std::string> EncodeMsgpack(const Value& value, const Type& type);

// Decodes bytes written for `type`. Accepts every msgpack format of a family
// (fixint … uint64, float32/64, decimal strings for numbers, str or bin type
// JSON in dynamic wrappers, any unknown ext form). Never crashes on malformed
// input: returns InvalidArgument with the offending path. Input is bounded by
// its size; nesting deeper than 256 levels is rejected.
absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type);

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_MSGPACK_CODEC_H_
