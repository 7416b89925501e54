// BuildKit file sync (DiffCopy), sending side: walk order, Go file modes, the
// packet sequence against a golden transcript, the wire bytes of the
// packets, narrowing by the builder's request, and protocol errors.
#include "clients/docker/filesync.h"

#include <deque>
#include <functional>

#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "clients/buildcontext/context.h"
#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::docker::filesync {
namespace {

// A scripted receiver: records every packet written, answers with `script`
// once the end-of-listing STAT arrived (and after each answer, the next).
class ScriptedReceiver : public PacketStream {
 public:
  explicit ScriptedReceiver(std::vector<Packet> script) : script_(script.begin(), script.end()) {}
  bool Write(const Packet& p) override {
    transcript.push_back("> " + DescribePacket(p));
    return true;
  }
  bool Read(Packet* p) override {
    if (script_.empty()) return false;
    *p = script_.front();
    script_.pop_front();
    transcript.push_back("< " + DescribePacket(*p));
    return true;
  }
  std::vector<std::string> transcript;

 private:
  std::deque<Packet> script_;
};

Packet Req(uint32_t id) {
  Packet p;
  p.set_type(Packet::PACKET_REQ);
  p.set_id(id);
  return p;
}

Packet Fin() {
  Packet p;
  p.set_type(Packet::PACKET_FIN);
  return p;
}

std::string Hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

TEST(FileSyncTest, WalkOrderPutsChildrenRightAfterTheirDirectory) {
  std::vector<std::string> paths = {"a.txt", "a/b", "a", "a0", "a/b/c", "B", "a/a"};
  std::sort(paths.begin(), paths.end(), WalkOrderLess);
  EXPECT_EQ(absl::StrJoin(paths, " "), "B a a/a a/b a/b/c a.txt a0");
}

TEST(FileSyncTest, GoFileModes) {
  buildcontext::ContextEntry dir{.path = "d", .type = buildcontext::EntryType::kDirectory, .mode = 0755};
  buildcontext::ContextEntry link{.path = "l", .type = buildcontext::EntryType::kSymlink, .mode = 0777};
  buildcontext::ContextEntry file{.path = "f", .type = buildcontext::EntryType::kFile, .mode = 04755};
  EXPECT_EQ(GoFileMode(dir), 0x80000000u | 0755);
  EXPECT_EQ(GoFileMode(link), 0x08000000u | 0777);
  EXPECT_EQ(GoFileMode(file), 0x00800000u | 0755);
}

// The bytes on the wire use the field numbers of fsutil's wire.proto and
// stat.proto (type=1, stat=2, ID=3, data=4; path=1, mode=2, size=5, modTime=6).
TEST(FileSyncTest, WireBytesMatchTheProtocolFieldNumbers) {
  Packet data;
  data.set_type(Packet::PACKET_DATA);
  data.set_id(3);
  data.set_data("hi");
  EXPECT_EQ(Hex(data.SerializeAsString()), "080218032202" "6869");
  EXPECT_EQ(Hex(Req(7).SerializeAsString()), "08011807");
  Packet stat;
  stat.mutable_stat()->set_path("d");
  stat.mutable_stat()->set_mode(0x800001ed);
  // type STAT (0) is the default and not sent; stat = field 2 of length 9.
  EXPECT_EQ(Hex(stat.SerializeAsString()), "1209" "0a0164" "10ed83808008");
  Packet end;
  end.set_type(Packet::PACKET_STAT);
  EXPECT_EQ(end.SerializeAsString(), "");  // the end-of-listing STAT is an empty message
}

TEST(FileSyncTest, GoldenTranscript) {
  testing::TempTree tree;
  tree.Write("Dockerfile", "FROM scratch\n");
  tree.Write(".dockerignore", "ignored.txt\nsecret-dir\n");
  tree.Write("ignored.txt", "nope");
  tree.Write("secret-dir/key", "nope");
  tree.Write("app/main.py", "print(1)\n");
  tree.Write("app.txt", "v1\n");
  tree.Symlink("app.txt", "link");
  auto ctx = buildcontext::ListContext({tree.root(), "Dockerfile", true});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  SyncDir dir = ContextDir(tree.root(), ctx->entries);
  auto all = Select(dir, {});
  ASSERT_TRUE(all.ok());
  // Ids: 0 .dockerignore, 1 Dockerfile, 2 app, 3 app/main.py, 4 app.txt, 5 link.
  ScriptedReceiver rx({Req(3), Req(1), Req(4), Req(0), Fin()});
  auto stats = ServeDiffCopy(*all, rx, nullptr, /*chunk_size=*/4);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const std::string golden = R"(> STAT .dockerignore mode=0644 size=23
> STAT Dockerfile mode=0644 size=13
> STAT app mode=020000000755 dir
> STAT app/main.py mode=0644 size=9
> STAT app.txt mode=0644 size=3
> STAT link mode=01000000777 -> app.txt
> STAT end
< REQ 3
> DATA 3 4 bytes
> DATA 3 4 bytes
> DATA 3 1 bytes
> DATA 3 end
< REQ 1
> DATA 1 4 bytes
> DATA 1 4 bytes
> DATA 1 4 bytes
> DATA 1 1 bytes
> DATA 1 end
< REQ 4
> DATA 4 3 bytes
> DATA 4 end
< REQ 0
> DATA 0 4 bytes
> DATA 0 4 bytes
> DATA 0 4 bytes
> DATA 0 4 bytes
> DATA 0 4 bytes
> DATA 0 3 bytes
> DATA 0 end
< FIN
> FIN)";
  EXPECT_EQ(absl::StrJoin(rx.transcript, "\n"), golden);
  EXPECT_EQ(stats->entries, 6u);
  EXPECT_EQ(stats->files_sent, 4u);
  EXPECT_EQ(stats->bytes_sent, 9u + 13u + 3u + 23u);
}

