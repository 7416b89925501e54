// UTF-8 well-formedness, shared by every layer that cuts or checks text
// which ends up in a diagnostic or a protobuf string (both must be valid
// UTF-8: protobuf refuses to serialise anything else).
#ifndef DCS_BASE_UTF8_H_
#define DCS_BASE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace dcs {

// Length of the well-formed UTF-8 sequence starting at s[i] (1..4), or 0 when
// the bytes there are not one (overlong forms, surrogates and code points
// above U+10FFFF are not well-formed). REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace dcs

#endif  // DCS_BASE_UTF8_H_
