#include "clients/buildcontext/git_origin.h"

#include <gtest/gtest.h>

#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::buildcontext {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef01234567";
const std::string kOther = "89abcdef0123456789abcdef0123456789abcdef";

TEST(GitOriginTest, LooseBranchRefAndOriginFromAParentDirectory) {
  dcs::testing::TempTree t;
  t.Write(".git/HEAD", "ref: refs/heads/main\n");
  t.Write(".git/refs/heads/main", kId + "\n");
  t.Write(".git/config",
          "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://example.com/other.git\n"
          "[remote \"origin\"]\n\turl = https://git.example.com/team/golden-image.git\n"
          "\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
  t.Write("images/gpu/Dockerfile", "FROM scratch\n");
  const GitOrigin o = FindGitOrigin(t.root() + "/images/gpu");
  EXPECT_EQ(o.revision, kId);
  EXPECT_EQ(o.source, "https://git.example.com/team/golden-image.git");
}

TEST(GitOriginTest, PackedRefsAndDetachedHead) {
  dcs::testing::TempTree t;
  t.Write(".git/HEAD", "ref: refs/heads/release\n");
  t.Write(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n" + kOther +
                                  " refs/heads/main\n" + kId + " refs/heads/release\n^" + kOther + "\n");
  EXPECT_EQ(FindGitOrigin(t.root()).revision, kId);
  t.Write(".git/HEAD", kOther + "\n");
  EXPECT_EQ(FindGitOrigin(t.root()).revision, kOther);
}

TEST(GitOriginTest, WorktreeGitFileWithCommonDir) {
  dcs::testing::TempTree t;
  t.Write("main/.git/config", "[remote \"origin\"]\n  url = git@github.com:team/images.git\n");
  t.Write("main/.git/packed-refs", kId + " refs/heads/feature\n");
  t.Write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/feature\n");
  t.Write("main/.git/worktrees/wt/commondir", "../..\n");
  t.Write("wt/.git", "gitdir: ../main/.git/worktrees/wt\n");
  const GitOrigin o = FindGitOrigin(t.root() + "/wt");
  EXPECT_EQ(o.revision, kId);
  EXPECT_EQ(o.source, "git@github.com:team/images.git");
}

TEST(GitOriginTest, UnknownPartsStayEmpty) {
  dcs::testing::TempTree t;
  t.Write("ctx/Dockerfile", "FROM scratch\n");
  // No repository at all (a temp dir has none above it either).
  EXPECT_EQ(FindGitOrigin(t.root() + "/ctx").revision, "");
  // A repository without commits and without an origin.
  t.Write(".git/HEAD", "ref: refs/heads/main\n");
  t.Write(".git/config", "[core]\n\tbare = false\n");
  const GitOrigin o = FindGitOrigin(t.root() + "/ctx");
  EXPECT_EQ(o.revision, "");
  EXPECT_EQ(o.source, "");
}

TEST(GitOriginTest, CredentialsInTheRemoteUrlNeverReachTheLabel) {
  EXPECT_EQ(StripUserInfo("https://ci-bot:ghp_secret@github.com/team/images.git"),
            "https://github.com/team/images.git");
  EXPECT_EQ(StripUserInfo("https://token@dev.azure.com/org/p/_git/images"), "https://dev.azure.com/org/p/_git/images");
  EXPECT_EQ(StripUserInfo("ssh://git@host:2222/repo.git"), "ssh://host:2222/repo.git");
  EXPECT_EQ(StripUserInfo("https://host/path/with@sign"), "https://host/path/with@sign");
  EXPECT_EQ(StripUserInfo("git@github.com:team/images.git"), "git@github.com:team/images.git");
}

}  // namespace
}  // namespace dcs::buildcontext
