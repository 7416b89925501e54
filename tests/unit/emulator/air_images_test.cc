// AI Runtime image registration endpoints of the real dcs-emulator binary.
#include <chrono>
#include <thread>

#include "absl/strings/escaping.h"
#include "emulator/air_images.h"
#include "gmock/gmock.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kImages[] = "/api/2.0/ai-compute-manager/images";
constexpr int kStepMs = 150;

std::string Q(const std::string& url) { return "?docker_image_url=" + httplib::detail::encode_query_param(url); }

class AirImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emu_ = Emulator::Start({"--air-step-delay-ms", std::to_string(kStepMs), "--token=other-token=other@example.com"});
    ASSERT_NE(emu_, nullptr);
  }
  Resp Register(const Json& body, const std::string& token = kToken) const {
    return emu_->Post(kImages, body, token);
  }
  Resp GetImage(const std::string& url, const std::string& token = kToken) const {
    return emu_->Get(std::string(kImages) + ":get" + Q(url), token);
  }
  // Polls images:get until a final state; returns the last answer.
  Json WaitFinal(const std::string& url) const {
    Json last;
    for (int i = 0; i < 200; ++i) {
      last = GetImage(url).body;
      std::string state = last.is_object() ? last.value("state", "") : "";
      if (state == "AVAILABLE" || state == "FAILED") return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "registration of " << url << " never finished: " << last.dump();
    return last;
  }
  void PutSecret(const std::string& scope, const std::string& key, const std::string& value) const {
    emu_->Post("/api/2.0/secrets/scopes/create", {{"scope", scope}});  // may already exist
    ASSERT_EQ(emu_->Post("/api/2.0/secrets/put", {{"scope", scope}, {"key", key}, {"string_value", value}}).status,
              200);
  }
  std::unique_ptr<Emulator> emu_;
};

