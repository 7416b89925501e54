#include "clients/buildcontext/tar_stream.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::buildcontext {
namespace {

std::string Shell(const std::string& cmd) {
  std::array<char, 4096> buf;
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Streams the whole archive to `out_path` using reads of `chunk` bytes.
absl::Status StreamTo(TarStream& tar, const std::string& out_path, size_t chunk) {
  std::ofstream out(out_path, std::ios::binary);
  std::vector<char> buf(chunk);
  while (true) {
    long n = tar.Read(buf.data(), buf.size());
    if (n < 0) return tar.status();
    if (n == 0) return absl::OkStatus();
    out.write(buf.data(), n);
  }
}

class TarStreamTest : public ::testing::TestWithParam<size_t> {};

TEST_P(TarStreamTest, RoundTripThroughGnuTar) {
  testing::TempTree src;
  const std::string long_dir(120, 'd');
  const std::string long_name = long_dir + "/" + std::string(150, 'f');  // needs PAX
  const std::string split_name = std::string(90, 'p') + "/" + std::string(90, 'q');  // ustar prefix
  src.Write("Dockerfile", "FROM scratch\n");
  src.Write("bin/tool", std::string(70000, 'x'), 0755);
  src.Write(long_name, "long");
  src.Write(split_name, "split");
  src.Write("empty.txt", "");
  src.Symlink("bin/tool", "short-link");
  src.Symlink(std::string(130, 't'), "long-link");
  src.Mkdir("emptydir");
  auto ctx = ListContext({src.root()});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  TarStream tar(src.root(), ctx->entries);
  testing::TempTree out;
  const std::string archive = out.root() + "/ctx.tar";
  ASSERT_TRUE(StreamTo(tar, archive, GetParam()).ok()) << tar.status();
  EXPECT_EQ(tar.bytes_written() % 512, 0u);

  const std::string listing = Shell("tar -tf " + archive + " 2>&1");
  for (const auto& e : ctx->entries) {
    const std::string name = e.path + (e.type == EntryType::kDirectory ? "/" : "");
    EXPECT_NE(listing.find(name + "\n"), std::string::npos) << name << " missing in\n" << listing;
  }
  const std::string verbose = Shell("tar -tvf " + archive + " bin/tool short-link 2>&1");
  EXPECT_NE(verbose.find("-rwxr-xr-x 0/0"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("short-link -> bin/tool"), std::string::npos) << verbose;

  const std::string dest = out.root() + "/x";
  Shell("mkdir " + dest + " && tar -xf " + archive + " -C " + dest + " 2>&1");
  EXPECT_EQ(ReadAll(dest + "/bin/tool"), std::string(70000, 'x'));
  EXPECT_EQ(ReadAll(dest + "/" + long_name), "long");
  EXPECT_EQ(ReadAll(dest + "/" + split_name), "split");
  EXPECT_EQ(Shell("readlink " + dest + "/long-link"), std::string(130, 't') + "\n");
}

INSTANTIATE_TEST_SUITE_P(ReadSizes, TarStreamTest, ::testing::Values(7, 512, 65536));

TEST(TarStreamErrors, FileShrinkingWhileStreamingFails) {
  testing::TempTree src;
  src.Write("Dockerfile", "FROM scratch\n");
  src.Write("big", std::string(100000, 'b'));
  auto ctx = ListContext({src.root()});
  ASSERT_TRUE(ctx.ok());
  src.Write("big", "now short");
  TarStream tar(src.root(), ctx->entries);
  std::vector<char> buf(4096);
  long n;
  while ((n = tar.Read(buf.data(), buf.size())) > 0) {
  }
  EXPECT_EQ(n, -1);
  EXPECT_EQ(tar.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(tar.status().message().find("big"), std::string::npos);
}

TEST(TarStreamOptions, PinnedMtimeGivesIdenticalArchives) {
  testing::TempTree a, b;
  for (auto* t : {&a, &b}) {
    t->Write("Dockerfile", "FROM scratch\n");
    t->Write("f", "same");
  }
  Shell("touch -d 2001-01-01 " + b.root() + "/f");
  std::string bytes[2];
  int i = 0;
  for (auto* t : {&a, &b}) {
    auto ctx = ListContext({t->root()});
    ASSERT_TRUE(ctx.ok());
    TarStream tar(t->root(), ctx->entries, TarOptions{.mtime = 0});
    std::vector<char> buf(1 << 16);
    long n;
    while ((n = tar.Read(buf.data(), buf.size())) > 0) bytes[i].append(buf.data(), n);
    ++i;
  }
  EXPECT_EQ(bytes[0], bytes[1]);
}

TEST(TarStreamOptions, ExtraFilesFollowTheContextEntries) {
  testing::TempTree src;
  src.Write("app.txt", "app");
  // No Dockerfile in the directory: an inline one is added as an extra file.
  auto ctx = ListContext({src.root(), ".inline.Dockerfile", /*dockerfile_in_context=*/false});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  TarOptions options;
  options.extra_files.emplace_back(".inline.Dockerfile", "FROM scratch\nCOPY app.txt /\n");
  TarStream tar(src.root(), ctx->entries, options);
  testing::TempTree out;
  const std::string archive = out.root() + "/ctx.tar";
  ASSERT_TRUE(StreamTo(tar, archive, 100).ok()) << tar.status();
  EXPECT_EQ(Shell("tar -tf " + archive + " 2>&1"), "app.txt\n.inline.Dockerfile\n");
  EXPECT_EQ(Shell("tar -xOf " + archive + " .inline.Dockerfile"), "FROM scratch\nCOPY app.txt /\n");
}

TEST(TarStreamOptions, MissingDockerfileIsStillAnErrorByDefault) {
  testing::TempTree src;
  src.Write("app.txt", "app");
  auto ctx = ListContext({src.root()});
  EXPECT_EQ(ctx.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dcs::buildcontext
