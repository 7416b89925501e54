#include "clients/docker/progress_stream.h"

#include <gtest/gtest.h>

namespace dcs::docker {
namespace {

void FeedInPieces(const std::string& stream, size_t piece, JsonLineSplitter& s) {
  for (size_t i = 0; i < stream.size(); i += piece) s.Feed(std::string_view(stream).substr(i, piece));
  s.Finish();
}

TEST(JsonLineSplitterTest, HandlesSplitObjectsCrlfAndPlainText) {
  const std::string stream =
      "{\"stream\":\"Step 1/2 : FROM scratch\"}\r\n{\"stream\":\"\\n\"}\r\nnot json\r\n"
      "{\"aux\":{\"ID\":\"sha256:abc\"}}";
  for (size_t piece : {1u, 3u, 1000u}) {
    std::vector<nlohmann::json> got;
    JsonLineSplitter s([&](const nlohmann::json& m) { got.push_back(m); });
    FeedInPieces(stream, piece, s);
    ASSERT_EQ(got.size(), 4u) << piece;
    EXPECT_EQ(got[2]["stream"], "not json\n");
    EXPECT_EQ(got[3]["aux"]["ID"], "sha256:abc");
  }
}

TEST(BuildStreamTest, SuccessGivesImageIdAndOutput) {
  BuildStream b;
  JsonLineSplitter s([&](const nlohmann::json& m) { b.OnMessage(m); });
  FeedInPieces(
      "{\"stream\":\"Step 1/2 : FROM scratch\"}\n{\"stream\":\"\\n\"}\n{\"stream\":\" ---> \\n\"}\n"
      "{\"stream\":\"Step 2/2 : COPY x /\"}\n{\"stream\":\"\\n\"}\n"
      "{\"aux\":{\"ID\":\"sha256:1234\"}}\n{\"stream\":\"Successfully built 1234\\n\"}\n",
      5, s);
  EXPECT_TRUE(b.Result().ok());
  EXPECT_EQ(b.image_id(), "sha256:1234");
  EXPECT_EQ(b.current_step(), "Step 2/2 : COPY x /");
  EXPECT_EQ(b.output().size(), 4u);
}

TEST(BuildStreamTest, FailureNamesStepAndKeepsLast30Lines) {
  BuildStream b;
  b.OnMessage({{"stream", "Step 3/5 : RUN false\n"}});
  for (int i = 0; i < 40; ++i) b.OnMessage({{"stream", "line " + std::to_string(i) + "\n"}});
  b.OnMessage({{"stream", "partial without newline"}});
  b.OnMessage({{"errorDetail", {{"code", 1}, {"message", "The command '/bin/sh -c false' returned a non-zero code: 1"}}},
               {"error", "The command '/bin/sh -c false' returned a non-zero code: 1"}});
  absl::Status s = b.Result();
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  const std::string m(s.message());
  EXPECT_NE(m.find("Step 3/5 : RUN false"), std::string::npos) << m;
  EXPECT_NE(m.find("returned a non-zero code: 1"), std::string::npos) << m;
  EXPECT_NE(m.find("partial without newline"), std::string::npos) << m;
  EXPECT_NE(m.find("line 39"), std::string::npos) << m;
  EXPECT_NE(m.find("line 11"), std::string::npos) << m;
  EXPECT_EQ(m.find("line 10\n"), std::string::npos) << m;  // 29 full lines + the partial one
}

TEST(BuildStreamTest, NoImageIdIsAnError) {
  BuildStream b;
  b.OnMessage({{"stream", "Step 1/1 : FROM scratch\n"}});
  EXPECT_FALSE(b.Result().ok());
}

TEST(PushStreamTest, DigestFromAuxOrStatus) {
  PushStream p;
  p.OnMessage({{"status", "The push refers to repository [r/x]"}});
  p.OnMessage({{"status", "v1: digest: sha256:aaa size: 528"}});
  EXPECT_EQ(p.digest(), "sha256:aaa");
  PushStream q;
  q.OnMessage({{"aux", {{"Tag", "v1"}, {"Digest", "sha256:bbb"}, {"Size", 528}}}});
  EXPECT_EQ(q.digest(), "sha256:bbb");
  EXPECT_TRUE(q.Result("r/x:v1", "pw").ok());
}

TEST(PushStreamTest, ErrorsAreClassifiedAndScrubbed) {
  PushStream p;
  p.OnMessage({{"errorDetail", {{"message", "unauthorized: authentication required for hunter2"}}}});
  absl::Status s = p.Result("r/x:v1", "hunter2");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(s.message()).find("hunter2"), std::string::npos) << s;
  EXPECT_NE(std::string(s.message()).find("<redacted>"), std::string::npos) << s;
  EXPECT_EQ(CodeForDaemonError("denied: requested access to the resource is denied"),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForDaemonError("tag does not exist: x"), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForDaemonError("boom"), absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace dcs::docker