TEST_F(AirImagesTest, PublicImageGoesPendingImportingAvailable) {
  const std::string url = "docker.io/library/ubuntu:24.04";
  Resp created = Register({{"docker_image_url", url}});
  ASSERT_EQ(created.status, 200) << created.raw;
  EXPECT_EQ(created.body["image"]["state"], "PENDING");
  EXPECT_EQ(created.body["image"]["docker_image_url"], url);
  EXPECT_FALSE(created.body["image"].contains("manifest_sha256"));
  std::this_thread::sleep_for(std::chrono::milliseconds(kStepMs + 30));
  EXPECT_EQ(GetImage(url).body["state"], "IMPORTING");
  Json done = WaitFinal(url);
  EXPECT_EQ(done["state"], "AVAILABLE");
  EXPECT_EQ(done["manifest_sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(done.contains("status_message"));
  // Registering again: the tag still resolves to the same manifest, so it stays AVAILABLE.
  Resp again = Register({{"docker_image_url", url}});
  EXPECT_EQ(again.body["image"]["state"], "AVAILABLE");
  EXPECT_EQ(again.body["image"]["manifest_sha256"], done["manifest_sha256"]);
  // A new push behind the same tag: registering again imports the new manifest.
  const std::string pushed(64, 'b');
  emu_->Settings({{"air_image_digests", {{url, pushed}}}});
  EXPECT_EQ(Register({{"docker_image_url", url}}).body["image"]["state"], "PENDING");
  EXPECT_EQ(WaitFinal(url)["manifest_sha256"], pushed);
}

TEST_F(AirImagesTest, DigestReferenceYieldsThatDigest) {
  const std::string digest(64, 'c');
  const std::string url = "ghcr.io/org/trainer@sha256:" + digest;
  ASSERT_EQ(Register({{"docker_image_url", url}}).status, 200);
  EXPECT_EQ(WaitFinal(url)["manifest_sha256"], digest);
}

TEST_F(AirImagesTest, RejectsBadRequests) {
  for (const char* url : {"ubuntu:24.04", "docker.io/library/ubuntu", "docker.io/Library/x:1", ""}) {
    Resp r = Register({{"docker_image_url", url}});
    EXPECT_EQ(r.status, 400) << url;
    EXPECT_EQ(r.error_code(), "INVALID_PARAMETER_VALUE") << url;
  }
  Resp half = Register({{"docker_image_url", "docker.io/o/x:1"}, {"credentials_scope", "s"}});
  EXPECT_EQ(half.status, 400);
  EXPECT_THAT(half.message(), HasSubstr("together"));
  Resp missing = GetImage("docker.io/o/never:1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code(), "NOT_FOUND");
  EXPECT_EQ(emu_->Get(std::string(kImages) + ":get").status, 400);
  EXPECT_EQ(emu_->Post(kImages, {{"docker_image_url", "docker.io/o/x:1"}}, "").status, 401);
}

TEST_F(AirImagesTest, MissingSecretScopeOrKeyIsRefusedAtOnce) {
  Resp no_scope = Register({{"docker_image_url", "docker.io/o/x:1"}, {"credentials_scope", "nope"},
                            {"credentials_key", "k"}});
  EXPECT_EQ(no_scope.status, 404);
  EXPECT_EQ(no_scope.error_code(), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_THAT(no_scope.message(), HasSubstr("nope"));
  PutSecret("reg", "other", absl::Base64Escape("bob:pw"));
  Resp no_key = Register({{"docker_image_url", "docker.io/o/x:1"}, {"credentials_scope", "reg"},
                          {"credentials_key", "k"}});
  EXPECT_EQ(no_key.status, 404);
  EXPECT_THAT(no_key.message(), HasSubstr("Secret k does not exist in scope reg"));
  EXPECT_EQ(GetImage("docker.io/o/x:1").status, 404);  // nothing was registered
}

TEST_F(AirImagesTest, PullFailuresEndInFailedWithAStatusMessage) {
  const std::string priv = "docker.io/acme/private:1";
  emu_->Settings({{"failing_images", {"docker.io/acme/missing"}},
                  {"air_private_images", {{"docker.io/acme/private", "bob:s3cret"}}}});
  ASSERT_EQ(Register({{"docker_image_url", "docker.io/acme/missing:2"}}).status, 200);
  Json missing = WaitFinal("docker.io/acme/missing:2");
  EXPECT_EQ(missing["state"], "FAILED");
  EXPECT_THAT(missing["status_message"].get<std::string>(), HasSubstr("manifest unknown"));
  EXPECT_FALSE(missing.contains("manifest_sha256"));

  ASSERT_EQ(Register({{"docker_image_url", priv}}).status, 200);
  EXPECT_THAT(WaitFinal(priv)["status_message"].get<std::string>(), HasSubstr("authentication required"));

  PutSecret("reg", "bad", absl::Base64Escape("bob:wrong"));
  ASSERT_EQ(Register({{"docker_image_url", priv}, {"credentials_scope", "reg"}, {"credentials_key", "bad"}}).status, 200);
  EXPECT_THAT(WaitFinal(priv)["status_message"].get<std::string>(), HasSubstr("incorrect username or password"));

  PutSecret("reg", "raw", "bob:s3cret");  // not base64
  ASSERT_EQ(Register({{"docker_image_url", priv}, {"credentials_scope", "reg"}, {"credentials_key", "raw"}}).status, 200);
  EXPECT_THAT(WaitFinal(priv)["status_message"].get<std::string>(), HasSubstr("base64"));

  PutSecret("reg", "good", absl::Base64Escape("bob:s3cret"));
  ASSERT_EQ(Register({{"docker_image_url", priv}, {"credentials_scope", "reg"}, {"credentials_key", "good"}}).status, 200);
  EXPECT_EQ(WaitFinal(priv)["state"], "AVAILABLE");

  Resp access = emu_->Get(std::string(kImages) + ":checkImageAccess" + Q(priv));
  EXPECT_EQ(access.body, Json({{"publicly_accessible", false}}));
  EXPECT_EQ(emu_->Get(std::string(kImages) + ":validateImageAccess" + Q(priv)).body, Json({{"accessible", true}}));
  // Rotating the registry password revokes what the registration holds.
  emu_->Settings({{"air_private_images", {{"docker.io/acme/private", "bob:rotated"}}}});
  EXPECT_EQ(emu_->Get(std::string(kImages) + ":validateImageAccess" + Q(priv)).body, Json({{"accessible", false}}));
  Json settings = emu_->Get("/_emulator/settings").body;
  EXPECT_THAT(settings["air_private_images"]["docker.io/acme/private"].get<std::string>(), HasSubstr("REDACTED"));
}

TEST_F(AirImagesTest, RegistrationsArePerUserAndCanBeListedDeletedAndDrifted) {
  const std::string url = "docker.io/o/x:1";
  ASSERT_EQ(Register({{"docker_image_url", url}}).status, 200);
  EXPECT_EQ(GetImage(url, "other-token").status, 404);
  ASSERT_EQ(Register({{"docker_image_url", url}}, "other-token").status, 200);
  Resp list = emu_->Get(kImages);
  ASSERT_EQ(list.body["images"].size(), 1u);
  EXPECT_EQ(list.body["images"][0]["docker_image_url"], url);

  ASSERT_EQ(emu_->Post("/_emulator/drift", {{"resource", "air_image"}, {"id", url}, {"user", kUser},
                                            {"state", "FAILED"}, {"status_message", "evicted"}}).status, 200);
  EXPECT_EQ(GetImage(url).body["status_message"], "evicted");
  EXPECT_NE(GetImage(url, "other-token").body["state"], "FAILED");

  ASSERT_EQ(emu_->Post("/_emulator/drift", {{"resource", "air_image"}, {"id", url}, {"user", kUser},
                                            {"delete", true}}).status, 200);
  EXPECT_EQ(GetImage(url).status, 404);
  EXPECT_EQ(GetImage(url, "other-token").status, 200);
  EXPECT_EQ(emu_->Post("/_emulator/drift", {{"resource", "air_image"}, {"id", url}, {"user", kUser},
                                            {"delete", true}}).status, 404);

  Resp del = emu_->Delete(std::string(kImages) + ":delete" + Q(url));
  EXPECT_EQ(del.status, 404);
  EXPECT_EQ(del.error_code(), "NOT_FOUND");
  ASSERT_EQ(Register({{"docker_image_url", url}}).status, 200);
  EXPECT_EQ(emu_->Delete(std::string(kImages) + ":delete" + Q(url)).status, 200);
  EXPECT_EQ(GetImage(url).status, 404);
}

TEST(AirImagesPersistenceTest, RegistrationsSurviveARestart) {
  const std::string state = TempPath("air-state.json");
  std::remove(state.c_str());
  {
    auto emu = Emulator::Start({"--state-file", state, "--air-step-delay-ms", "0"});
    ASSERT_NE(emu, nullptr);
    ASSERT_EQ(emu->Post(kImages, {{"docker_image_url", "docker.io/o/x:1"}}).status, 200);
    emu->Kill();
  }
  auto emu = Emulator::Start({"--state-file", state});
  ASSERT_NE(emu, nullptr);
  Resp got = emu->Get(std::string(kImages) + ":get" + Q("docker.io/o/x:1"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body["state"], "AVAILABLE");
  std::remove(state.c_str());
}

TEST(AirImageModelTest, RepositoryAndReferenceChecks) {
  EXPECT_EQ(RepositoryOf("docker.io/library/ubuntu:24.04"), "docker.io/library/ubuntu");
  EXPECT_EQ(RepositoryOf("myreg.io:5000/a/b:1"), "myreg.io:5000/a/b");
  EXPECT_EQ(RepositoryOf("ghcr.io/a/b@sha256:" + std::string(64, 'd')), "ghcr.io/a/b");
  EXPECT_TRUE(CheckNormalisedReference("myreg.io:5000/a/b:1").ok());
  EXPECT_TRUE(CheckNormalisedReference("localhost:5000/a:1").ok());
  EXPECT_FALSE(CheckNormalisedReference("library/ubuntu:1").ok());
  EXPECT_FALSE(CheckNormalisedReference("docker.io/a/b@sha256:123").ok());
}

}  // namespace
}  // namespace dcs::emulator::testing
