#include "clients/docker/endpoint.h"

#include <gtest/gtest.h>

#include <map>

namespace dcs::docker {
namespace {

TEST(EndpointTest, DefaultsToTheStandardSocket) {
  auto e = ParseEndpoint("", "", "", "/home/u");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->unix_socket, "/var/run/docker.sock");
  EXPECT_EQ(e->base_url, "http://localhost");
  EXPECT_FALSE(e->tls);
}

TEST(EndpointTest, TcpPlainAndTls) {
  auto plain = ParseEndpoint("tcp://10.0.0.5", "", "", "/h");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->base_url, "http://10.0.0.5:2375");
  auto tls = ParseEndpoint("tcp://host.example:3000/", "1", "/certs", "/h");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls->base_url, "https://host.example:3000");
  EXPECT_TRUE(tls->tls_verify);
  EXPECT_EQ(tls->ca_file, "/certs/ca.pem");
  EXPECT_EQ(tls->cert_file, "/certs/cert.pem");
  EXPECT_EQ(tls->key_file, "/certs/key.pem");
  auto home = ParseEndpoint("tcp://h", "1", "", "/home/u");
  ASSERT_TRUE(home.ok());
  EXPECT_EQ(home->base_url, "https://h:2376");
  EXPECT_EQ(home->ca_file, "/home/u/.docker/ca.pem");
  auto cert_only = ParseEndpoint("tcp://h:1", "", "/c", "/h");  // TLS without verification
  ASSERT_TRUE(cert_only.ok());
  EXPECT_TRUE(cert_only->tls);
  EXPECT_FALSE(cert_only->tls_verify);
}

TEST(EndpointTest, UnsupportedSchemesExplain) {
  auto ssh = ParseEndpoint("ssh://me@host", "", "", "/h");
  EXPECT_EQ(ssh.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ssh.status().message().find("unix://"), std::string::npos);
  EXPECT_FALSE(ParseEndpoint("unix://relative", "", "", "/h").ok());
  EXPECT_FALSE(ParseEndpoint("tcp://", "", "", "/h").ok());
}

TEST(EndpointTest, FromEnvironment) {
  std::map<std::string, std::string> env = {{"DOCKER_HOST", "unix:///run/x.sock"},
                                            {"DOCKER_API_VERSION", "1.41"}};
  auto e = EndpointFromEnvironment([&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->unix_socket, "/run/x.sock");
  EXPECT_EQ(e->pinned_api_version, "1.41");
}

}  // namespace
}  // namespace dcs::docker
