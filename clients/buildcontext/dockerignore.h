// .dockerignore parsing and matching with the Docker CLI's semantics
// (moby patternmatcher + ignorefile, as used by `docker build`):
//
//  * line 1 may start with a UTF-8 BOM; lines starting with '#' are comments;
//    lines are trimmed; empty lines are skipped;
//  * a leading '!' marks an exception (re-include); a lone '!' is an error;
//  * patterns are cleaned like Go's filepath.Clean ("./a//b/" -> "a/b") and a
//    leading '/' is dropped: all patterns are relative to the context root;
//  * '*' matches a run of non-'/' characters, '?' one non-'/' character,
//    '[...]' a class ('^' negates, ranges allowed), '\' escapes; '**' matches
//    any number of path components (also none); a trailing '**' matches all;
//  * rules apply in order and the last matching rule wins;
//  * a rule matching a parent directory matches everything below it.
//
// Thread-safety: an IgnoreMatcher is immutable after Create and may be used
// from many threads.
#ifndef DCS_CLIENTS_BUILDCONTEXT_DOCKERIGNORE_H_
#define DCS_CLIENTS_BUILDCONTEXT_DOCKERIGNORE_H_

#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dcs::buildcontext {

struct IgnoreRule {
  std::string pattern;  // cleaned, '/'-separated, relative, without '!'
  bool exception = false;
};

// Parses the text of a .dockerignore file. Errors: InvalidArgument for a lone
// "!" or a malformed pattern (unclosed '[' or trailing '\'), naming the line.
absl::StatusOr<std::vector<IgnoreRule>> ParseDockerignore(std::string_view text);

// Go's filepath.Clean for '/'-separated paths ("" -> ".").
std::string CleanPath(std::string_view path);

class IgnoreMatcher {
 public:
  // One compiled pattern element (internal).
  struct Token {
    enum Kind { kLiteral, kStar, kQuestion, kAnyDirs, kAnyRest, kClass } kind;
    char literal = 0;
    bool negated = false;
    std::vector<std::pair<char, char>> ranges;  // kClass
  };

  // Errors: InvalidArgument for malformed patterns.
  static absl::StatusOr<IgnoreMatcher> Create(std::vector<IgnoreRule> rules);

  // True when `path` (relative, '/'-separated, cleaned) is excluded: the last
  // rule matching the path or one of its parent directories is not an
  // exception.
  bool Excluded(std::string_view path) const;

  // For an excluded directory: true when the walk must still descend into it
  // because some exception rule starts with "<dir>/" (Docker's pruning rule;
  // without such a rule, nothing below an excluded directory is sent).
  bool MustDescend(std::string_view dir) const;

  // Appends an exception rule for `path` (what the CLI does for the
  // Dockerfile and .dockerignore so that they are always sent).
  void AddException(std::string_view path);

  const std::vector<IgnoreRule>& rules() const { return rules_; }

  // Internal: pattern compilation and matching of one compiled pattern.
  static absl::StatusOr<std::vector<Token>> Compile(std::string_view pattern);
  static bool MatchTokens(const std::vector<Token>& tokens, size_t ti, std::string_view s,
                          size_t si);

 private:
  IgnoreMatcher() = default;
  std::vector<IgnoreRule> rules_;
  std::vector<std::vector<Token>> compiled_;
};

// Whether one cleaned pattern matches one path exactly (no parent rule);
// exposed for tests. Errors: InvalidArgument for a malformed pattern.
absl::StatusOr<bool> PatternMatches(std::string_view pattern, std::string_view path);

}  // namespace dcs::buildcontext

#endif  // DCS_CLIENTS_BUILDCONTEXT_DOCKERIGNORE_H_
