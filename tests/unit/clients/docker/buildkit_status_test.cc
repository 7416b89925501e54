// Decoding of BuildKit's status stream as the Engine API sends it
// ("moby.buildkit.trace" messages with a base64 StatusResponse).
#include "clients/docker/buildkit_status.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "sdk/log/hclog.h"

namespace dcs::docker {
namespace {

using moby::buildkit::v1::StatusResponse;

nlohmann::json Trace(const StatusResponse& s) {
  return {{"id", "moby.buildkit.trace"}, {"aux", absl::Base64Escape(s.SerializeAsString())}};
}

StatusResponse Vertex(const std::string& digest, const std::string& name, bool started, bool completed,
                      bool cached = false, const std::string& error = "") {
  StatusResponse s;
  auto* v = s.add_vertexes();
  v->set_digest(digest);
  v->set_name(name);
  v->set_cached(cached);
  if (started) v->mutable_started()->set_seconds(1);
  if (completed) v->mutable_completed()->set_seconds(2);
  v->set_error(error);
  return s;
}

StatusResponse Log(const std::string& digest, const std::string& bytes) {
  StatusResponse s;
  auto* l = s.add_logs();
  l->set_vertex(digest);
  l->set_stream(1);
  l->set_msg(bytes);
  return s;
}

TEST(BuildKitStreamTest, SuccessfulBuildReportsStepsCachedAndImageId) {
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  BuildKitStream s;
  s.OnMessage(Trace(Vertex("sha256:a", "[1/2] COPY busybox /bin/busybox", true, false)));
  s.OnMessage(Trace(Vertex("sha256:a", "[1/2] COPY busybox /bin/busybox", true, true, /*cached=*/true)));
  s.OnMessage(Trace(Vertex("sha256:b", "[2/2] RUN echo hi", true, false)));
  s.OnMessage(Trace(Log("sha256:b", "hi\nsecond li")));
  s.OnMessage(Trace(Log("sha256:b", "ne\n")));
  s.OnMessage(Trace(Vertex("sha256:b", "[2/2] RUN echo hi", true, true)));
  s.OnMessage({{"id", "moby.image.id"}, {"aux", {{"ID", "sha256:feed"}}}});
  log::SetSinkForTesting(nullptr);
  ASSERT_TRUE(s.Result().ok()) << s.Result();
  EXPECT_EQ(s.image_id(), "sha256:feed");
  EXPECT_EQ(s.completed(), (std::vector<std::string>{"CACHED [1/2] COPY busybox /bin/busybox", "[2/2] RUN echo hi"}));
  EXPECT_EQ(s.output(), (std::vector<std::string>{"[2/2] RUN echo hi: hi", "[2/2] RUN echo hi: second line"}));
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_TRUE(absl::StrContains(all, "step CACHED")) << all;
  EXPECT_TRUE(absl::StrContains(all, "[2/2] RUN echo hi")) << all;
  EXPECT_TRUE(absl::StrContains(all, "second line")) << all;
}

TEST(BuildKitStreamTest, FailureNamesTheStepWithItsOutputTail) {
  BuildKitStream s(/*tail_lines=*/2);
  s.OnMessage(Trace(Vertex("sha256:b", "[3/3] RUN make", true, false)));
  s.OnMessage(Trace(Log("sha256:b", "one\ntwo\nthree\nno newline")));
  s.OnMessage(Trace(Vertex("sha256:b", "[3/3] RUN make", true, true, false, "exit code: 3")));
  s.OnMessage({{"errorDetail", {{"message", "executor failed running [/bin/sh -c make]: exit code: 3"}}},
               {"error", "executor failed running [/bin/sh -c make]: exit code: 3"}});
  absl::Status r = s.Result();
  EXPECT_EQ(r.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(r.message(),
            "docker build failed at [3/3] RUN make: executor failed running [/bin/sh -c make]: exit code: 3\n"
            "--- last 3 output lines ---\ntwo\nthree\nno newline");
}

TEST(BuildKitStreamTest, ErrorWithoutStepAndGarbage) {
  BuildKitStream s;
  s.OnMessage({{"id", "moby.buildkit.trace"}, {"aux", "!!not base64!!"}});
  s.OnMessage({{"errorDetail", {{"message", "failed to solve: dockerfile parse error line 2: unknown instruction: BOGUS"}}}});
  EXPECT_EQ(s.Result().message(), "docker build failed: failed to solve: dockerfile parse error line 2: unknown instruction: BOGUS");
  BuildKitStream empty;
  EXPECT_EQ(empty.Result().code(), absl::StatusCode::kUnknown);  // no image id
}

}  // namespace
}  // namespace dcs::docker
