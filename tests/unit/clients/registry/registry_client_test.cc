#include "clients/registry/registry_client.h"

#include <gtest/gtest.h>

#include "clients/http/testing/fakes.h"

namespace dcs::registry {
namespace {

using http::FakeTransport;
using http::Response;

const char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"})";

Response Resp(int status, std::string body = "", http::Headers headers = {}) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

struct Fixture {
  std::shared_ptr<FakeTransport> fake = std::make_shared<FakeTransport>();
  std::unique_ptr<RegistryClient> client;
  explicit Fixture(RegistryAuth auth = {}, std::string host = "reg.example") {
    auth.discover = false;
    RegistryOptions o;
    o.host = host;
    o.auth = std::move(auth);
    o.transport = fake;
    o.retry.max_attempts = 1;
    auto c = RegistryClient::Create(std::move(o));
    EXPECT_TRUE(c.ok());
    client = std::move(*c);
  }
  void Add(std::string method, std::string path, Response r, std::string body = "") {
    fake->Add({std::move(method), std::move(path), std::move(body), std::move(r), absl::OkStatus()});
  }
  std::string AuthHeaderOf(size_t i) const {
    auto reqs = fake->requests();
    if (i >= reqs.size()) return "<no request>";
    for (const auto& [k, v] : reqs[i].headers) {
      if (k == "Authorization") return v;
    }
    return "";
  }
};

TEST(RegistryClientTest, SchemeDefaultsToHttpsExceptLoopback) {
  Fixture remote;
  EXPECT_EQ(remote.client->base_url(), "https://reg.example");
  Fixture local({}, "127.0.0.1:5000");
  EXPECT_EQ(local.client->base_url(), "http://127.0.0.1:5000");
  Fixture hub({}, "docker.io");
  EXPECT_EQ(hub.client->base_url(), "https://registry-1.docker.io");
}

TEST(RegistryClientTest, AnonymousPing) {
  Fixture f;
  f.Add("GET", "/v2/", Resp(200, "{}"));
  EXPECT_TRUE(f.client->Ping().ok());
  EXPECT_EQ(f.AuthHeaderOf(0), "");
}

TEST(RegistryClientTest, BasicChallengeThenCachedHeader) {
  RegistryAuth auth;
  auth.credentials = {"user", "pw"};
  Fixture f(auth);
  f.Add("GET", "/v2/", Resp(401, "{}", {{"WWW-Authenticate", R"(Basic realm="r")"}}));
  f.Add("GET", "/v2/", Resp(200, "{}"));
  f.Add("GET", "/v2/", Resp(200, "{}"));
  ASSERT_TRUE(f.client->Ping().ok());
  ASSERT_TRUE(f.client->Ping().ok());
  EXPECT_EQ(f.AuthHeaderOf(0), "");
  EXPECT_EQ(f.AuthHeaderOf(1), "Basic dXNlcjpwdw==");
  EXPECT_EQ(f.AuthHeaderOf(2), "Basic dXNlcjpwdw==");  // no second challenge
}

TEST(RegistryClientTest, BearerTokenFlowCachesPerScope) {
  RegistryAuth auth;
  auth.credentials = {"user", "pw"};
  Fixture f(auth);
  const std::string challenge =
      R"(Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull")";
  f.Add("HEAD", "/v2/team/app/manifests/v1", Resp(401, "", {{"WWW-Authenticate", challenge}}));
  f.Add("GET", "/token?service=reg&scope=repository%3Ateam%2Fapp%3Apull",
        Resp(200, R"({"token":"T1","expires_in":300})"));
  const http::Headers digest_headers = {{"Docker-Content-Digest", "sha256:abc"},
                                        {"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                        {"Content-Length", "42"}};
  f.Add("HEAD", "/v2/team/app/manifests/v1", Resp(200, "", digest_headers));
  f.Add("HEAD", "/v2/team/app/manifests/v2", Resp(200, "", digest_headers));
  auto m = f.client->HeadManifest("team/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->digest, "sha256:abc");
  EXPECT_EQ(m->media_type, kMediaTypeOciManifest);
  EXPECT_EQ(m->size, 42);
  ASSERT_TRUE(f.client->HeadManifest("team/app", "v2").ok());
  EXPECT_EQ(f.AuthHeaderOf(1), "Basic dXNlcjpwdw==");  // to the token server
  EXPECT_EQ(f.AuthHeaderOf(2), "Bearer T1");
  EXPECT_EQ(f.AuthHeaderOf(3), "Bearer T1");  // cached, no new token request
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(RegistryClientTest, WrongPasswordIsUnauthenticatedWithoutThePassword) {
  RegistryAuth auth;
  auth.credentials = {"user", "s3cr3t-pw"};
  Fixture f(auth);
  f.Add("GET", "/v2/", Resp(401, "", {{"WWW-Authenticate", R"(Bearer realm="https://a/token",service="reg")"}}));
  f.Add("GET", "/token?service=reg",
        Resp(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]})"));
  absl::Status s = f.client->Ping();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("invalid username or password"), std::string::npos) << s;
  EXPECT_NE(s.message().find("user"), std::string::npos) << s;
  EXPECT_EQ(s.message().find("s3cr3t-pw"), std::string::npos) << s;
}

TEST(RegistryClientTest, BasicWithoutCredentialsExplains) {
  Fixture f;
  f.Add("GET", "/v2/", Resp(401, "", {{"WWW-Authenticate", R"(Basic realm="r")"}}));
  absl::Status s = f.client->Ping();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("requires a username and password"), std::string::npos) << s;
}

TEST(RegistryClientTest, IdentityTokenUsesOAuthRefreshGrant) {
  RegistryAuth auth;
  auth.credentials.identity_token = "RT";
  Fixture f(auth);
  f.Add("GET", "/v2/", Resp(401, "", {{"WWW-Authenticate", R"(Bearer realm="https://a/oauth2/token",service="reg")"}}));
  f.Add("POST", "/oauth2/token", Resp(200, R"({"access_token":"AT"})"),
        "grant_type=refresh_token&service=reg&client_id=dcs&refresh_token=RT");
  f.Add("GET", "/v2/", Resp(200, "{}"));
  ASSERT_TRUE(f.client->Ping().ok());
  EXPECT_EQ(f.AuthHeaderOf(2), "Bearer AT");
}

TEST(RegistryClientTest, AcrEntraExchangeFlow) {
  RegistryAuth auth;
  int entra_calls = 0;
  auth.entra_access_token = [&]() -> absl::StatusOr<std::string> {
    ++entra_calls;
    return std::string("ENTRA");
  };
  auth.tenant = "t1";
  Fixture f(auth, "myreg.azurecr.io");
  const std::string ch = R"(Bearer realm="https://myreg.azurecr.io/oauth2/token",service="myreg.azurecr.io")";
  f.Add("GET", "/v2/team/app/tags/list", Resp(401, "", {{"WWW-Authenticate", ch}}));
  f.Add("POST", "/oauth2/exchange", Resp(200, R"({"refresh_token":"ACR-RT"})"),
        "grant_type=access_token&service=myreg.azurecr.io&tenant=t1&access_token=ENTRA");
  f.Add("POST", "/oauth2/token", Resp(200, R"({"access_token":"ACR-AT"})"),
        "grant_type=refresh_token&service=myreg.azurecr.io&scope=repository%3Ateam%2Fapp%3Apull"
        "&client_id=dcs&refresh_token=ACR-RT");
  f.Add("GET", "/v2/team/app/tags/list", Resp(200, R"({"name":"team/app","tags":["a"]})"));
  // A second repository needs a new access token but reuses the refresh token.
  f.Add("GET", "/v2/team/other/tags/list", Resp(401, "", {{"WWW-Authenticate", ch}}));
  f.Add("POST", "/oauth2/token", Resp(200, R"({"access_token":"ACR-AT2"})"),
        "grant_type=refresh_token&service=myreg.azurecr.io&scope=repository%3Ateam%2Fother%3Apull"
        "&client_id=dcs&refresh_token=ACR-RT");
  f.Add("GET", "/v2/team/other/tags/list", Resp(200, R"({"name":"team/other","tags":[]})"));
  auto tags = f.client->ListTags("team/app");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(*tags, std::vector<std::string>{"a"});
  ASSERT_TRUE(f.client->ListTags("team/other").ok());
  EXPECT_EQ(entra_calls, 1);
  EXPECT_EQ(f.AuthHeaderOf(3), "Bearer ACR-AT");
  EXPECT_EQ(f.AuthHeaderOf(6), "Bearer ACR-AT2");
  EXPECT_TRUE(f.fake->AllUsed());
}

TEST(RegistryClientTest, AcrExchangeGoesToTheRealmsHostAndGivesDockerTheRefreshToken) {
  RegistryAuth auth;
  auth.entra_access_token = []() -> absl::StatusOr<std::string> { return std::string("ENTRA"); };
  Fixture f(auth, "127.0.0.1:5000");
  const std::string ch = R"(Bearer realm="http://127.0.0.1:7000/oauth2/token",service="acr.test")";
  f.Add("GET", "/v2/", Resp(401, "", {{"WWW-Authenticate", ch}}));
  f.Add("POST", "/oauth2/exchange", Resp(200, R"({"refresh_token":"ACR-RT"})"),
        "grant_type=access_token&service=acr.test&access_token=ENTRA");
  f.Add("POST", "/oauth2/token", Resp(200, R"({"access_token":"ACR-AT"})"), "");
  f.Add("GET", "/v2/", Resp(200, "{}"));
  auto refresh = f.client->AcrRefreshTokenForDocker();
  ASSERT_TRUE(refresh.ok()) << refresh.status();
  EXPECT_EQ(*refresh, "ACR-RT");
  EXPECT_EQ(f.fake->requests()[1].url, "http://127.0.0.1:7000/oauth2/exchange");
  EXPECT_EQ(f.fake->requests()[2].url, "http://127.0.0.1:7000/oauth2/token");
}

TEST(RegistryClientTest, TagPaginationFollowsRelativeAndAbsoluteLinks) {
  Fixture f;
  f.Add("GET", "/v2/app/tags/list?n=2", Resp(200, R"({"tags":["a","b"]})",
                                           {{"Link", R"(</v2/app/tags/list?last=b&n=2>; rel="next")"}}));
  f.Add("GET", "/v2/app/tags/list?last=b&n=2",
        Resp(200, R"({"tags":["c"]})",
             {{"Link", R"(<https://reg.example/v2/app/tags/list?last=c&n=2>; rel="next")"}}));
  f.Add("GET", "/v2/app/tags/list?last=c&n=2", Resp(200, R"({"name":"app","tags":null})"));
  auto tags = f.client->ListTags("app", 2);
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(RegistryClientTest, ManifestDigestFromHeaderOrBody) {
  Fixture f;
  f.Add("GET", "/v2/app/manifests/v1",
        Resp(200, kManifest, {{"Content-Type", "application/vnd.docker.distribution.manifest.v2+json"}}));
  auto m = f.client->GetManifest("app", "v1");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->info.digest, Sha256Digest(kManifest));
  EXPECT_EQ(m->info.media_type, kMediaTypeDockerManifest);
  EXPECT_EQ(m->body, kManifest);
  // HEAD without Docker-Content-Digest falls back to GET.
  f.Add("HEAD", "/v2/app/manifests/v2", Resp(200));
  f.Add("GET", "/v2/app/manifests/v2", Resp(200, kManifest));
  auto h = f.client->HeadManifest("app", "v2");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->digest, Sha256Digest(kManifest));
  EXPECT_EQ(h->media_type, kMediaTypeDockerManifest);  // from the body's mediaType
}

TEST(RegistryClientTest, GarbageAnswersAreClearErrors) {
  Fixture f;
  f.Add("GET", "/v2/app/manifests/html",
        Resp(200, "<!DOCTYPE html><html><body>Login</body></html>", {{"Content-Type", "text/html"}}));
  auto html = f.client->GetManifest("app", "html");
  EXPECT_EQ(html.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(html.status().message().find("HTML page"), std::string::npos) << html.status();
  f.Add("GET", "/v2/app/manifests/cut", Resp(200, "{\"schemaVer", {{"Content-Length", "300"}}));
  auto cut = f.client->GetManifest("app", "cut");
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(cut.status().message().find("truncated"), std::string::npos) << cut.status();
  const std::string wrong = "sha256:" + std::string(64, '0');
  f.Add("GET", "/v2/app/manifests/" + wrong, Resp(200, kManifest));
  EXPECT_EQ(f.client->GetManifest("app", wrong).status().code(), absl::StatusCode::kDataLoss);
  f.Add("GET", "/v2/", Resp(502, "<html>Bad gateway</html>"));
  absl::Status s = f.client->Ping();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("is this a registry?"), std::string::npos) << s;
  f.Add("GET", "/v2/app/tags/list", Resp(200, "garbage"));
  EXPECT_EQ(f.client->ListTags("app").status().code(), absl::StatusCode::kDataLoss);
}

TEST(RegistryClientTest, ErrorsBodyIsQuoted) {
  Fixture f;
  f.Add("HEAD", "/v2/app/manifests/nope", Resp(404));
  EXPECT_EQ(f.client->HeadManifest("app", "nope").status().code(), absl::StatusCode::kNotFound);
  f.Add("DELETE", "/v2/app/manifests/sha256:1",
        Resp(405, R"({"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]})"));
  absl::Status s = f.client->DeleteManifest("app", "sha256:1");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("UNSUPPORTED: The operation is unsupported."), std::string::npos) << s;
}

// Found by fuzz/targets/registry_answers (repro_manifest_media_type_array):
// members of an unexpected JSON type were read with nlohmann's value(), which
// throws, and the exception ended the provider.
TEST(RegistryClientTest, MembersOfAnotherTypeAreTreatedAsMissing) {
  Fixture f;
  const std::string odd = R"({"schemaVersion":2,"mediaType":[]})";
  f.Add("GET", "/v2/app/manifests/v1", Resp(200, odd));
  auto m = f.client->GetManifest("app", "v1");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->info.media_type, "");
  EXPECT_EQ(m->info.digest, Sha256Digest(odd));
  f.Add("DELETE", "/v2/app/manifests/sha256:1", Resp(405, R"({"errors":[{"code":7,"message":{"x":1}}]})"));
  absl::Status s = f.client->DeleteManifest("app", "sha256:1");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("UNKNOWN: "), std::string::npos) << s;
}

TEST(RegistryClientTest, RetagPutsTheSameBytesAndBlobExists) {
  Fixture f;
  f.Add("GET", "/v2/app/manifests/v1",
        Resp(200, kManifest, {{"Content-Type", "application/vnd.docker.distribution.manifest.v2+json"}}));
  f.Add("PUT", "/v2/app/manifests/v2", Resp(201, "", {{"Docker-Content-Digest", Sha256Digest(kManifest)}}),
        kManifest);
  auto d = f.client->Retag("app", "v1", "v2");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, Sha256Digest(kManifest));
  auto put = f.fake->requests().back();
  bool content_type_ok = false;
  for (const auto& [k, v] : put.headers) {
    content_type_ok |= (k == "Content-Type" && v == kMediaTypeDockerManifest);
  }
  EXPECT_TRUE(content_type_ok);
  f.Add("HEAD", "/v2/app/blobs/sha256:b1", Resp(200));
  f.Add("HEAD", "/v2/app/blobs/sha256:b2", Resp(404));
  EXPECT_TRUE(*f.client->BlobExists("app", "sha256:b1"));
  EXPECT_FALSE(*f.client->BlobExists("app", "sha256:b2"));
}

TEST(NextLinkTest, Parsing) {
  EXPECT_EQ(NextLink("", "http://h"), "");
  EXPECT_EQ(NextLink(R"(</v2/x?last=a>; rel="next")", "http://h"), "http://h/v2/x?last=a");
  EXPECT_EQ(NextLink(R"(<http://o/p>; rel="prev", <v2/y>; rel="next")", "http://h"), "http://h/v2/y");
}

TEST(RegistryClientTest, GetBlobVerifiesTheDigest) {
  Fixture f;
  const std::string config = R"({"created":"2024-01-01T00:00:00Z"})";
  const std::string digest = Sha256Digest(config);
  f.Add("GET", "/v2/team/app/blobs/" + digest, Resp(200, config));
  auto blob = f.client->GetBlob("team/app", digest);
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(*blob, config);

  f.Add("GET", "/v2/team/app/blobs/" + digest, Resp(200, config.substr(0, 10)));
  EXPECT_EQ(f.client->GetBlob("team/app", digest).status().code(), absl::StatusCode::kDataLoss);
  f.Add("GET", "/v2/team/app/blobs/" + digest, Resp(200, config));
  EXPECT_EQ(f.client->GetBlob("team/app", digest, 5).status().code(), absl::StatusCode::kOutOfRange);
  f.Add("GET", "/v2/team/app/blobs/" + digest, Resp(404, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})"));
  auto missing = f.client->GetBlob("team/app", digest);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("blob unknown"), std::string::npos);
}

}  // namespace
}  // namespace dcs::registry
