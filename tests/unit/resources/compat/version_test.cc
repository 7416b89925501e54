// Version parsing and numeric comparison.
#include "resources/compat/version.h"

#include <gtest/gtest.h>

namespace dcs::compat {
namespace {

int Cmp(const char* a, const char* b) { return Version::Parse(a)->Compare(*Version::Parse(b)); }

TEST(VersionTest, ParsesTheSpellingsOfTheGpuStack) {
  EXPECT_EQ(Version::Parse("550.54.14")->parts, (std::vector<long>{550, 54, 14}));
  EXPECT_EQ(Version::Parse("12.4.x")->parts, (std::vector<long>{12, 4}));
  EXPECT_EQ(Version::Parse("12.4.x")->suffix, "");
  EXPECT_EQ(Version::Parse("2.7.4.post1")->suffix, ".post1");
  EXPECT_EQ(Version::Parse("2.6.0+cu124")->suffix, "+cu124");
  EXPECT_EQ(Version::Parse("2.8.0rc1")->parts, (std::vector<long>{2, 8, 0}));
  EXPECT_EQ(Version::Parse("13")->parts, (std::vector<long>{13}));
}

TEST(VersionTest, RejectsWhatIsNotAVersion) {
  for (const char* bad : {"", "abc", "12.x.y", "12.x", "v12.4", "12.4 ", "1.2.3.4.5", "12..4", "12.4-beta!",
                          "1234567890.1"}) {
    EXPECT_FALSE(Version::Parse(bad).has_value()) << bad;
  }
}

TEST(VersionTest, ComparesNumericallyPerComponent) {
  EXPECT_GT(Cmp("550.54.14", "535.104.05"), 0);
  EXPECT_GT(Cmp("12.10", "12.9"), 0);
  EXPECT_LT(Cmp("570.86.9", "570.86.15"), 0);
  EXPECT_EQ(Cmp("12.4", "12.4.0"), 0);
  EXPECT_EQ(Cmp("2.7.4.post1", "2.7.4"), 0);  // suffixes never decide
  EXPECT_LT(Cmp("2.7.4.post1", "2.8.0"), 0);
}

TEST(VersionTest, StartsWithMatchesWholeComponents) {
  const Version v = *Version::Parse("12.4.1");
  EXPECT_TRUE(v.StartsWith(*Version::Parse("12.4")));
  EXPECT_TRUE(v.StartsWith(*Version::Parse("12")));
  EXPECT_FALSE(Version::Parse("12.40")->StartsWith(*Version::Parse("12.4")));
  EXPECT_FALSE(Version::Parse("12")->StartsWith(*Version::Parse("12.4")));
  EXPECT_EQ(Version::Parse("12")->MajorMinor(), "12.0");
  EXPECT_EQ(Version::Parse("2.6.0+cu124")->MajorMinor(), "2.6");
}

}  // namespace
}  // namespace dcs::compat
