// Utf8Prefix: cuts at whole characters, replaces ill-formed bytes, marks a cut.
#include "clients/http/text.h"

#include <gtest/gtest.h>

namespace dcs::http::text {
namespace {

TEST(Utf8PrefixTest, ShortTextIsKeptAsIs) {
  EXPECT_EQ(Utf8Prefix("plain ascii", 200), "plain ascii");
  EXPECT_EQ(Utf8Prefix("caf\xC3\xA9", 5), "caf\xC3\xA9");
  EXPECT_EQ(Utf8Prefix("", 10), "");
}

TEST(Utf8PrefixTest, CutsBeforeACharacterThatWouldCrossTheLimit) {
  // "a" + 200 x "é" (2 bytes each): 200 bytes hold "a" + 99 whole "é".
  std::string body = "a";
  for (int k = 0; k < 200; ++k) body += "\xC3\xA9";
  std::string expected = "a";
  for (int k = 0; k < 99; ++k) expected += "\xC3\xA9";
  EXPECT_EQ(Utf8Prefix(body, 200), expected + "\xE2\x80\xA6");
}

TEST(Utf8PrefixTest, IllFormedBytesBecomeReplacementCharactersBetweenRuns) {
  EXPECT_EQ(Utf8Prefix("ab\xFF" "cd\xC0\xAF" "e", 100), "ab\xEF\xBF\xBD" "cd\xEF\xBF\xBD\xEF\xBF\xBD" "e");
  EXPECT_EQ(Utf8Prefix("\xED\xA0\x80", 100), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a UTF-16 surrogate
}

TEST(Utf8PrefixTest, ASequenceCutByTheLimitIsNotCalledIllFormed) {
  // The body was truncated inside "€" (3 bytes): the prefix ends before it.
  EXPECT_EQ(Utf8Prefix("ab\xE2\x82\xAC", 4), "ab\xE2\x80\xA6");
  EXPECT_EQ(Utf8Prefix("ab\xE2\x82", 100), "ab\xEF\xBF\xBD\xEF\xBF\xBD");  // ends cut: ill-formed bytes
}

}  // namespace
}  // namespace dcs::http::text
