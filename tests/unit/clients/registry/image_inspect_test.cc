#include "clients/registry/image_inspect.h"

#include <gtest/gtest.h>

#include "clients/http/testing/fakes.h"

namespace dcs::registry {
namespace {

using http::FakeTransport;
using http::Response;

Response Resp(int status, std::string body = "", http::Headers headers = {}) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

const std::string kConfig =
    R"({"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/app"],"Env":["PATH=/bin","CUDA_VERSION=13.0.1","NCCL_VERSION=2.27.3-1"],"Labels":{"a":"b"}}})";

std::string ManifestFor(const std::string& config, int64_t size_override = -1) {
  return std::string(R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":)") +
         std::to_string(size_override >= 0 ? size_override : static_cast<int64_t>(config.size())) +
         R"(,"digest":")" + Sha256Digest(config) + R"("},"layers":[]})";
}

struct Fixture {
  std::shared_ptr<FakeTransport> fake = std::make_shared<FakeTransport>();
  std::unique_ptr<RegistryClient> client;
  Fixture() {
    RegistryOptions o;
    o.host = "reg.example";
    o.auth.discover = false;
    o.transport = fake;
    o.retry.max_attempts = 1;
    client = *RegistryClient::Create(std::move(o));
  }
  void Add(std::string method, std::string path, Response r, absl::Status error = absl::OkStatus()) {
    fake->Add({std::move(method), std::move(path), "", std::move(r), std::move(error)});
  }
  absl::StatusOr<InspectedImage> Inspect(Platform want = {}) { return InspectImage(*client, "team/app", "1.0", want); }
};

const char kManifestType[] = "application/vnd.docker.distribution.manifest.v2+json";

TEST(ImageInspectTest, ManifestThenConfigTwoRequests) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(200, ManifestFor(kConfig), {{"Content-Type", kManifestType}}));
  f.Add("GET", "/v2/team/app/blobs/" + Sha256Digest(kConfig), Resp(200, kConfig));
  auto got = f.Inspect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->config.entrypoint, std::vector<std::string>{"/bin/app"});
  EXPECT_EQ(got->config.env.at("CUDA_VERSION"), "13.0.1");
  EXPECT_EQ(got->config.labels.at("a"), "b");
  EXPECT_EQ(got->config.platform.String(), "linux/amd64");
  EXPECT_EQ(got->digest, got->image_digest);
  EXPECT_EQ(f.fake->requests().size(), 2u);
}

TEST(ImageInspectTest, IndexPicksThePlatformAndSkipsAttestations) {
  Fixture f;
  const std::string arm = ManifestFor(R"({"os":"linux","architecture":"arm64"})");
  const std::string amd = ManifestFor(kConfig);
  const std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"digest":")" + Sha256Digest(arm) + R"(","platform":{"os":"linux","architecture":"arm64"}},)"
      R"({"digest":"sha256:)" + std::string(64, 'a') + R"(","platform":{"os":"unknown","architecture":"unknown"}},)"
      R"({"digest":")" + Sha256Digest(amd) + R"(","platform":{"os":"linux","architecture":"amd64"}}]})";
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(200, index, {{"Content-Type", kMediaTypeOciIndex}}));
  f.Add("GET", "/v2/team/app/manifests/" + Sha256Digest(amd), Resp(200, amd, {{"Content-Type", kManifestType}}));
  f.Add("GET", "/v2/team/app/blobs/" + Sha256Digest(kConfig), Resp(200, kConfig));
  auto got = f.Inspect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->image_digest, Sha256Digest(amd));
  EXPECT_NE(got->digest, got->image_digest);
}

TEST(ImageInspectTest, IndexWithoutThePlatformSaysWhatItOffers) {
  Fixture f;
  const std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"digest":"sha256:)" + std::string(64, 'b') + R"(","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]})";
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(200, index, {{"Content-Type", kMediaTypeOciIndex}}));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(got.status().message().find("without linux/amd64"), std::string::npos) << got.status();
  EXPECT_NE(got.status().message().find("linux/arm64/v8"), std::string::npos) << got.status();
}

TEST(ImageInspectTest, MissingTagIsNotFound) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0",
        Resp(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"));
  EXPECT_EQ(f.Inspect().status().code(), absl::StatusCode::kNotFound);
}

