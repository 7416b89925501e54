// In-process tests of the emulator's building blocks (no HTTP).
#include "emulator/api_error.h"
#include "emulator/cluster_validation.h"
#include "emulator/faults.h"
#include "emulator/flags.h"
#include "gtest/gtest.h"

namespace dcs::emulator {
namespace {

TEST(FaultInjectorTest, FiresOnExactFraction) {
  FaultInjector f;
  ASSERT_TRUE(f.Configure({{"rules", {{{"kind", "500"}, {"rate", 0.3}, {"path", "/a*"}}}}}).ok());
  int fired = 0;
  for (int i = 0; i < 100; ++i) fired += f.Decide("GET", "/abc").kind == "500";
  EXPECT_EQ(fired, 30);
  EXPECT_TRUE(f.Decide("GET", "/b").kind.empty());
  EXPECT_FALSE(f.Configure({{"rules", {{{"kind", "500"}, {"rate", 2}}}}}).ok());
}

TEST(FaultInjectorTest, PathPatterns) {
  EXPECT_TRUE(PathMatches("*", "/x"));
  EXPECT_TRUE(PathMatches("/api/2.1/*", "/api/2.1/clusters/get"));
  EXPECT_FALSE(PathMatches("/api/2.1/clusters/get", "/api/2.1/clusters/list"));
}

TEST(FlagsTest, ParsesTokensFaultsAndDefaults) {
  auto o = ParseFlags({"--port=8080", "--token", "abc=me@x.com", "--token", "def", "--user", "u@x",
                       "--fault", "429:0.5:/api/*:10", "--rate-limit", "3", "--enable-dcs"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->port, 8080);
  EXPECT_EQ(o->auth.tokens["abc"], "me@x.com");
  EXPECT_EQ(o->auth.tokens["def"], "u@x");
  EXPECT_EQ(o->faults["rules"][0]["latency_ms"], 10);
  EXPECT_EQ(o->faults["rate_limits"][0]["requests_per_second"], 3.0);
  EXPECT_TRUE(o->enable_dcs);
  auto defaults = ParseFlags({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->auth.tokens.count(kDefaultToken), 1u);
  EXPECT_FALSE(ParseFlags({"--port", "notanumber"}).ok());
  EXPECT_FALSE(ParseFlags({"--bogus", "1"}).ok());
  EXPECT_TRUE(absl::IsNotFound(ParseFlags({"--help"}).status()));
}

TEST(ApiErrorTest, CarriesCodeAndHttpStatus) {
  WireError e = ToWireError(FeatureDisabled("off"));
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.error_code, "FEATURE_DISABLED");
  EXPECT_EQ(ToWireError(absl::NotFoundError("x")).error_code, "RESOURCE_DOES_NOT_EXIST");
}

TEST(SecretReferenceTest, Syntax) {
  EXPECT_TRUE(IsSecretReference("{{secrets/scope-1/key.a_b}}"));
  EXPECT_FALSE(IsSecretReference("{{secrets/scope}}"));
  EXPECT_FALSE(IsSecretReference("prefix {{secrets/a/b}}"));
  EXPECT_EQ(SplitSecretReference("{{secrets/a/b}}"), (std::pair<std::string, std::string>{"a", "b"}));
}

}  // namespace
}  // namespace dcs::emulator
