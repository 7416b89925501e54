#include "clients/docker/docker_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "clients/http/testing/fakes.h"
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

// Members of another JSON type read as missing (nlohmann's value() threw,
// which ended the provider).
TEST(DockerClientTest, VersionAndInspectMembersOfAnotherTypeAreMissing) {
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"GET", "/_ping", "", Resp(200, "OK"), absl::OkStatus()});
  fake->Add({"GET", "/version", "", Resp(200, R"({"Version":1,"ApiVersion":[1],"MinAPIVersion":{}})"),
             absl::OkStatus()});
  auto c = DockerClient::Connect(TcpEndpoint(), fake);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->api_version(), kMaxApiVersion);
  fake->Add({"GET", "/v" + std::string(kMaxApiVersion) + "/images/x/json", "", Resp(200, R"({"Id":7})"),
             absl::OkStatus()});
  auto info = (*c)->Inspect("x");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "");
}

// A non-JSON error body is quoted by whole characters (a 512-byte cut could
// split one and leave invalid UTF-8 in the diagnostic).
TEST(DockerClientTest, EngineErrorQuotesWholeCharacters) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto c = Connected(fake, "1.41");
  fake->Add({"GET", "/v1.41/images/x/json", "", Resp(500, std::string(511, 'x') + "\xC3\xA9 more"),
             absl::OkStatus()});
  auto info = c->Inspect("x");
  ASSERT_FALSE(info.ok());
  const std::string message(info.status().message());
  EXPECT_NE(message.find(std::string(511, 'x') + "\xE2\x80\xA6"), std::string::npos) << message;
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

// A DOCKER_CERT_PATH directory holding the named files (contents do not
// matter: the fake transport never does a handshake).
class CertDir {
 public:
  explicit CertDir(std::initializer_list<const char*> files) {
    char tmpl[] = "/tmp/dcs-certdir-XXXXXX";
    path_ = mkdtemp(tmpl);
    for (const char* f : files) std::ofstream(path_ + "/" + f) << "pem";
  }
  ~CertDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Endpoint TlsEndpoint(const CertDir& dir, bool verify = true) {
  return *ParseEndpoint("tcp://127.0.0.1:2376", verify ? "1" : "", dir.path(), "/h");
}

TEST(DockerClientTest, TlsWithoutCaFileNamesTheFileAndDockerCertPath) {
  CertDir dir({"cert.pem", "key.pem"});
  auto c = DockerClient::Connect(TlsEndpoint(dir), std::make_shared<http::FakeTransport>());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find(dir.path() + "/ca.pem does not exist"), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("DOCKER_CERT_PATH"), std::string::npos) << c.status();
}

TEST(DockerClientTest, TlsWithHalfAClientCertificateNamesTheMissingHalf) {
  CertDir dir({"ca.pem", "cert.pem"});
  auto c = DockerClient::Connect(TlsEndpoint(dir), std::make_shared<http::FakeTransport>());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find(dir.path() + "/key.pem does not exist"), std::string::npos) << c.status();
}

TEST(DockerClientTest, TlsWithoutClientCertificateSendsNone) {
  CertDir dir({"ca.pem"});
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"GET", "/_ping", "", Resp(200, "OK", {{"Api-Version", "1.41"}}), absl::OkStatus()});
  fake->Add({"GET", "/version", "", Resp(200, R"({"ApiVersion":"1.41"})"), absl::OkStatus()});
  auto c = DockerClient::Connect(TlsEndpoint(dir), fake);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_FALSE(fake->requests().empty());
  EXPECT_EQ(fake->requests()[0].ca_file, dir.path() + "/ca.pem");
  EXPECT_EQ(fake->requests()[0].client_cert_file, "");
  EXPECT_EQ(fake->requests()[0].client_key_file, "");
}

TEST(DockerClientTest, HandshakeRefusedIsATlsProblemNotADaemonThatIsDown) {
  CertDir dir({"ca.pem", "cert.pem", "key.pem"});
  for (absl::Status transport_error :
       {absl::UnavailableError("GET https://127.0.0.1:2376/_ping: OpenSSL SSL_read: tlsv13 alert certificate required"),
        absl::FailedPreconditionError("GET https://127.0.0.1:2376/_ping: SSL certificate problem"),
        absl::UnavailableError("GET https://127.0.0.1:2376/_ping: getpeername() failed with errno 107: "
                               "Transport endpoint is not connected")}) {
    auto fake = std::make_shared<http::FakeTransport>();
    fake->Add({"GET", "/_ping", "", {}, transport_error});
    auto c = DockerClient::Connect(TlsEndpoint(dir), fake);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition) << c.status();
    const std::string_view m(c.status().message().data(), c.status().message().size());
    EXPECT_NE(m.find("TLS with the Docker daemon at tcp://127.0.0.1:2376 failed"), std::string::npos) << m;
    EXPECT_NE(m.find(dir.path() + "/ca.pem must be the CA that signed the daemon's certificate"),
              std::string::npos) << m;
    EXPECT_NE(m.find("DOCKER_CERT_PATH"), std::string::npos) << m;
    EXPECT_EQ(m.find("Is it running?"), std::string::npos) << m;
  }
}

TEST(DockerClientTest, TlsDaemonThatIsDownIsStillUnreachable) {
  CertDir dir({"ca.pem", "cert.pem", "key.pem"});
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"GET", "/_ping", "", {},
             absl::UnavailableError("GET https://127.0.0.1:2376/_ping: Failed to connect to 127.0.0.1 port 2376: "
                                    "Connection refused")});
  auto c = DockerClient::Connect(TlsEndpoint(dir), fake);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
  EXPECT_NE(c.status().message().find("Is it running?"), std::string::npos) << c.status();
}

TEST(DockerClientTest, PlainHttpToATlsDaemonSaysToTurnOnTls) {
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"GET", "/_ping", "", Resp(400, "Client sent an HTTP request to an HTTPS server.\n"), absl::OkStatus()});
  auto c = DockerClient::Connect(TcpEndpoint(), fake);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find("only speaks TLS"), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("DOCKER_TLS_VERIFY=1"), std::string::npos) << c.status();
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
  const auto req = fake->requests().back();  // requests() returns a copy
  EXPECT_TRUE(static_cast<bool>(req.read_body));
}

}  // namespace
}  // namespace dcs::docker
