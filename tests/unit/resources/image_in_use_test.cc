// dcs_image retention's in-use protection: what the workspace lists (clusters
// of every state over several pages, pool preloads, AI Runtime
// registrations), matching by tag and by digest, and what happens without an
// answer (no workspace, a workspace that refuses).
#include "resources/image_in_use.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resources/image_retention.h"
#include "resources/provider_clients.h"
#include "tests/unit/resources/resource_fixture.h"

namespace dcs::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const std::string kOld = "sha256:" + std::string(64, '1');
const std::string kMid = "sha256:" + std::string(64, '2');
const std::string kNew = "sha256:" + std::string(64, '3');
constexpr char kRepo[] = "127.0.0.1:5000/team/app";

std::vector<TagInfo> ThreeTags() {
  return {{"v1", kOld, std::nullopt}, {"v2", kMid, std::nullopt}, {"v3", kNew, std::nullopt}};
}

class InUseTest : public testing::ResourceTest {
 protected:
  InUseTest() : ResourceTest(NewImageResource) {}

  databricks::Client& Client() { return **(*ClientsOf(ctx_))->Workspace(); }

  void ExpectEmptyPoolsAndRegistrations() {
    Expect("GET", "/api/2.0/instance-pools/list", "", 200, "{}");
    Expect("GET", "/api/2.0/ai-compute-manager/images", "", 200, "{}");
  }
};

TEST_F(InUseTest, ClustersOfEveryStateOverPagesPoolsAndRegistrations) {
  Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 200,
         R"({"clusters":[{"cluster_id":"0101-a","cluster_name":"etl","state":"TERMINATED",
                          "docker_image":{"url":"127.0.0.1:5000/team/app:v2"}},
                         {"cluster_id":"0101-b","state":"RUNNING","docker_image":{"url":"127.0.0.1:5000/other:v1"}},
                         {"cluster_id":"0101-c","state":"RUNNING"}],"next_page_token":"p2"})");
  Expect("GET", "/api/2.1/clusters/list?page_size=100&page_token=p2", "", 200,
         R"({"clusters":[{"cluster_id":"0101-d","state":"PENDING",
                          "docker_image":{"url":"127.0.0.1:5000/team/app:v9@)" + kNew + R"("}}]})");
  Expect("GET", "/api/2.0/instance-pools/list", "", 200,
         R"({"instance_pools":[{"instance_pool_id":"p-1","instance_pool_name":"gpu","node_type_id":"n",
                                "preloaded_docker_images":[{"url":"127.0.0.1:5000/team/app@)" + kOld + R"("}]},
                               {"instance_pool_id":"p-2","instance_pool_name":"gone","node_type_id":"n","state":"DELETED",
                                "preloaded_docker_images":[{"url":"127.0.0.1:5000/team/app:v3"}]}]})");
  Expect("GET", "/api/2.0/ai-compute-manager/images", "", 200,
         R"({"images":[{"docker_image_url":"127.0.0.1:5000/team/app:v4","state":"AVAILABLE",
                        "manifest_sha256":")" + std::string(64, '4') + R"("},
                       {"docker_image_url":"docker.io/library/app:v1","state":"AVAILABLE"}]})");
  auto ref = registry::ParseReference(kRepo);
  ASSERT_TRUE(ref.ok());
  auto uses = CollectWorkspaceImageUses(Client(), *ref, {}, nullptr);
  ASSERT_TRUE(uses.ok()) << uses.status();
  EXPECT_THAT(uses->tags, UnorderedElementsAre(
                              Pair("v2", ElementsAre("cluster 0101-a \"etl\" (TERMINATED) uses tag v2")),
                              Pair("v9", ElementsAre("cluster 0101-d (PENDING) uses tag v9")),
                              Pair("v4", ElementsAre(HasSubstr("AI Runtime image registration of "
                                                               "127.0.0.1:5000/team/app:v4 (AVAILABLE) uses tag v4")))));
  EXPECT_THAT(uses->digests,
              UnorderedElementsAre(Pair(kNew, ElementsAre(HasSubstr("cluster 0101-d (PENDING) uses sha256:3333"))),
                                   Pair(kOld, ElementsAre(HasSubstr("instance pool p-1 \"gpu\" preloads sha256:1111"))),
                                   Pair("sha256:" + std::string(64, '4'), ElementsAre(HasSubstr("imported")))));
}

