#include "clients/http/text.h"

#include "base/utf8.h"

namespace dcs::http::text {
namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string Utf8Prefix(std::string_view s, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  size_t copied = 0;  // s[copied, i) is well-formed and not yet in out: copied in runs, not per character
  while (i < s.size()) {
    const size_t n = Utf8SequenceLength(s, i);
    // A sequence cut by the end of a truncated body counts as cut, not invalid.
    if (i + (n == 0 ? 1 : n) > max_bytes) break;
    if (n == 0) {
      out.append(s.substr(copied, i - copied));
      out += "\xEF\xBF\xBD";
      copied = ++i;
    } else {
      i += n;
    }
  }
  out.append(s.substr(copied, i - copied));
  if (i < s.size()) out += "\xE2\x80\xA6";  // …
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace dcs::http::text
