#include "clients/registry/challenge.h"

#include <gtest/gtest.h>

namespace dcs::registry {
namespace {

TEST(ParseChallengesTest, BearerWithCommasAndSpacesInQuotedValues) {
  auto c = ParseChallenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].Param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].Param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].Param("scope"), "repository:a/b:pull,push repository:c:pull");
  EXPECT_EQ(c[0].Param("error"), "insufficient_scope");
}

TEST(ParseChallengesTest, BasicAndMultipleAndOddSpacing) {
  auto c = ParseChallenges(R"(Basic realm="Registry Realm" ,  BEARER  Realm = "r\"q" , service=svc)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].Param("realm"), "Registry Realm");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].Param("realm"), "r\"q");
  EXPECT_EQ(c[1].Param("service"), "svc");
}

TEST(ParseChallengesTest, GarbageNeverCrashes) {
  EXPECT_TRUE(ParseChallenges("").empty());
  EXPECT_TRUE(ParseChallenges("  ,, ").empty());
  auto c = ParseChallenges("Bearer realm=\"unterminated");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].Param("realm"), "unterminated");
}

}  // namespace
}  // namespace dcs::registry
