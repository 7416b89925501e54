// ApplyRetention against a registry on a FakeTransport: the workspace is
// asked right before deleting, only when something would be deleted; what is
// in use then is kept, an unanswered check deletes nothing, and nothing
// outside the planned entries is ever deleted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/http/testing/fakes.h"
#include "resources/image_retention.h"

namespace dcs::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const std::string kD1 = "sha256:" + std::string(64, 'a');
const std::string kD2 = "sha256:" + std::string(64, 'b');
const std::string kD3 = "sha256:" + std::string(64, 'c');

struct Registry {
  std::shared_ptr<http::FakeTransport> fake = std::make_shared<http::FakeTransport>();
  std::unique_ptr<registry::RegistryClient> client;
  Registry() {
    registry::RegistryOptions o;
    o.host = "reg.example";
    o.auth.discover = false;
    o.transport = fake;
    o.retry.max_attempts = 1;
    client = *registry::RegistryClient::Create(std::move(o));
  }
  void Answer(std::string method, std::string path, int status, http::Headers headers = {}, std::string body = "") {
    http::Response r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    fake->Add({std::move(method), std::move(path), "", std::move(r), absl::OkStatus()});
  }
  // Tags v1 → kD1, v2 → kD2, build → kD3 (no config: creation times unknown).
  void ServeTags() {
    Answer("GET", "/v2/team/app/tags/list", 200, {{"Content-Type", "application/json"}},
           R"({"name":"team/app","tags":["v1","v2","build"]})");
    for (const auto& [tag, digest] : {std::pair{"v1", kD1}, {"v2", kD2}, {"build", kD3}}) {
      Answer("HEAD", std::string("/v2/team/app/manifests/") + tag, 200, {{"Docker-Content-Digest", digest}});
      Answer("GET", "/v2/team/app/manifests/" + digest, 404);
    }
  }
  std::vector<std::string> Deletes() const {
    std::vector<std::string> out;
    for (const auto& r : fake->requests()) {
      if (r.method == "DELETE") out.push_back(r.url.substr(r.url.rfind('/') + 1));
    }
    return out;
  }
};

TEST(ApplyRetentionTest, KeepsWhatCameIntoUseAndDeletesOnlyPlannedEntries) {
  Registry reg;
  reg.ServeTags();
  reg.Answer("DELETE", "/v2/team/app/manifests/" + kD1, 202);
  int asked = 0;
  UsesNow uses_now = [&](const std::vector<TagInfo>& tags) -> absl::StatusOr<ImageUses> {
    ++asked;
    EXPECT_EQ(tags.size(), 3u);
    ImageUses uses;
    uses.tags["v2"] = {"cluster c-1 (RUNNING) uses tag v2"};
    uses.digests[kD3] = {"instance pool p preloads " + kD3};  // not planned: irrelevant
    return uses;
  };
  std::vector<std::string> skipped;
  std::map<std::string, std::string> kept;
  ASSERT_TRUE(ApplyRetention(*reg.client, "team/app", {"v1", "v2"}, {"build"}, &skipped, uses_now, &kept).ok());
  EXPECT_EQ(asked, 1);
  EXPECT_THAT(reg.Deletes(), ElementsAre(kD1));
  EXPECT_THAT(kept, ElementsAre(Pair("v2", "cluster c-1 (RUNNING) uses tag v2")));
  EXPECT_TRUE(skipped.empty());
}

TEST(ApplyRetentionTest, AnUnansweredCheckDeletesNothing) {
  Registry reg;
  reg.ServeTags();
  UsesNow refused = [](const std::vector<TagInfo>&) -> absl::StatusOr<ImageUses> {
    return absl::PermissionDeniedError("listing clusters: PERMISSION_DENIED");
  };
  absl::Status s = ApplyRetention(*reg.client, "team/app", {"v1", kD2}, {"build"}, nullptr, refused, nullptr);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(reg.Deletes().empty());
}

TEST(ApplyRetentionTest, TheWorkspaceIsNotAskedWhenNothingIsLeftToDelete) {
  Registry reg;
  reg.ServeTags();
  bool asked = false;
  UsesNow uses_now = [&](const std::vector<TagInfo>&) -> absl::StatusOr<ImageUses> {
    asked = true;
    return ImageUses{};
  };
  // "gone" no longer exists; "build" is an own tag (its manifest stays).
  ASSERT_TRUE(ApplyRetention(*reg.client, "team/app", {"gone", "build"}, {"build"}, nullptr, uses_now, nullptr).ok());
  EXPECT_FALSE(asked);
  EXPECT_TRUE(reg.Deletes().empty());
}

}  // namespace
}  // namespace dcs::resources