TEST_F(InUseTest, ARefusedListingIsAnErrorThatNamesIt) {
  Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 403,
         R"({"error_code":"PERMISSION_DENIED","message":"no access to clusters"})");
  auto ref = registry::ParseReference(kRepo);
  auto uses = CollectWorkspaceImageUses(Client(), *ref, {}, nullptr);
  EXPECT_EQ(uses.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(uses.status().message(), HasSubstr("listing clusters"));

  // Through the provider: kFailed, and the plan holds everything.
  Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 500, R"({"error_code":"INTERNAL_ERROR","message":"x"})");
  WorkspaceImageUses answer = AskWorkspaceForImageUses(ctx_, kRepo, {});
  EXPECT_EQ(answer.check, WorkspaceImageUses::Check::kFailed);
  std::vector<std::string> entries = {"v1", "v2"};
  std::map<std::string, std::string> held;
  framework::Diagnostics d;
  HoldEntriesInUse(answer, /*require_workspace_check=*/false, ThreeTags(), &entries, &held, d);
  EXPECT_THAT(entries, IsEmpty());
  EXPECT_THAT(held, UnorderedElementsAre(Pair("v1", HasSubstr("could not be asked")), Pair("v2", HasSubstr("could not be asked"))));
  EXPECT_FALSE(d.HasError());
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_THAT(d.items()[0].summary, HasSubstr("in-use protection could not be checked"));
  EXPECT_THAT(d.items()[0].detail, HasSubstr("listing clusters"));
  EXPECT_FALSE(UsesForApply(answer, false).ok());
}

TEST_F(InUseTest, MissingRegistrationListFallsBackToProbes) {
  Expect("GET", "/api/2.1/clusters/list?page_size=100", "", 200, "{}");
  Expect("GET", "/api/2.0/instance-pools/list", "", 200, "{}");
  Expect("GET", "/api/2.0/ai-compute-manager/images", "", 404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"No API"})");
  Expect("GET", "/api/2.0/ai-compute-manager/images:get?docker_image_url=127.0.0.1%3A5000%2Fteam%2Fapp%3Av1", "",
         404, R"({"error_code":"NOT_FOUND","message":"not registered"})");
  Expect("GET", "/api/2.0/ai-compute-manager/images:get?docker_image_url=127.0.0.1%3A5000%2Fteam%2Fapp%40sha256%3A" + std::string(64, '1'), "",
         200, R"({"docker_image_url":"127.0.0.1:5000/team/app@)" + kOld + R"(","state":"AVAILABLE"})");
  const std::vector<std::string> probes = ProbeUrlsFor(kRepo, ThreeTags(), {"v1"});
  EXPECT_THAT(probes, ElementsAre("127.0.0.1:5000/team/app:v1", "127.0.0.1:5000/team/app@" + kOld));
  auto uses = CollectWorkspaceImageUses(Client(), *registry::ParseReference(kRepo), probes, nullptr);
  ASSERT_TRUE(uses.ok()) << uses.status();
  EXPECT_THAT(uses->digests, UnorderedElementsAre(Pair(kOld, ElementsAre(HasSubstr("registration")))));
}

TEST(ProtectInUseTest, ByTagByDigestAndThroughASharedManifest) {
  ImageUses uses;
  uses.digests[kOld] = {"instance pool p-1 preloads " + kOld};
  uses.tags["v2"] = {"cluster c-1 (TERMINATED) uses tag v2"};
  std::vector<TagInfo> tags = ThreeTags();
  tags.push_back({"v2-alias", kMid, std::nullopt});
  std::map<std::string, std::string> kept;
  const std::vector<std::string> left = ProtectInUse(tags, {"v1", "v2", "v2-alias", "v3", kOld, kNew}, uses, &kept);
  EXPECT_THAT(left, ElementsAre("v3", kNew));
  EXPECT_EQ(kept["v1"], "instance pool p-1 preloads " + kOld + " (the manifest of tag v1)");
  EXPECT_EQ(kept["v2"], "cluster c-1 (TERMINATED) uses tag v2");
  EXPECT_EQ(kept["v2-alias"], "cluster c-1 (TERMINATED) uses tag v2 (same manifest as v2-alias)");
  EXPECT_EQ(kept[kOld], "instance pool p-1 preloads " + kOld);
}

TEST(HoldEntriesTest, NoWorkspaceHoldsUnlessOptedOut) {
  WorkspaceImageUses none{.check = WorkspaceImageUses::Check::kNoWorkspace,
                          .error = absl::InvalidArgumentError("no host")};
  std::vector<std::string> entries = {"v1"};
  std::map<std::string, std::string> held;
  framework::Diagnostics d;
  HoldEntriesInUse(none, true, ThreeTags(), &entries, &held, d);
  EXPECT_THAT(entries, IsEmpty());
  EXPECT_THAT(held, ElementsAre(Pair("v1", HasSubstr("no Databricks workspace configured"))));
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_THAT(d.items()[0].summary, HasSubstr("in-use protection was not checked"));
  EXPECT_THAT(d.items()[0].detail, HasSubstr("require_workspace_check = false"));
  EXPECT_FALSE(UsesForApply(none, true).ok());

  entries = {"v1"};
  held.clear();
  framework::Diagnostics opted_out;
  HoldEntriesInUse(none, false, ThreeTags(), &entries, &held, opted_out);
  EXPECT_THAT(entries, ElementsAre("v1"));
  EXPECT_THAT(held, IsEmpty());
  ASSERT_EQ(opted_out.items().size(), 1u);
  EXPECT_THAT(opted_out.items()[0].summary, HasSubstr("did not check"));
  auto apply_uses = UsesForApply(none, false);
  ASSERT_TRUE(apply_uses.ok());
  EXPECT_TRUE(apply_uses->empty());
}

}  // namespace
}  // namespace dcs::resources
