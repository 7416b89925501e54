#include "sdk/log/hclog.h"

#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dcs::log {
namespace {

using ::testing::SizeIs;

// Captures lines through the sink seam and restores the defaults afterwards.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLevelForTesting(Level::kTrace);
    SetSinkForTesting([this](std::string_view line) {
      lines_.emplace_back(line);
    });
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    ClearSecretsForTesting();
    SetLevelForTesting(Level::kWarn);
  }
  nlohmann::json Line(size_t i) { return nlohmann::json::parse(lines_.at(i)); }

  std::vector<std::string> lines_;  // Only appended under the log mutex.
};

TEST_F(LogTest, WritesHclogJsonShape) {
  Info("creating cluster", {{"cluster_id", "abc"}, {"attempt", 2}});
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  nlohmann::json line = Line(0);
  EXPECT_EQ(line["@level"], "info");
  EXPECT_EQ(line["@message"], "creating cluster");
  EXPECT_EQ(line["@module"], "provider");
  EXPECT_TRUE(line["@timestamp"].is_string());
  EXPECT_EQ(line["cluster_id"], "abc");
  EXPECT_EQ(line["attempt"], 2);
}

TEST_F(LogTest, TimestampMatchesGoLayout) {
  Debug("x");
  const std::regex go_layout(
      R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$)");
  EXPECT_TRUE(std::regex_match(Line(0)["@timestamp"].get<std::string>(),
                               go_layout));
  EXPECT_EQ(FormatTimestamp(1785587696123456), "2026-08-01T12:34:56.123456Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
}

TEST_F(LogTest, ModuleCanBeOverriddenButReservedKeysCannot) {
  Warn("m", {{"@module", "provider.http"},
             {"@level", 7},
             {"@message", 1},
             {"@timestamp", 3}});
  nlohmann::json line = Line(0);
  EXPECT_EQ(line["@module"], "provider.http");
  EXPECT_EQ(line["@level"], "warn");
  EXPECT_EQ(line["@message"], "m");
  EXPECT_TRUE(line["@timestamp"].is_string());
}

TEST_F(LogTest, NonObjectFieldsAreKeptUnderFields) {
  Error("boom", nlohmann::json::array({1, 2}));
  EXPECT_EQ(Line(0)["fields"], nlohmann::json::array({1, 2}));
  EXPECT_EQ(Line(0)["@level"], "error");
}

TEST_F(LogTest, LinesBelowLevelAreNotWritten) {
  SetLevelForTesting(Level::kWarn);
  Trace("t");
  Debug("d");
  Info("i");
  Warn("w");
  Error("e");
  ASSERT_THAT(lines_, SizeIs(2));
  EXPECT_EQ(Line(0)["@level"], "warn");
  EXPECT_EQ(Line(1)["@level"], "error");
  SetLevelForTesting(Level::kOff);
  Error("hidden");
  Log(Level::kOff, "never");
  EXPECT_THAT(lines_, SizeIs(2));
}

TEST_F(LogTest, InvalidUtf8DoesNotThrowOrDropTheLine) {
  Info(std::string("bad \xff byte"));
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_NO_THROW(Line(0));
}

TEST(LogLevelTest, FromEnvironment) {
  EXPECT_EQ(LevelFromEnvironment(nullptr, nullptr), Level::kWarn);
  EXPECT_EQ(LevelFromEnvironment("", ""), Level::kWarn);
  EXPECT_EQ(LevelFromEnvironment(nullptr, "DEBUG"), Level::kDebug);
  EXPECT_EQ(LevelFromEnvironment("error", "TRACE"), Level::kError);
  EXPECT_EQ(LevelFromEnvironment("", "info"), Level::kInfo);
  EXPECT_EQ(LevelFromEnvironment(nullptr, "JSON"), Level::kTrace);
  EXPECT_EQ(LevelFromEnvironment(nullptr, "verbose"), Level::kTrace);
  EXPECT_EQ(LevelFromEnvironment("OFF", "TRACE"), Level::kOff);
  EXPECT_EQ(LevelFromEnvironment(nullptr, "WARN"), Level::kWarn);
}

TEST_F(LogTest, RegisteredSecretsAreRedactedEverywhere) {
  RegisterSecret("s3cr3t");
  RegisterSecret("");
  Info("auth with s3cr3t",
       {{"header", "Bearer s3cr3t"},
        {"nested", {{"list", {"a", "s3cr3t"}}}},
        {"s3cr3t", true}});
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_EQ(lines_[0].find("s3cr3t"), std::string::npos) << lines_[0];
  nlohmann::json line = Line(0);
  EXPECT_EQ(line["@message"], "auth with <redacted>");
  EXPECT_EQ(line["header"], "Bearer <redacted>");
  EXPECT_EQ(line["nested"]["list"][1], "<redacted>");
  EXPECT_TRUE(line.contains("<redacted>"));
}

TEST_F(LogTest, ConcurrentCallsProduceWholeLines) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 100; ++i) Info("line", {{"t", t}, {"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_THAT(lines_, SizeIs(800));
  for (const std::string& line : lines_) {
    EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
  }
}

}  // namespace
}  // namespace dcs::log
