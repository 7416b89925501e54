#include "sdk/cty/utf8.h"

#include <gtest/gtest.h>

namespace dcs::cty {
namespace {

TEST(Utf8Test, ValidatesWellFormedSequencesOnly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // cut
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x89\x89"));          // continuation bytes alone
}

TEST(Utf8Test, ScrubReplacesEachBadByte) {
  EXPECT_EQ(ScrubUtf8("ok \xc3\xa9"), "ok \xc3\xa9");
  EXPECT_EQ(ScrubUtf8("a\xc3"), "a\xef\xbf\xbd");
  EXPECT_EQ(ScrubUtf8("\x89\x89x"), "\xef\xbf\xbd\xef\xbf\xbdx");
  EXPECT_TRUE(IsValidUtf8(ScrubUtf8("\xff\xfe\xc3\xa9\xe2\x82")));
}

}  // namespace
}  // namespace dcs::cty
