// Parsing of the standalone buildkitd settings: buildkit_host (+ mTLS files)
// and cache_from / cache_to entries. The client itself runs against a real
// buildkitd in tests/acceptance/test_image_buildkitd.py.
#include "clients/docker/buildkitd_client.h"

#include <gtest/gtest.h>

#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::docker {
namespace {

TEST(BuildkitdEndpointTest, UnixAndTcpWithMutualTls) {
  auto unix_ep = ParseBuildkitdEndpoint("unix:///run/buildkit/buildkitd.sock", "");
  ASSERT_TRUE(unix_ep.ok()) << unix_ep.status();
  EXPECT_EQ(unix_ep->target, "unix:///run/buildkit/buildkitd.sock");
  EXPECT_FALSE(unix_ep->tls);

  auto plain = ParseBuildkitdEndpoint("tcp://127.0.0.1:1234", "");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->target, "127.0.0.1:1234");
  EXPECT_FALSE(plain->tls);

  testing::TempTree certs;
  certs.Write("ca.pem", "x");
  certs.Write("cert.pem", "x");
  auto missing_key = ParseBuildkitdEndpoint("tcp://127.0.0.1:1234", certs.root());
  EXPECT_EQ(missing_key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing_key.status().message().find("key.pem"), std::string::npos) << missing_key.status();
  certs.Write("key.pem", "x");
  auto tls = ParseBuildkitdEndpoint("tcp://127.0.0.1:1234", certs.root());
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->ca_file, certs.root() + "/ca.pem");

  for (const char* bad : {"ssh://host", "unix://relative.sock", "tcp://host", "tcp://host:", "buildkitd.sock"}) {
    EXPECT_EQ(ParseBuildkitdEndpoint(bad, "").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CacheSpecTest, RegistryEntries) {
  auto c = ParseCacheSpec("type=registry,ref=127.0.0.1:5000/app:cache,mode=max,registry.insecure=true");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->type, "registry");
  EXPECT_EQ(c->attrs.at("ref"), "127.0.0.1:5000/app:cache");
  EXPECT_EQ(c->attrs.at("mode"), "max");
  EXPECT_EQ(c->attrs.at("registry.insecure"), "true");
  auto default_type = ParseCacheSpec("ref=r.io/app:cache");
  ASSERT_TRUE(default_type.ok());
  EXPECT_EQ(default_type->type, "registry");
  EXPECT_EQ(ParseCacheSpec("type=registry,mode=max").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCacheSpec("r.io/app:cache").status().code(), absl::StatusCode::kInvalidArgument);
  auto local = ParseCacheSpec("type=local,dest=/tmp/cache");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->type, "local");
}

}  // namespace
}  // namespace dcs::docker
