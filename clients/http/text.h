// Small std::string_view helpers. Debian's abseil keeps its own string_view
// type (not std::string_view), so absl/strings functions do not accept ours.
#ifndef DCS_CLIENTS_HTTP_TEXT_H_
#define DCS_CLIENTS_HTTP_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace dcs::http::text {

// Without leading/trailing spaces, tabs, CR and LF.
std::string_view Trim(std::string_view s);
// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// ASCII lower case.
std::string Lower(std::string_view s);
// Splits on every `sep`; "" gives one empty piece.
std::vector<std::string_view> Split(std::string_view s, char sep);
// True when `s` begins with `prefix` / ends with `suffix`.
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// At most `max_bytes` of `s` for an error message, cut at a character
// boundary and with every byte that is not well-formed UTF-8 replaced by
// U+FFFD, plus "…" when something was cut. Error bodies end up in Terraform
// diagnostics, and protobuf refuses to serialise a reply holding invalid
// UTF-8 (the user would see an RPC error instead of the API's message).
std::string Utf8Prefix(std::string_view s, size_t max_bytes);

}  // namespace dcs::http::text

#endif  // DCS_CLIENTS_HTTP_TEXT_H_
