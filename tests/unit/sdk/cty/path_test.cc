#include "sdk/cty/path.h"

#include <gtest/gtest.h>

namespace dcs::cty {
namespace {

TEST(PathTest, ToStringAndErrorPrefix) {
  const Path p = Path::Root("cuda_extensions").Index(0).Attr("name");
  EXPECT_EQ(p.ToString(), "cuda_extensions[0].name");
  EXPECT_EQ(p.ErrorPrefix(), ".cuda_extensions[0].name: ");
  EXPECT_EQ(Path().ErrorPrefix(), "");
}

TEST(PathFrameTest, BuildsThePathOfItsChainOnlyWhenAsked) {
  const PathFrame root;
  const PathFrame tags = root.Attr("tags");
  const PathFrame team = tags.Key("team");
  EXPECT_EQ(team.ToPath(), Path::Root("tags").Key("team"));
  EXPECT_EQ(team.ErrorPrefix(), Path::Root("tags").Key("team").ErrorPrefix());

  const PathFrame blocks = root.Attr("init_scripts");
  const PathFrame second = blocks.Index(1);
  const PathFrame destination = second.Attr("destination");
  EXPECT_EQ(destination.ToPath(), Path::Root("init_scripts").Index(1).Attr("destination"));
  EXPECT_TRUE(root.ToPath().empty());
  EXPECT_EQ(root.ErrorPrefix(), "");
}

}  // namespace
}  // namespace dcs::cty
