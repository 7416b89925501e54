#include "clients/registry/reference.h"

#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dcs::registry {
namespace {

bool LowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool Hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool ValidComponent(std::string_view c) {
  if (c.empty() || !LowerAlnum(c.front()) || !LowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (LowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !LowerAlnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host[:port]: DNS labels (letters of either case, digits, '-') or [IPv6].
bool ValidDomain(std::string_view d) {
  std::string_view host = d, port;
  if (!d.empty() && d[0] == '[') {
    size_t close = d.find(']');
    if (close == std::string_view::npos) return false;
    host = d.substr(1, close - 1);
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return false;
    std::string_view rest = d.substr(close + 1);
    if (rest.empty()) return true;
    if (rest[0] != ':') return false;
    port = rest.substr(1);
  } else if (size_t colon = d.find(':'); colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (port.empty()) return false;
  } else if (host.empty()) {
    return false;
  }
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  if (d[0] == '[') return true;
  if (host.empty() || host.front() == '-' || host.front() == '.' || host.back() == '.') return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid image reference \"", std::string(text), "\": ", std::string(why)));
}

// Splits "name" into domain and path with Docker's rules.
void SplitDomain(std::string_view name, std::string& domain, std::string& path) {
  const size_t slash = name.find('/');
  std::string_view first = name.substr(0, slash);
  if (slash != std::string_view::npos &&
      (first == "localhost" || first.find_first_of(".:") != std::string_view::npos ||
       std::any_of(first.begin(), first.end(), [](char c) { return std::isupper(c); }))) {
    domain = std::string(first);
    path = std::string(name.substr(slash + 1));
  } else {
    domain = kDockerHubDomain;
    path = std::string(name);
  }
  if (domain == "index.docker.io") domain = kDockerHubDomain;
  if (domain == kDockerHubDomain && path.find('/') == std::string::npos) path = "library/" + path;
}

}  // namespace

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag[0])) return false;
  for (char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool ValidDigest(std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view algo = digest.substr(0, colon), hex = digest.substr(colon + 1);
  for (char c : algo) {
    if (!LowerAlnum(c) && c != '+' && c != '.' && c != '_' && c != '-') return false;
  }
  if (!std::all_of(hex.begin(), hex.end(), Hex)) return false;
  return algo == "sha256" ? hex.size() == 64 : (algo == "sha512" ? hex.size() == 128 : hex.size() >= 32);
}

std::string Reference::ApiHost() const {
  return domain == kDockerHubDomain ? kDockerHubApiHost : domain;
}

std::string Reference::String() const {
  std::string s = Repository();
  if (!tag.empty()) absl::StrAppend(&s, ":", tag);
  if (!digest.empty()) absl::StrAppend(&s, "@", digest);
  return s;
}

absl::StatusOr<Reference> ParseReference(std::string_view text) {
  if (text.empty()) return Invalid(text, "reference is empty");
  std::string_view name = text;
  Reference ref;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (!ValidDigest(ref.digest)) {
      return Invalid(text, "invalid digest (expected sha256:<64 lower-case hex>)");
    }
  }
  const size_t last_slash = name.rfind('/');
  const size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (!ValidTag(ref.tag)) {
      return Invalid(text, "invalid tag (allowed: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    }
  }
  if (name.empty()) return Invalid(text, "repository name is empty");
  SplitDomain(name, ref.domain, ref.path);
  if (!ValidDomain(ref.domain)) return Invalid(text, "invalid registry host \"" + ref.domain + "\"");
  if (ref.path.size() > 255) return Invalid(text, "repository name longer than 255 characters");
  if (ref.path.size() == 64 + 8 && ref.path.rfind("library/", 0) == 0 &&
      std::all_of(ref.path.begin() + 8, ref.path.end(), Hex)) {
    return Invalid(text, "a 64-character hexadecimal string looks like an image ID, not a name");
  }
  size_t start = 0;
  while (true) {
    size_t end = ref.path.find('/', start);
    std::string_view comp = std::string_view(ref.path).substr(start, end - start);
    if (std::any_of(comp.begin(), comp.end(), [](char c) { return std::isupper(c); })) {
      return Invalid(text, "repository name must be lowercase");
    }
    if (!ValidComponent(comp)) {
      return Invalid(text, "invalid repository path component \"" + std::string(comp) + "\"");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace dcs::registry
