#include "clients/buildcontext/dockerignore.h"

#include <chrono>

#include <gtest/gtest.h>


namespace dcs::buildcontext {
namespace {

TEST(CleanPathTest, MatchesGoFilepathClean) {
  EXPECT_EQ(CleanPath(""), ".");
  EXPECT_EQ(CleanPath("./a//b/"), "a/b");
  EXPECT_EQ(CleanPath("a/../../b"), "../b");
  EXPECT_EQ(CleanPath("/../a/./b/.."), "/a");
  EXPECT_EQ(CleanPath("a/b/../.."), ".");
}

TEST(ParseDockerignoreTest, CommentsBomWhitespaceAndExceptions) {
  auto rules = ParseDockerignore("\xEF\xBB\xBF# comment\n  *.log  \n\n! keep.log\n/abs/x\n./rel/\n #x\n");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 5u);
  EXPECT_EQ((*rules)[0].pattern, "*.log");
  EXPECT_FALSE((*rules)[0].exception);
  EXPECT_EQ((*rules)[1].pattern, "keep.log");
  EXPECT_TRUE((*rules)[1].exception);
  EXPECT_EQ((*rules)[2].pattern, "abs/x");
  EXPECT_EQ((*rules)[3].pattern, "rel");
  // '#' only starts a comment in column 1.
  EXPECT_EQ((*rules)[4].pattern, "#x");
}

TEST(ParseDockerignoreTest, Errors) {
  auto lone = ParseDockerignore("a\n!\n");
  EXPECT_EQ(lone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(lone.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseDockerignore("[abc\n").ok());
  EXPECT_FALSE(ParseDockerignore("abc\\\n").ok());
}

TEST(PatternMatchesTest, GlobElements) {
  struct Case {
    const char* pattern;
    const char* path;
    bool match;
  } cases[] = {
      {"*", "a", true},         {"*", "a/b", false},        {"a?c", "abc", true},
      {"a?c", "a/c", false},    {"[a-c]x", "bx", true},     {"[^a-c]x", "bx", false},
      {"[^a-c]x", "dx", true},  {"**", "a/b/c", true},      {"**/x", "x", true},
      {"**/x", "a/b/x", true},  {"a/**", "a/b/c", true},    {"a/**/b", "a/b", true},
      {"a/**/b", "a/x/y/b", true}, {"a**b", "ab", true},    {"a**b", "ax/b", true},
      {"a**b", "axb", false},   {"\\*x", "*x", true},       {"\\*x", "ax", false},
      {"*.go", "x.go", true},   {"*.go", "d/x.go", false},  {"a.b", "axb", false},
  };
  for (const Case& c : cases) {
    auto m = PatternMatches(c.pattern, c.path);
    ASSERT_TRUE(m.ok()) << c.pattern;
    EXPECT_EQ(*m, c.match) << c.pattern << " vs " << c.path;
  }
}

TEST(IgnoreMatcherTest, MustDescendOnlyForExceptionsBelowTheDirectory) {
  auto m = IgnoreMatcher::Create({{"*", false}, {"src/**", true}, {"docs", false}, {"**/*.md", true}});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->MustDescend("src"));
  EXPECT_FALSE(m->MustDescend("docs"));  // "**/*.md" does not start with "docs/"
  EXPECT_FALSE(m->MustDescend("sr"));
}

}  // namespace
}  // namespace dcs::buildcontext

namespace dcs::buildcontext {
namespace {

// Fuzzer reproducer (issue 14): the backtracking matcher took 7.5 s for this
// pattern against 40 × 'a' (×15 per 10 more characters). Matching is now
// linear in the path; 4000 characters and a pattern of 40 stars stay instant.
TEST(PatternMatchesTest, ManyStarsDoNotBacktrackExponentially) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(*PatternMatches("*a*a*a*a*a*a*a*a*b", std::string(40, 'a')));
  EXPECT_FALSE(*PatternMatches("*a*a*a*a*a*a*a*a*b", std::string(4000, 'a')));
  EXPECT_TRUE(*PatternMatches("*a*a*a*a*a*a*a*a*b", std::string(4000, 'a') + "b"));
  std::string stars;
  for (int i = 0; i < 40; ++i) stars += "*?";
  EXPECT_FALSE(*PatternMatches(stars + "b", std::string(4000, 'a')));
  EXPECT_FALSE(*PatternMatches("**/a**/a**/a**/a**/a**/b", std::string(2000, 'a') + "/" + std::string(2000, 'a')));
  EXPECT_TRUE(*PatternMatches("**/a**/b", "x/y/a/z/b"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

}  // namespace
}  // namespace dcs::buildcontext