TEST(ImageInspectTest, HtmlAnswerIsDataLossNamingIt) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0",
        Resp(200, "<!DOCTYPE html><html><body>Login</body></html>", {{"Content-Type", "text/html"}}));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("HTML"), std::string::npos) << got.status();
}

TEST(ImageInspectTest, ServerErrorIsUnavailable) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(503, "upstream down"));
  EXPECT_EQ(f.Inspect().status().code(), absl::StatusCode::kUnavailable);
}

TEST(ImageInspectTest, RegistryDownIsUnavailable) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(0), absl::UnavailableError("connection refused"));
  EXPECT_EQ(f.Inspect().status().code(), absl::StatusCode::kUnavailable);
}

TEST(ImageInspectTest, ConfigThatIsNotJsonIsDataLoss) {
  Fixture f;
  const std::string garbage = "this is not json";
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(200, ManifestFor(garbage), {{"Content-Type", kManifestType}}));
  f.Add("GET", "/v2/team/app/blobs/" + Sha256Digest(garbage), Resp(200, garbage));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("not a JSON object"), std::string::npos) << got.status();
}

TEST(ImageInspectTest, ConfigOverTheLimitByDescriptorIsNotDownloaded) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0",
        Resp(200, ManifestFor(kConfig, 5 << 20), {{"Content-Type", kManifestType}}));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(f.fake->requests().size(), 1u);  // no blob request
}

TEST(ImageInspectTest, ConfigLargerThanItsDescriptorSaysIsCut) {
  Fixture f;
  const std::string huge(kMaxConfigBytes + 10, ' ');
  // The descriptor lies (small size); the blob answer is over the cap.
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(200, ManifestFor(huge, 100), {{"Content-Type", kManifestType}}));
  f.Add("GET", "/v2/team/app/blobs/" + Sha256Digest(huge), Resp(200, huge));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kOutOfRange) << got.status();
  ASSERT_EQ(f.fake->requests().size(), 2u);
  EXPECT_EQ(f.fake->requests()[1].max_body_bytes, kMaxConfigBytes);
}

TEST(ImageInspectTest, PullRefusedIsUnauthenticated) {
  Fixture f;
  f.Add("GET", "/v2/team/app/manifests/1.0",
        Resp(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})", {{"WWW-Authenticate", R"(Basic realm="r")"}}));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnauthenticated) << got.status();
}

TEST(ImageInspectTest, TokenWithoutPullIsUnauthenticated) {
  // The token endpoint answers, but the registry still refuses the token:
  // the token server did not grant `pull` for this repository.
  Fixture f;
  const http::Headers challenge = {
      {"WWW-Authenticate", R"(Bearer realm="http://auth.example/token",service="reg",scope="repository:team/app:pull")"}};
  f.Add("GET", "/v2/team/app/manifests/1.0", Resp(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})", challenge));
  f.Add("GET", "/token?service=reg&scope=repository%3Ateam%2Fapp%3Apull", Resp(200, R"({"token":"t","expires_in":60})"));
  f.Add("GET", "/v2/team/app/manifests/1.0",
        Resp(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"access to the requested resource is not authorized"}]})",
             challenge));
  auto got = f.Inspect();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnauthenticated) << got.status();
  EXPECT_NE(got.status().message().find("reg.example"), std::string::npos) << got.status();
}

TEST(ImageInspectTest, ParseImageConfigToleratesMissingParts) {
  auto c = ParseImageConfig(R"({"os":"linux"})");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->entrypoint.empty());
  EXPECT_EQ(c->platform.String(), "linux/?");
  EXPECT_FALSE(ParseImageConfig("[1,2]").ok());
  auto env = ParseImageConfig(R"({"config":{"Env":["A=1=2","B"],"Entrypoint":null,"Labels":{"x":1}}})");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->env.at("A"), "1=2");
  EXPECT_EQ(env->env.at("B"), "");
  EXPECT_TRUE(env->labels.empty());
}

TEST(ImageInspectTest, NearestTagsByEditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  std::vector<std::string> tags = {"latest", "1.0", "2.0", "v0.9", "1.0.1"};
  auto near = NearestTags(tags, "v1", 3);
  ASSERT_EQ(near.size(), 3u);
  EXPECT_EQ(near, (std::vector<std::string>{"1.0", "2.0", "v0.9"}));  // 3 edits each, ties by name
  EXPECT_TRUE(NearestTags({}, "v1", 3).empty());
}

}  // namespace
}  // namespace dcs::registry
