// The create journal: tokens of unfinished creates survive the process,
// identical creates never share one, finished creates leave nothing behind.
#include "resources/create_journal.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace dcs::resources {
namespace {

class CreateJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/dcs-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::remove(path_.c_str());
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(CreateJournalTest, UnfinishedCreatesAreResumedByTheNextProcess) {
  const std::string key = CreateJournal::Key("https://ws", R"({"cluster_name":"a"})");
  std::string first, second;
  {
    CreateJournal crashed(path_);  // two identical creates, then the process dies
    bool resumed = true;
    first = crashed.Take(key, &resumed);
    EXPECT_FALSE(resumed);
    second = crashed.Take(key, &resumed);
    EXPECT_FALSE(resumed);
    EXPECT_NE(first, second) << "identical creates must not share a token";
  }
  CreateJournal next(path_);
  bool resumed = false;
  std::set<std::string> again;
  again.insert(next.Take(key, &resumed));
  EXPECT_TRUE(resumed);
  again.insert(next.Take(key, &resumed));
  EXPECT_TRUE(resumed);
  EXPECT_EQ(again, (std::set<std::string>{first, second}));
  // A third identical create is new.
  const std::string third = next.Take(key, &resumed);
  EXPECT_FALSE(resumed);
  EXPECT_EQ(again.count(third), 0u);
  // Another configuration never takes these tokens.
  EXPECT_FALSE(again.count(next.Take(CreateJournal::Key("https://ws", R"({"cluster_name":"b"})"), &resumed)));
  EXPECT_FALSE(resumed);
}

TEST_F(CreateJournalTest, SettledCreatesAreForgotten) {
  const std::string key = CreateJournal::Key("https://ws", "{}");
  std::string token;
  {
    CreateJournal done(path_);
    bool resumed;
    token = done.Take(key, &resumed);
    done.Settle(token);
  }
  CreateJournal next(path_);
  bool resumed = true;
  EXPECT_NE(next.Take(key, &resumed), token);
  EXPECT_FALSE(resumed);
}

TEST_F(CreateJournalTest, WorkspaceIsPartOfTheKeyAndOffMeansRandom) {
  EXPECT_NE(CreateJournal::Key("https://a", "{}"), CreateJournal::Key("https://b", "{}"));
  EXPECT_NE(CreateJournal::Key("ab", "c"), CreateJournal::Key("a", "bc"));
  CreateJournal off("");
  bool resumed = true;
  const std::string a = off.Take("k", &resumed);
  EXPECT_FALSE(resumed);
  EXPECT_NE(off.Take("k", &resumed), a);
  EXPECT_EQ(a.rfind("dcs-", 0), 0u);
  EXPECT_LE(a.size(), 64u) << "the API allows at most 64 characters";
}

}  // namespace
}  // namespace dcs::resources
