#include "clients/buildcontext/dockerignore.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace dcs::buildcontext {
namespace {

using Token = IgnoreMatcher::Token;

// Debian's abseil has its own string_view type, so std::string_view helpers
// live here.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
                                   c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses "[...]" starting after '['; `i` ends after ']'.
absl::StatusOr<Token> ParseClass(std::string_view p, size_t& i) {
  Token t{Token::kClass};
  if (i < p.size() && p[i] == '^') {
    t.negated = true;
    ++i;
  }
  bool first = true;
  while (true) {
    if (i >= p.size()) return absl::InvalidArgumentError("unclosed '[' in pattern");
    char c = p[i];
    if (c == ']' && !first) {
      ++i;
      return t;
    }
    first = false;
    if (c == '\\') {
      if (++i >= p.size()) return absl::InvalidArgumentError("trailing '\\' in pattern");
      c = p[i];
    }
    ++i;
    char hi = c;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      hi = p[i + 1];
      if (hi == '\\') {
        if (i + 2 >= p.size()) return absl::InvalidArgumentError("trailing '\\' in pattern");
        hi = p[i + 2];
        ++i;
      }
      i += 2;
    }
    t.ranges.emplace_back(c, hi);
  }
}

bool ClassMatches(const Token& t, char c) {
  bool in = false;
  for (const auto& [lo, hi] : t.ranges) {
    if (c >= lo && c <= hi) in = true;
  }
  return in != t.negated;
}

}  // namespace

std::string CleanPath(std::string_view path) {
  const bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string_view> out;
  for (std::string_view part : Split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty() && out.back() != "..") {
        out.pop_back();
      } else if (!rooted) {
        out.push_back(part);
      }
      continue;
    }
    out.push_back(part);
  }
  std::string joined;
  for (std::string_view part : out) {
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  if (rooted) return "/" + joined;
  return joined.empty() ? "." : joined;
}

absl::StatusOr<std::vector<IgnoreRule>> ParseDockerignore(std::string_view text) {
  std::vector<IgnoreRule> rules;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (!line.empty() && line[0] == '#') continue;
    std::string_view p = Trim(line);
    if (p.empty()) continue;
    IgnoreRule rule;
    if (p[0] == '!') {
      rule.exception = true;
      p = Trim(p.substr(1));
      if (p.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(".dockerignore line ", line_no, ": illegal exclusion pattern \"!\""));
      }
    }
    std::string cleaned = CleanPath(p);
    if (cleaned.size() > 1 && cleaned[0] == '/') cleaned.erase(0, 1);
    rule.pattern = std::move(cleaned);
    rules.push_back(std::move(rule));
  }
  // Validate every pattern once, reporting the offending one.
  for (const IgnoreRule& r : rules) {
    auto ok = PatternMatches(r.pattern, ".");
    if (!ok.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(".dockerignore: bad pattern \"", r.pattern,
                                                     "\": ", ok.status().message()));
    }
  }
  return rules;
}

absl::StatusOr<std::vector<Token>> IgnoreMatcher::Compile(std::string_view p) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < p.size()) {
    char c = p[i++];
    if (c == '*') {
      if (i < p.size() && p[i] == '*') {
        ++i;
        if (i < p.size() && p[i] == '/') ++i;
        tokens.push_back(Token{i >= p.size() ? Token::kAnyRest : Token::kAnyDirs});
      } else {
        tokens.push_back(Token{Token::kStar});
      }
    } else if (c == '?') {
      tokens.push_back(Token{Token::kQuestion});
    } else if (c == '[') {
      DCS_ASSIGN_OR_RETURN(Token t, ParseClass(p, i));
      tokens.push_back(std::move(t));
    } else if (c == '\\') {
      if (i >= p.size()) return absl::InvalidArgumentError("trailing '\\' in pattern");
      tokens.push_back(Token{Token::kLiteral, p[i++]});
    } else {
      tokens.push_back(Token{Token::kLiteral, c});
    }
  }
  return tokens;
}

