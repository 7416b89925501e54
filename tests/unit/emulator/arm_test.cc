// The emulator's Azure Resource Manager endpoints (emulator/arm.cc): Entra ID
// client credentials, container-registry GET/PATCH with api-version, ARM
// error shapes and the Premium-only retention policy.
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

const char kRegistry[] =
    "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/";

struct ArmFixture {
  std::unique_ptr<Emulator> emu = Emulator::Start();
  std::string token;

  ArmFixture() {
    if (!emu) return;
    EXPECT_EQ(emu->Post("/_emulator/arm/clients", {{"tenant", "t1"}, {"client_id", "sp"}, {"client_secret", "pw"}}).status, 200);
    for (const auto& [name, sku] : {std::pair{"prem", "Premium"}, std::pair{"basic", "Basic"}}) {
      EXPECT_EQ(emu->Post("/_emulator/arm/registries",
                          {{"subscription", "sub-1"}, {"resource_group", "rg-1"}, {"name", name}, {"sku", sku}})
                    .status,
                200);
    }
    Resp t = Token("t1", "sp", "pw");
    EXPECT_EQ(t.status, 200) << t.raw;
    token = t.body.value("access_token", "");
  }
  Resp Token(const std::string& tenant, const std::string& id, const std::string& secret) const {
    return emu->PostRaw("/entra/" + tenant + "/oauth2/v2.0/token",
                        "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret +
                            "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default",
                        "application/x-www-form-urlencoded", {{"X-Test", "1"}});
  }
  Resp Patch(const std::string& path, const Json& body) const {
    httplib::Client c(emu->url());
    return ToResp(c.Patch(path, {{"Authorization", "Bearer " + token}}, body.dump(), "application/json"));
  }
};

TEST(ArmTest, ClientCredentialsAreChecked) {
  ArmFixture f;
  ASSERT_TRUE(f.emu);
  EXPECT_FALSE(f.token.empty());
  Resp wrong = f.Token("t1", "sp", "nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.value("error", ""), "invalid_client");
  EXPECT_EQ(f.Token("other-tenant", "sp", "pw").status, 400);
}

TEST(ArmTest, GetNeedsTokenAndApiVersion) {
  ArmFixture f;
  ASSERT_TRUE(f.emu);
  const std::string path = std::string(kRegistry) + "prem";
  Resp no_token = f.emu->Get(path + "?api-version=2023-07-01", "bogus");
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(no_token.body["error"].value("code", ""), "InvalidAuthenticationToken");
  Resp no_version = f.emu->Get(path, f.token);
  EXPECT_EQ(no_version.status, 400);
  EXPECT_EQ(no_version.body["error"].value("code", ""), "MissingApiVersionParameter");
  EXPECT_EQ(f.emu->Get(path + "?api-version=1999-01-01", f.token).body["error"].value("code", ""),
            "InvalidApiVersionParameter");
  Resp ok = f.emu->Get(path + "?api-version=2023-07-01", f.token);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["sku"].value("name", ""), "Premium");
  EXPECT_EQ(ok.body["properties"]["policies"]["retentionPolicy"].value("status", ""), "disabled");
  // Segment names are case-insensitive, like ARM.
  std::string lower = "/subscriptions/sub-1/resourcegroups/rg-1/providers/microsoft.containerregistry/registries/prem";
  EXPECT_EQ(f.emu->Get(lower + "?api-version=2025-11-01", f.token).status, 200);
  Resp missing = f.emu->Get(std::string(kRegistry) + "nosuch?api-version=2023-07-01", f.token);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["error"].value("code", ""), "ResourceNotFound");
}

TEST(ArmTest, RetentionPolicyIsPremiumOnly) {
  ArmFixture f;
  ASSERT_TRUE(f.emu);
  Json enable = {{"properties", {{"policies", {{"retentionPolicy", {{"days", 30}, {"status", "enabled"}}}}}}}};
  Resp prem = f.Patch(std::string(kRegistry) + "prem?api-version=2023-07-01", enable);
  ASSERT_EQ(prem.status, 200) << prem.raw;
  EXPECT_EQ(prem.body["properties"]["policies"]["retentionPolicy"].value("days", 0), 30);
  EXPECT_EQ(prem.body["properties"]["policies"]["retentionPolicy"].value("status", ""), "enabled");
  Resp basic = f.Patch(std::string(kRegistry) + "basic?api-version=2023-07-01", enable);
  EXPECT_EQ(basic.status, 400);
  EXPECT_NE(basic.body["error"].value("message", "").find("Premium"), std::string::npos);
  Json too_long = {{"properties", {{"policies", {{"retentionPolicy", {{"days", 400}}}}}}}};
  EXPECT_EQ(f.Patch(std::string(kRegistry) + "prem?api-version=2023-07-01", too_long).status, 400);
}

}  // namespace
}  // namespace dcs::emulator::testing
