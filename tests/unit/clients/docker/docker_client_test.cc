#include "clients/docker/docker_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::docker {
namespace {

http::Response Resp(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Endpoint TcpEndpoint() { return *ParseEndpoint("tcp://127.0.0.1:1", "", "", "/h"); }

std::unique_ptr<DockerClient> Connected(const std::shared_ptr<http::FakeTransport>& fake,
                                        const std::string& server_api) {
  fake->Add({"GET", "/_ping", "", Resp(200, "OK", {{"Api-Version", server_api}}), absl::OkStatus()});
  fake->Add({"GET", "/version", "",
             Resp(200, R"({"Version":"x","ApiVersion":")" + server_api + R"(","MinAPIVersion":"1.12"})"),
             absl::OkStatus()});
  auto c = DockerClient::Connect(TcpEndpoint(), fake);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(DockerClientTest, NegotiatesTheLowerVersion) {
  auto fake = std::make_shared<http::FakeTransport>();
  EXPECT_EQ(Connected(fake, "1.41")->api_version(), "1.41");
  auto fake2 = std::make_shared<http::FakeTransport>();
  EXPECT_EQ(Connected(fake2, "1.52")->api_version(), kMaxApiVersion);
  EXPECT_LT(CompareApiVersions("1.9", "1.41"), 0);
  EXPECT_EQ(CompareApiVersions("1.41", "1.41"), 0);
}

TEST(DockerClientTest, MissingSocketSaysHowToSetDockerHost) {
  auto e = ParseEndpoint("unix:///nonexistent/docker.sock", "", "", "/h");
  auto c = DockerClient::Connect(*e, std::make_shared<http::FakeTransport>());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(c.status().message().find("DOCKER_HOST"), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("/nonexistent/docker.sock"), std::string::npos);
}

TEST(DockerClientTest, ConnectionRefusedSaysHowToSetDockerHost) {
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"GET", "/_ping", "", {}, absl::UnavailableError("connection refused")});
  auto c = DockerClient::Connect(TcpEndpoint(), fake);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(c.status().message().find("DOCKER_HOST"), std::string::npos);
}

TEST(DockerClientTest, AuthConfigIsBase64UrlWithPadding) {
  const std::string enc = EncodeAuthConfig({"u", "p?>", "r.io", ""});
  EXPECT_EQ(enc.find_first_of("+/"), std::string::npos);
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(enc, &decoded));
  auto j = nlohmann::json::parse(decoded);
  EXPECT_EQ(j["username"], "u");
  EXPECT_EQ(j["password"], "p?>");
  EXPECT_EQ(j["serveraddress"], "r.io");
  EXPECT_EQ(EncodeAuthConfig({}), "e30=");  // "{}"
}

TEST(DockerClientTest, PushUnauthorizedNeverShowsThePassword) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto c = Connected(fake, "1.41");
  fake->Add({"POST", "/v1.41/images/127.0.0.1:1/x/push?tag=v1", "",
             Resp(200, "{\"status\":\"The push refers to repository [127.0.0.1:1/x]\"}\r\n"
                       "{\"errorDetail\":{\"message\":\"unauthorized: bad pw-123\"},\"error\":\"x\"}\r\n"),
             absl::OkStatus()});
  auto r = c->Push("127.0.0.1:1/x", "v1", {"u", "pw-123", "127.0.0.1:1", ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(r.status().message()).find("pw-123"), std::string::npos) << r.status();
}

TEST(DockerClientTest, InspectAndEngineErrors) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto c = Connected(fake, "1.41");
  fake->Add({"GET", "/v1.41/images/x/json", "",
             Resp(200, R"({"Id":"sha256:1","RepoTags":["x:latest"],"RepoDigests":[],"Config":{"Labels":{"a":"b"}}})"),
             absl::OkStatus()});
  fake->Add({"GET", "/v1.41/images/y/json", "", Resp(404, R"({"message":"No such image: y"})"),
             absl::OkStatus()});
  auto info = c->Inspect("x");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "sha256:1");
  EXPECT_EQ(info->labels.at("a"), "b");
  auto missing = c->Inspect("y");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("No such image: y"), std::string::npos);
}

TEST(DockerClientTest, BuildQueryAndStreamedBody) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto c = Connected(fake, "1.41");
  testing::TempTree tree;
  tree.Write("Dockerfile", "FROM scratch\n");
  fake->Add({"POST",
             "/v1.41/build?t=a%2Fb%3A1&dockerfile=Dockerfile&buildargs=%7B%22K%22%3A%22V%22%7D"
             "&target=t&networkmode=none&nocache=1&rm=1&forcerm=1&version=1",
             "", Resp(200, "{\"aux\":{\"ID\":\"sha256:feed\"}}\n"), absl::OkStatus()});
  BuildOptions o;
  o.context_dir = tree.root();
  o.tags = {"a/b:1"};
  o.build_args = {{"K", "V"}};
  o.target = "t";
  o.network_mode = "none";
  o.no_cache = true;
  auto r = c->Build(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->image_id, "sha256:feed");
  const auto& req = fake->requests().back();
  EXPECT_TRUE(static_cast<bool>(req.read_body));
}

}  // namespace
}  // namespace dcs::docker
