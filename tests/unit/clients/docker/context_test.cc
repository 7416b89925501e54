#include "clients/buildcontext/context.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/unit/clients/docker/dockerignore_table.h"
#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::buildcontext {
namespace {

std::set<std::string> Paths(const Context& ctx) {
  std::set<std::string> out;
  for (const auto& e : ctx.entries) out.insert(e.path);
  return out;
}

TEST(ListContextTest, TableOfDockerignoreCases) {
  for (const IgnoreCase& c : IgnoreTable()) {
    testing::TempTree tree;
    tree.Write("Dockerfile", "FROM scratch\n");
    tree.Write(".dockerignore", c.dockerignore);
    for (const auto& [path, excluded] : c.expect) tree.Write(path, path);
    auto ctx = ListContext({tree.root(), "Dockerfile"});
    ASSERT_TRUE(ctx.ok()) << c.name << ": " << ctx.status();
    const std::set<std::string> sent = Paths(*ctx);
    EXPECT_TRUE(sent.count("Dockerfile")) << c.name;
    EXPECT_TRUE(sent.count(".dockerignore")) << c.name;
    for (const auto& [path, excluded] : c.expect) {
      EXPECT_EQ(sent.count(path) == 0, excluded) << c.name << ": " << path;
    }
  }
}

TEST(ListContextTest, MetadataTypesAndSorting) {
  testing::TempTree tree;
  tree.Write("Dockerfile", "FROM scratch\n");
  tree.Write("bin/run.sh", "#!/bin/sh\n", 0755);
  tree.Symlink("bin/run.sh", "link");
  tree.Mkdir("empty");
  auto ctx = ListContext({tree.root()});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  std::map<std::string, ContextEntry> by_path;
  for (const auto& e : ctx->entries) by_path[e.path] = e;
  ASSERT_EQ(by_path.size(), 5u);  // Dockerfile bin bin/run.sh empty link
  EXPECT_EQ(by_path["bin"].type, EntryType::kDirectory);
  EXPECT_EQ(by_path["bin/run.sh"].mode, 0755u);
  EXPECT_EQ(by_path["bin/run.sh"].size, 10u);
  EXPECT_EQ(by_path["link"].type, EntryType::kSymlink);
  EXPECT_EQ(by_path["link"].link_target, "bin/run.sh");
  EXPECT_EQ(by_path["empty"].type, EntryType::kDirectory);
  EXPECT_EQ(ctx->total_bytes, 10u + 13u);
  EXPECT_TRUE(std::is_sorted(ctx->entries.begin(), ctx->entries.end(),
                             [](const auto& a, const auto& b) { return a.path < b.path; }));
}

TEST(ListContextTest, DockerfileInExcludedDirectoryIsStillSent) {
  testing::TempTree tree;
  tree.Write("docker/app.Dockerfile", "FROM scratch\n");
  tree.Write("docker/other", "x");
  tree.Write(".dockerignore", "docker\n");
  auto ctx = ListContext({tree.root(), "./docker/app.Dockerfile"});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_EQ(Paths(*ctx), (std::set<std::string>{".dockerignore", "docker/app.Dockerfile"}));
}

TEST(ListContextTest, Errors) {
  testing::TempTree tree;
  EXPECT_EQ(ListContext({tree.root() + "/nope"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListContext({tree.root()}).status().code(), absl::StatusCode::kNotFound);
  tree.Write("Dockerfile", "FROM scratch\n");
  EXPECT_EQ(ListContext({tree.root(), "../Dockerfile"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  tree.Write(".dockerignore", "!\n");
  EXPECT_EQ(ListContext({tree.root()}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dcs::buildcontext
