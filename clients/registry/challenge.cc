#include "clients/registry/challenge.h"

#include <cctype>

namespace dcs::registry {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool TokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) !=
                                                           std::string_view::npos;
}

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string ReadToken(std::string_view s, size_t& i) {
  size_t start = i;
  while (i < s.size() && TokenChar(s[i])) ++i;
  return std::string(s.substr(start, i - start));
}

std::string ReadQuoted(std::string_view s, size_t& i) {
  std::string out;
  ++i;  // opening quote
  while (i < s.size() && s[i] != '"') {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i++]);
  }
  if (i < s.size()) ++i;  // closing quote
  return out;
}

}  // namespace

std::vector<Challenge> ParseChallenges(std::string_view s) {
  std::vector<Challenge> out;
  size_t i = 0;
  while (i < s.size()) {
    SkipSpace(s, i);
    while (i < s.size() && s[i] == ',') ++i;
    SkipSpace(s, i);
    std::string word = ReadToken(s, i);
    if (word.empty()) break;
    SkipSpace(s, i);
    if (i < s.size() && s[i] == '=' && !out.empty()) {  // a parameter of the last challenge
      ++i;
      SkipSpace(s, i);
      std::string value = (i < s.size() && s[i] == '"') ? ReadQuoted(s, i) : ReadToken(s, i);
      out.back().params[Lower(word)] = value;
      SkipSpace(s, i);
      if (i < s.size() && s[i] == ',') ++i;
      continue;
    }
    out.push_back(Challenge{Lower(word), {}});
  }
  return out;
}

}  // namespace dcs::registry
