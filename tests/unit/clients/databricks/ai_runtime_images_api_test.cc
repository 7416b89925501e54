// AI Runtime image registration client: url normalisation (the CLI's rules),
// exact requests, answer shapes, and the registration waiter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/ai_runtime_images_api.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::milliseconds;

const std::string kDigest(64, 'a');

TEST(NormalizeImageUrlTest, FollowsTheCliRules) {
  const std::pair<std::string, std::string> cases[] = {
      {"ubuntu", "docker.io/library/ubuntu:latest"},
      {"ubuntu:24.04", "docker.io/library/ubuntu:24.04"},
      {"  library/ubuntu:latest\n", "docker.io/library/ubuntu:latest"},
      {"pytorch/pytorch:2.0.0", "docker.io/pytorch/pytorch:2.0.0"},
      {"databricksruntime/air:dcs-base-aws-runtime", "docker.io/databricksruntime/air:dcs-base-aws-runtime"},
      {"nvcr.io/nvidia/pytorch:24.01-py3", "nvcr.io/nvidia/pytorch:24.01-py3"},
      {"registry.gitlab.com/org/repo", "registry.gitlab.com/org/repo:latest"},
      {"myreg.io:5000/team/img", "myreg.io:5000/team/img:latest"},
      {"myreg.io:5000/team/img:2", "myreg.io:5000/team/img:2"},
      {"ghcr.io/o/r:1.0@sha256:" + kDigest, "ghcr.io/o/r@sha256:" + kDigest},
      {"o/r@sha256:" + kDigest, "docker.io/o/r@sha256:" + kDigest},
      // No '.' in the host part: the CLI treats it as a Docker Hub namespace.
      {"localhost:5000/x:1", "docker.io/localhost:5000/x:1"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeImageUrl(in), want) << in;
}

TEST(NormalizeImageUrlTest, ChecksTheReference) {
  auto ok = NormalizeAndCheckImageUrl("docker.io/org/trainer:1.4.2");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, "docker.io/org/trainer:1.4.2");
  const std::pair<std::string, std::string> bad[] = {
      {"", "empty"},
      {"   ", "empty"},
      {"Org/Trainer:1", "lower-case"},
      {"docker.io/org/x:bad tag", "whitespace"},
      {"docker.io/org/x:-dash", "bad tag"},
      {"docker.io/org/x@sha256:abc", "bad digest"},
      {"docker.io/org/x@md5:" + kDigest, "bad digest"},
      {"https://docker.io/org/x:1", "scheme"},
      {"docker.io//x:1", "empty path component"},
      {"localhost:5000/x:1", "path component"},
      {"-bad.io/x:1", "registry host"},
  };
  for (const auto& [in, why] : bad) {
    auto r = NormalizeAndCheckImageUrl(in);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << in;
    EXPECT_THAT(r.status().message(), HasSubstr(why)) << in;
  }
}

TEST(NormalizeImageUrlTest, LatestTag) {
  EXPECT_TRUE(UsesLatestTag("docker.io/library/ubuntu:latest"));
  EXPECT_FALSE(UsesLatestTag("docker.io/library/ubuntu:24.04"));
  EXPECT_FALSE(UsesLatestTag("docker.io/library/ubuntu@sha256:" + kDigest));
  EXPECT_FALSE(UsesLatestTag("myreg.io:5000/latest:1"));
}

std::string GetPath(const std::string& verb, const std::string& url) {
  return "/api/2.0/ai-compute-manager/images" + verb + "?" + QueryString({{"docker_image_url", url}});
}