// Matches like a backtracking glob matcher but simulates all choices at once
// (a Thompson NFA over token positions): O(tokens × path) time. The
// backtracking version took seconds for "*a*a*a*a*a*a*a*a*b" against 40 × 'a'
// (and ×15 per 10 more characters), so a context directory could hang plan.
//
// State ti means "tokens[ti..] still to match". A '**/' token (kAnyDirs) is
// "(.*/)?": from its state the match may skip it (epsilon) or consume any
// characters up to and including a '/', which needs a second state, "inside
// a '**/'" (inside[ti]), that cannot skip.
bool IgnoreMatcher::MatchTokens(const std::vector<Token>& tokens, size_t ti, std::string_view s,
                                size_t si) {
  const size_t n = tokens.size();
  std::vector<char> at(n + 1, 0), inside(n + 1, 0), next_at(n + 1, 0), next_inside(n + 1, 0);
  bool any_rest = false;  // a trailing '**' was reached: everything after matches
  // Adds state t and what it reaches without consuming a character.
  auto add = [&](std::vector<char>& set, size_t t) {
    while (t <= n && !set[t]) {
      set[t] = 1;
      if (t == n) return;
      const Token::Kind k = tokens[t].kind;
      if (k == Token::kAnyRest) {
        any_rest = true;
        return;
      }
      if (k != Token::kStar && k != Token::kAnyDirs) return;
      ++t;  // '*' and '**/' may match nothing
    }
  };
  add(at, ti);
  for (size_t i = si; i < s.size(); ++i) {
    if (any_rest) return true;
    const char c = s[i];
    std::fill(next_at.begin(), next_at.end(), 0);
    std::fill(next_inside.begin(), next_inside.end(), 0);
    bool alive = false;
    for (size_t t = 0; t < n; ++t) {
      const bool here = at[t] != 0, within = inside[t] != 0;
      if (!here && !within) continue;
      const Token& tok = tokens[t];
      switch (tok.kind) {
        case Token::kAnyRest:
          break;  // handled by any_rest
        case Token::kStar:
          if (here && c != '/') add(next_at, t);
          break;
        case Token::kAnyDirs:
          next_inside[t] = 1;
          if (c == '/') add(next_at, t + 1);
          break;
        case Token::kQuestion:
          if (here && c != '/') add(next_at, t + 1);
          break;
        case Token::kClass:
          if (here && ClassMatches(tok, c)) add(next_at, t + 1);
          break;
        case Token::kLiteral:
          if (here && c == tok.literal) add(next_at, t + 1);
          break;
      }
    }
    at.swap(next_at);
    inside.swap(next_inside);
    for (size_t t = 0; t <= n; ++t) alive = alive || at[t] || inside[t];
    if (!alive && !any_rest) return false;
  }
  return any_rest || at[n];
}

absl::StatusOr<bool> PatternMatches(std::string_view pattern, std::string_view path) {
  DCS_ASSIGN_OR_RETURN(std::vector<Token> tokens, IgnoreMatcher::Compile(pattern));
  return IgnoreMatcher::MatchTokens(tokens, 0, path, 0);
}

absl::StatusOr<IgnoreMatcher> IgnoreMatcher::Create(std::vector<IgnoreRule> rules) {
  IgnoreMatcher m;
  for (const IgnoreRule& r : rules) {
    auto tokens = Compile(r.pattern);
    if (!tokens.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad .dockerignore pattern \"", r.pattern, "\": ", tokens.status().message()));
    }
    m.compiled_.push_back(std::move(*tokens));
  }
  m.rules_ = std::move(rules);
  return m;
}

bool IgnoreMatcher::Excluded(std::string_view path) const {
  // Parent directories of `path`: "a", "a/b", ... (not the path itself).
  std::vector<std::string_view> parents;
  for (size_t k = path.find('/'); k != std::string_view::npos; k = path.find('/', k + 1)) {
    parents.push_back(path.substr(0, k));
  }
  bool matched = false;
  for (size_t i = 0; i < rules_.size(); ++i) {
    // An exclusion only matters while not matched, an exception while matched.
    if (rules_[i].exception != matched) continue;
    bool match = MatchTokens(compiled_[i], 0, path, 0);
    for (size_t k = 0; !match && k < parents.size(); ++k) {
      match = MatchTokens(compiled_[i], 0, parents[k], 0);
    }
    if (match) matched = !rules_[i].exception;
  }
  return matched;
}

bool IgnoreMatcher::MustDescend(std::string_view dir) const {
  const std::string prefix = std::string(dir) + "/";
  for (const IgnoreRule& r : rules_) {
    if (r.exception && (r.pattern + "/").compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

void IgnoreMatcher::AddException(std::string_view path) {
  IgnoreRule rule{CleanPath(path), true};
  auto tokens = Compile(rule.pattern);
  if (!tokens.ok()) {  // a literal path with '[' or '\': match it literally
    tokens = std::vector<Token>();
    for (char c : rule.pattern) tokens->push_back(Token{Token::kLiteral, c});
  }
  compiled_.push_back(std::move(*tokens));
  rules_.push_back(std::move(rule));
}

}  // namespace dcs::buildcontext