TEST(FileSyncTest, ContentReachesTheReceiverIntact) {
  SyncDir dir = SingleFileDir("Dockerfile", std::string(100000, 'x') + "end");
  auto sel = Select(dir, {});
  ASSERT_TRUE(sel.ok());
  struct Collect : PacketStream {
    std::string got;
    int step = 0;
    bool Write(const Packet& p) override {
      if (p.type() == Packet::PACKET_DATA) got += p.data();
      return true;
    }
    bool Read(Packet* p) override {
      *p = step++ == 0 ? Req(0) : Fin();
      return step <= 2;
    }
  } rx;
  ASSERT_TRUE(ServeDiffCopy(*sel, rx).ok());
  EXPECT_EQ(rx.got, std::string(100000, 'x') + "end");
}

TEST(FileSyncTest, RequestNarrowsWithParents) {
  testing::TempTree tree;
  tree.Write("Dockerfile", "FROM scratch\n");
  tree.Write(".dockerignore", "*.log\n");
  tree.Write("src/a/x.go", "x");
  tree.Write("src/b.txt", "b");
  tree.Write("docs/r.md", "r");
  auto ctx = buildcontext::ListContext({tree.root(), "Dockerfile", true});
  ASSERT_TRUE(ctx.ok());
  SyncDir dir = ContextDir(tree.root(), ctx->entries);
  auto paths = [](const std::vector<const SyncEntry*>& v) {
    std::vector<std::string> out;
    for (const auto* e : v) out.push_back(e->meta.path);
    return absl::StrJoin(out, " ");
  };
  auto inc = Select(dir, {.include_patterns = {"**/*.go"}});
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(paths(*inc), "src src/a src/a/x.go");
  auto follow = Select(dir, {.follow_paths = {".dockerignore"}});
  ASSERT_TRUE(follow.ok());
  EXPECT_EQ(paths(*follow), ".dockerignore");
  auto exc = Select(dir, {.exclude_patterns = {"src", "!src/b.txt"}});
  ASSERT_TRUE(exc.ok());
  EXPECT_EQ(paths(*exc), ".dockerignore Dockerfile docs docs/r.md src src/b.txt");
}

TEST(FileSyncTest, ParentsLeftOutByTheIgnoreWalkAreSent) {
  testing::TempTree tree;
  tree.Write("Dockerfile", "FROM scratch\n");
  tree.Write(".dockerignore", "vendor\n!vendor/keep\n");
  tree.Write("vendor/keep", "k");
  tree.Write("vendor/drop", "d");
  auto ctx = buildcontext::ListContext({tree.root(), "Dockerfile", true});
  ASSERT_TRUE(ctx.ok());
  SyncDir dir = ContextDir(tree.root(), ctx->entries);
  std::vector<std::string> out;
  for (const auto& e : dir.entries) out.push_back(e.meta.path);
  EXPECT_EQ(absl::StrJoin(out, " "), ".dockerignore Dockerfile vendor vendor/keep");
}

TEST(FileSyncTest, ProtocolErrors) {
  SyncDir dir = SingleFileDir("Dockerfile", "FROM scratch\n");
  auto sel = Select(dir, {});
  ASSERT_TRUE(sel.ok());
  {
    ScriptedReceiver rx({Req(9)});
    EXPECT_EQ(ServeDiffCopy(*sel, rx).status().code(), absl::StatusCode::kAborted);
  }
  {
    Packet err;
    err.set_type(Packet::PACKET_ERR);
    err.set_data("disk full");
    ScriptedReceiver rx({err});
    auto s = ServeDiffCopy(*sel, rx).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
    EXPECT_NE(s.message().find("disk full"), std::string::npos);
  }
  {
    ScriptedReceiver rx({Req(0)});  // then the stream ends without FIN
    EXPECT_EQ(ServeDiffCopy(*sel, rx).status().code(), absl::StatusCode::kUnavailable);
  }
  {
    std::atomic<bool> stop{true};
    ScriptedReceiver rx({Req(0), Fin()});
    EXPECT_EQ(ServeDiffCopy(*sel, rx, &stop).status().code(), absl::StatusCode::kCancelled);
  }
}

}  // namespace
}  // namespace dcs::docker::filesync
