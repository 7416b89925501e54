#include "resources/compat/version.h"

#include <cctype>
#include <regex>

namespace dcs::compat {
namespace {

const std::regex& SuffixPattern() {
  static const std::regex re(R"(^(([.-]?(post|dev|rc|a|b)[0-9]*)*)(\+[A-Za-z0-9.]+)?$)");
  return re;
}

}  // namespace

std::optional<Version> Version::Parse(std::string_view text) {
  Version v;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 9) return std::nullopt;
    v.parts.push_back(std::stol(std::string(text.substr(start, i - start))));
    if (v.parts.size() > 4) return std::nullopt;
    if (i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      ++i;
      continue;
    }
    break;
  }
  v.suffix = std::string(text.substr(i));
  // The seed writes toolkit rows as "12.4.x"; accept that spelling as "12.4".
  if (v.suffix == ".x" && v.parts.size() >= 2) v.suffix.clear();
  if (!v.suffix.empty() && !std::regex_match(v.suffix, SuffixPattern())) return std::nullopt;
  return v;
}

int Version::Compare(const Version& other) const {
  for (size_t i = 0; i < std::max(parts.size(), other.parts.size()); ++i) {
    long a = i < parts.size() ? parts[i] : 0;
    long b = i < other.parts.size() ? other.parts[i] : 0;
    if (a != b) return a < b ? -1 : 1;
  }
  return 0;
}

bool Version::StartsWith(const Version& prefix) const {
  if (prefix.parts.size() > parts.size()) return false;
  for (size_t i = 0; i < prefix.parts.size(); ++i) {
    if (parts[i] != prefix.parts[i]) return false;
  }
  return true;
}

std::string Version::MajorMinor() const {
  return std::to_string(parts[0]) + "." + std::to_string(parts.size() > 1 ? parts[1] : 0);
}

}  // namespace dcs::compat
