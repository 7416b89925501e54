#include "base/log.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace dcs::log {
namespace {

struct Entry {
  Level level;
  std::string message;
  nlohmann::json fields;
};

class RecordingSink : public Sink {
 public:
  void Write(Level level, std::string_view message, const nlohmann::json& fields) override {
    entries.push_back({level, std::string(message), fields});
  }
  std::vector<Entry> entries;
};

class BaseLogTest : public ::testing::Test {
 protected:
  void SetUp() override { SetSink(sink_, Level::kInfo); }
  void TearDown() override {
    SetSink(nullptr, Level::kWarn);
    ClearSecretsForTesting();
  }
  std::shared_ptr<RecordingSink> sink_ = std::make_shared<RecordingSink>();
};

TEST_F(BaseLogTest, EntriesBelowTheLevelAreDropped) {
  Debug("not written");
  Info("written", {{"k", 1}});
  Error("also written");
  ASSERT_EQ(sink_->entries.size(), 2u);
  EXPECT_EQ(sink_->entries[0].level, Level::kInfo);
  EXPECT_EQ(sink_->entries[0].message, "written");
  EXPECT_EQ(sink_->entries[0].fields["k"], 1);
  EXPECT_EQ(sink_->entries[1].level, Level::kError);
}

TEST_F(BaseLogTest, WithoutASinkNothingIsWrittenAndNothingFails) {
  SetSink(nullptr, Level::kTrace);
  Error("dropped");
  EXPECT_TRUE(sink_->entries.empty());
}

TEST_F(BaseLogTest, TheSinkSeesRedactedMessageAndFields) {
  RegisterSecret("s3cr3t");
  Warn("token s3cr3t", {{"header", "Bearer s3cr3t"}, {"s3cr3t", {"x", "s3cr3t"}}});
  ASSERT_EQ(sink_->entries.size(), 1u);
  EXPECT_EQ(sink_->entries[0].message, "token <redacted>");
  EXPECT_EQ(sink_->entries[0].fields["header"], "Bearer <redacted>");
  EXPECT_EQ(sink_->entries[0].fields["<redacted>"][1], "<redacted>");
}

TEST(RedactTest, ReplacesEveryOccurrence) {
  EXPECT_EQ(Redact("token=dapi123 again dapi123", {"dapi123"}), "token=<redacted> again <redacted>");
  EXPECT_EQ(Redact("nothing here", {"secret"}), "nothing here");
  EXPECT_EQ(Redact("keep", {""}), "keep");
}

TEST(RedactTest, LongestOverlappingSecretWins) {
  // If "abc" were replaced first, "abcdef" would leak its tail "def".
  EXPECT_EQ(Redact("x abcdef y abc", {"abc", "abcdef"}), "x <redacted> y <redacted>");
}

}  // namespace
}  // namespace dcs::log
