// RunCommand: output capture, exit codes, missing programs and the deadline.
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/process/command.h"

namespace dcs::process {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(RunCommandTest, CapturesBothStreamsAndTheExitCode) {
  auto r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(RunCommandTest, MissingProgramIsNotFound) {
  auto r = RunCommand({"dcs-no-such-program-xyz"}, 5s);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST(RunCommandTest, AHangingCommandIsStoppedAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  // The grandchild keeps the pipes open: the whole process group must go.
  auto r = RunCommand({"sh", "-c", "echo partial >&2; sleep 30 & sleep 30"}, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("did not finish within 0.3 s"));
  EXPECT_THAT(r.status().message(), HasSubstr("partial"));
  EXPECT_LT(took, 5s);
}

TEST(RunCommandTest, OutputIsBoundedAndStdinIsEmpty) {
  auto r = RunCommand({"sh", "-c", "cat; head -c 100000 /dev/zero | tr '\\0' x"}, 10s, 1000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out.size(), 1000u);
}

TEST(QuoteStderrTest, TrimsFlattensAndKeepsTheTail) {
  EXPECT_EQ(QuoteStderr("  ERROR: Please run 'az login'\n"), "\"ERROR: Please run 'az login'\"");
  EXPECT_EQ(QuoteStderr(""), "(no output)");
  EXPECT_EQ(QuoteStderr(std::string(1000, 'a') + "END", 10), "\"…aaaaaaaEND\"");
}

}  // namespace
}  // namespace dcs::process
