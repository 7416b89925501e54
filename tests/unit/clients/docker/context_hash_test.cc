#include "clients/buildcontext/context_hash.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::buildcontext {
namespace {

using Inputs = std::vector<std::pair<std::string, std::string>>;

void Populate(const testing::TempTree& t) {
  t.Write("Dockerfile", "FROM scratch\nCOPY . /\n");
  t.Write(".dockerignore", "*.log\n");
  t.Write("src/a.c", "int main() { return 0; }\n");
  t.Write("bin/run", "#!/bin/sh\n", 0755);
  t.Symlink("bin/run", "run");
  t.Write("debug.log", "ignored");
}

std::string HashOf(const testing::TempTree& t, const Inputs& inputs = {}, int threads = 0) {
  auto ctx = ListContext({t.root()});
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  auto h = HashContext(t.root(), ctx->entries, inputs, HashOptions{.threads = threads});
  EXPECT_TRUE(h.ok()) << h.status();
  return h.ok() ? *h : "";
}

TEST(ContextHashTest, StableAcrossCopiesMtimesAndThreadCounts) {
  testing::TempTree a, b;
  Populate(a);
  Populate(b);
  std::system(("touch -d 2001-01-01 " + b.root() + "/src/a.c").c_str());
  const std::string h = HashOf(a);
  EXPECT_EQ(h.size(), 7u + 64u);
  EXPECT_EQ(h.rfind("sha256:", 0), 0u);
  EXPECT_EQ(h, HashOf(b));
  EXPECT_EQ(h, HashOf(a, {}, 1));
  EXPECT_EQ(h, HashOf(a, {}, 7));
}

TEST(ContextHashTest, IgnoredFilesDoNotCount) {
  testing::TempTree a;
  Populate(a);
  const std::string before = HashOf(a);
  a.Write("debug.log", "changed");
  a.Write("other.log", "new");
  EXPECT_EQ(before, HashOf(a));
}

TEST(ContextHashTest, SensitiveToEveryRelevantChange) {
  const std::vector<std::pair<std::string, std::function<void(const testing::TempTree&)>>> edits = {
      {"content", [](const auto& t) { t.Write("src/a.c", "int main() { return 1; }\n"); }},
      {"mode", [](const auto& t) { t.Write("bin/run", "#!/bin/sh\n", 0700); }},
      {"new file", [](const auto& t) { t.Write("src/b.c", ""); }},
      {"empty dir", [](const auto& t) { t.Mkdir("data"); }},
      {"symlink target",
       [](const auto& t) {
         std::filesystem::remove(t.root() + "/run");
         t.Symlink("src/a.c", "run");
       }},
      {"rename",
       [](const auto& t) { std::filesystem::rename(t.root() + "/src/a.c", t.root() + "/src/c.c"); }},
      {"dockerignore", [](const auto& t) { t.Write(".dockerignore", "*.log\n#\n"); }},
  };
  testing::TempTree base;
  Populate(base);
  const std::string reference = HashOf(base);
  for (const auto& [name, edit] : edits) {
    testing::TempTree t;
    Populate(t);
    edit(t);
    EXPECT_NE(HashOf(t), reference) << name;
  }
  EXPECT_NE(HashOf(base, {{"buildarg:VERSION", "1"}}), reference);
  EXPECT_NE(HashOf(base, {{"buildarg:VERSION", "1"}}), HashOf(base, {{"buildarg:VERSION", "2"}}));
  // Length prefixes: moving a boundary between key and value changes the hash.
  EXPECT_NE(HashOf(base, {{"ab", "c"}}), HashOf(base, {{"a", "bc"}}));
}

TEST(ContextHashTest, UnreadableFileIsAnError) {
  testing::TempTree t;
  Populate(t);
  auto ctx = ListContext({t.root()});
  ASSERT_TRUE(ctx.ok());
  std::filesystem::remove(t.root() + "/src/a.c");
  auto h = HashContext(t.root(), ctx->entries, {});
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(h.status().message().find("src/a.c"), std::string::npos);
}

TEST(HashFileTest, KnownVector) {
  testing::TempTree t;
  t.Write("abc", "abc");
  auto h = HashFile(t.root() + "/abc", 2);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace dcs::buildcontext