TEST(AiRuntimeImagesApiTest, RegisterSendsNormalisedUrlAndCredentialsAndAcceptsWrappedAnswer) {
  ClientFixture f;
  f.Expect("POST", "/api/2.0/ai-compute-manager/images",
           R"({"docker_image_url":"docker.io/org/x:1","credentials_scope":"s","credentials_key":"k"})", 200,
           R"({"image":{"docker_image_url":"docker.io/org/x:1","state":"PENDING"}})");
  AiRuntimeImagesApi api(f.client);
  auto r = api.Register("org/x:1", "s", "k", nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->docker_image_url, "docker.io/org/x:1");
  EXPECT_EQ(r->state, "PENDING");
  EXPECT_FALSE(r->manifest_sha256.has_value());
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(AiRuntimeImagesApiTest, RegisterWithoutCredentialsAcceptsInlineAnswerAndIsRetriedWhenThrottled) {
  ClientFixture f;
  f.Expect("POST", "/api/2.0/ai-compute-manager/images", R"({"docker_image_url":"docker.io/library/ubuntu:24.04"})",
           200, R"({"docker_image_url":"docker.io/library/ubuntu:24.04","state":"AVAILABLE","manifest_sha256":"abc"})");
  AiRuntimeImagesApi api(f.client);
  auto r = api.Register("ubuntu:24.04", std::nullopt, std::nullopt, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state, "AVAILABLE");
  EXPECT_EQ(r->manifest_sha256, "abc");

  ClientFixture g;  // idempotent: a 503 is retried
  g.Expect("POST", "/api/2.0/ai-compute-manager/images", "", 503, R"({"error_code":"TEMPORARILY_UNAVAILABLE"})");
  g.Expect("POST", "/api/2.0/ai-compute-manager/images", "", 200, R"({"image":{"state":"PENDING"}})");
  AiRuntimeImagesApi api2(g.client);
  auto retried = api2.Register("ubuntu:24.04", std::nullopt, std::nullopt, nullptr);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(g.fake->requests().size(), 2u);
}

TEST(AiRuntimeImagesApiTest, UnknownOrMissingStateIsPending) {
  for (const char* body : {R"({"docker_image_url":"d"})", R"({"docker_image_url":"d","state":"QUEUED"})"}) {
    auto r = ParseImageRegistration(nlohmann::json::parse(body), "test");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->state, "PENDING") << body;
  }
  EXPECT_EQ(ParseImageRegistration(nlohmann::json::parse(R"({"state":1})"), "t").status().code(),
            absl::StatusCode::kInternal);
}

TEST(AiRuntimeImagesApiTest, GetMapsNotFoundToNulloptButNotAMissingEndpoint) {
  ClientFixture f;
  const std::string url = "docker.io/library/ubuntu:24.04";
  f.Expect("GET", GetPath(":get", url), "", 200,
           R"({"docker_image_url":"docker.io/library/ubuntu:24.04","state":"FAILED","status_message":"boom"})");
  f.Expect("GET", GetPath(":get", url), "", 404, R"({"error_code":"NOT_FOUND","message":"not registered"})");
  f.Expect("GET", GetPath(":get", url), "", 404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"No API"})");
  AiRuntimeImagesApi api(f.client);
  auto failed = api.Get("ubuntu:24.04", nullptr);
  ASSERT_TRUE(failed.ok() && failed->has_value());
  EXPECT_EQ((*failed)->state, "FAILED");
  EXPECT_EQ((*failed)->status_message, "boom");
  auto missing = api.Get(url, nullptr);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(api.Get(url, nullptr).status().code(), absl::StatusCode::kNotFound);
}

TEST(AiRuntimeImagesApiTest, CheckImageAccessAndDelete) {
  ClientFixture f;
  const std::string url = "docker.io/org/x:1";
  f.Expect("GET", GetPath(":checkImageAccess", url), "", 200, R"({"publicly_accessible":false})");
  f.Expect("GET", GetPath(":checkImageAccess", url), "", 404, R"({"error_code":"ENDPOINT_NOT_FOUND"})");
  f.Expect("DELETE", GetPath(":delete", url), "", 200, "{}");
  f.Expect("DELETE", GetPath(":delete", url), "", 404, R"({"error_code":"NOT_FOUND","message":"gone"})");
  AiRuntimeImagesApi api(f.client);
  EXPECT_EQ(api.CheckImageAccess("org/x:1", nullptr), std::optional<bool>(false));
  EXPECT_EQ(api.CheckImageAccess("org/x:1", nullptr), std::nullopt);
  EXPECT_TRUE(api.Delete("org/x:1", nullptr).ok());
  EXPECT_EQ(api.Delete("org/x:1", nullptr).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(AiRuntimeImagesApiTest, ListFollowsPageTokensAndKeepsMissingEndpointAnError) {
  ClientFixture f;
  f.Expect("GET", "/api/2.0/ai-compute-manager/images", "", 200,
           R"({"images":[{"docker_image_url":"r.io/a:1","state":"AVAILABLE","manifest_sha256":")" + kDigest +
               R"("}],"next_page_token":"p2"})");
  f.Expect("GET", "/api/2.0/ai-compute-manager/images?page_token=p2", "", 200,
           R"({"images":[{"docker_image_url":"r.io/b@sha256:)" + kDigest + R"("}]})");
  f.Expect("GET", "/api/2.0/ai-compute-manager/images", "", 200, "{}");
  f.Expect("GET", "/api/2.0/ai-compute-manager/images", "", 200, R"({"images":{"x":1}})");
  f.Expect("GET", "/api/2.0/ai-compute-manager/images", "", 404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"No API"})");
  AiRuntimeImagesApi api(f.client);
  auto listed = api.List(nullptr);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].docker_image_url, "r.io/a:1");
  EXPECT_EQ((*listed)[0].manifest_sha256, kDigest);
  EXPECT_EQ((*listed)[1].state, "PENDING");
  auto none = api.List(nullptr);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(api.List(nullptr).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(api.List(nullptr).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(f.fake->AllUsed());
}

void ExpectPoll(ClientFixture& f, const std::string& state, const std::string& extra = "") {
  f.Expect("GET", GetPath(":get", "docker.io/org/x:1"), "", 200,
           R"({"docker_image_url":"docker.io/org/x:1","state":")" + state + "\"" + extra + "}");
}

