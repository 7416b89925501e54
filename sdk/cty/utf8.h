// UTF-8 checks for text that crosses the plugin boundary: protobuf refuses to
// serialise a string field holding invalid UTF-8 (the whole reply fails), and
// go-cty strings are Unicode, so invalid bytes are caught where they enter.
#ifndef DCS_SDK_CTY_UTF8_H_
#define DCS_SDK_CTY_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/utf8.h"

namespace dcs::cty {

using ::dcs::Utf8SequenceLength;  // base/utf8.h

// True when every byte of `s` belongs to a well-formed UTF-8 sequence.
bool IsValidUtf8(std::string_view s);

// `s` with every byte that is not part of a well-formed sequence replaced by
// U+FFFD; `s` itself when it is already valid.
std::string ScrubUtf8(std::string_view s);

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_UTF8_H_