TEST(RegistrationWaiterTest, PollsAdaptivelyUntilAvailableAndReportsProgress) {
  ClientFixture f;
  ExpectPoll(f, "PENDING");
  ExpectPoll(f, "PENDING");
  ExpectPoll(f, "PENDING");
  ExpectPoll(f, "IMPORTING");
  ExpectPoll(f, "IMPORTING");
  ExpectPoll(f, "AVAILABLE", R"(,"manifest_sha256":"feed")");
  AiRuntimeImagesApi api(f.client);
  std::vector<std::string> seen;
  auto r = WaitForImageRegistration(api, "org/x:1", f.clock->Now() + std::chrono::minutes(30), nullptr, *f.clock,
                                    [&](const ImageRegistration& reg, milliseconds) { seen.push_back(reg.state); });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->manifest_sha256, "feed");
  EXPECT_THAT(seen, ElementsAre("PENDING", "PENDING", "PENDING", "IMPORTING", "IMPORTING", "AVAILABLE"));
  EXPECT_THAT(f.clock->sleeps(), ElementsAre(milliseconds(1000), milliseconds(1500), milliseconds(2250),
                                             milliseconds(1000), milliseconds(1500)));
}

TEST(RegistrationWaiterTest, IntervalIsCappedAndTransientErrorsAreRetried) {
  ClientFixture f;
  for (int i = 0; i < 10; ++i) ExpectPoll(f, "IMPORTING");
  // 500 and 504 are not retried by Client (not idempotent-retryable codes) but are transient for the waiter.
  f.Expect("GET", GetPath(":get", "docker.io/org/x:1"), "", 500, R"({"error_code":"INTERNAL_ERROR"})");
  f.Expect("GET", GetPath(":get", "docker.io/org/x:1"), "", 504, "gateway timeout");
  f.ExpectError("GET", GetPath(":get", "docker.io/org/x:1"), absl::DeadlineExceededError("poll timed out"));
  ExpectPoll(f, "AVAILABLE");
  AiRuntimeImagesApi api(f.client);
  auto r = WaitForImageRegistration(api, "org/x:1", f.clock->Now() + std::chrono::hours(1), nullptr, *f.clock);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(f.clock->sleeps()[9], milliseconds(15000));
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(RegistrationWaiterTest, FailedIsPermanentAndQuotesStatusMessage) {
  ClientFixture f;
  ExpectPoll(f, "IMPORTING");
  ExpectPoll(f, "FAILED", R"(,"status_message":"manifest unknown")");
  AiRuntimeImagesApi api(f.client);
  auto r = WaitForImageRegistration(api, "org/x:1", f.clock->Now() + std::chrono::minutes(30), nullptr, *f.clock);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("manifest unknown"));
}

TEST(RegistrationWaiterTest, PermanentErrorsAndDisappearanceStopTheWait) {
  ClientFixture f;
  f.Expect("GET", GetPath(":get", "docker.io/org/x:1"), "", 403, R"({"error_code":"PERMISSION_DENIED","message":"no"})");
  ExpectPoll(f, "PENDING");
  f.Expect("GET", GetPath(":get", "docker.io/org/x:1"), "", 404, R"({"error_code":"NOT_FOUND"})");
  AiRuntimeImagesApi api(f.client);
  auto deadline = f.clock->Now() + std::chrono::minutes(30);
  EXPECT_EQ(WaitForImageRegistration(api, "org/x:1", deadline, nullptr, *f.clock).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto gone = WaitForImageRegistration(api, "org/x:1", deadline, nullptr, *f.clock);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(), HasSubstr("disappeared"));
}

TEST(RegistrationWaiterTest, DeadlineNamesTheLastStateAndStopCancels) {
  ClientFixture f;
  for (int i = 0; i < 20; ++i) ExpectPoll(f, "IMPORTING");
  AiRuntimeImagesApi api(f.client);
  auto r = WaitForImageRegistration(api, "org/x:1", f.clock->Now() + std::chrono::seconds(5), nullptr, *f.clock);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("still IMPORTING"));
  std::atomic<bool> stop{false};
  f.clock->set_on_sleep([&](milliseconds) { stop = true; });
  auto s = WaitForImageRegistration(api, "org/x:1", f.clock->Now() + std::chrono::minutes(5), &stop, *f.clock);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace dcs::databricks
