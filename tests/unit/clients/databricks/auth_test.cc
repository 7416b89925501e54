// Token sources: PAT, OAuth M2M caching/refresh, Azure SP form and authority.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/auth.h"
#include "clients/http/testing/fakes.h"
#include "sdk/log/hclog.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ResolvedConfig M2MConfig() {
  ResolvedConfig c = PatConfig();
  c.token.clear();
  c.client_id = "my-id";
  c.client_secret = "my-secret";
  return c;
}

TEST(AuthTest, PatIsStaticBearer) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto src = NewTokenSource(PatConfig(), fake, std::make_shared<http::FakeClock>());
  EXPECT_EQ(*src->Authorization(nullptr), "Bearer dapi-test-token");
  EXPECT_TRUE(fake->requests().empty());
}

TEST(AuthTest, OAuthM2MRequestsCachesAndRefreshesBeforeExpiry) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto clock = std::make_shared<http::FakeClock>();
  fake->Add({"POST", "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis",
             Answer(200, R"({"access_token":"tok-1","token_type":"Bearer","expires_in":3600})"), absl::OkStatus()});
  fake->Add({"POST", "/oidc/v1/token", "", Answer(200, R"({"access_token":"tok-2","expires_in":3600})"),
             absl::OkStatus()});
  auto src = NewTokenSource(M2MConfig(), fake, clock);
  EXPECT_EQ(*src->Authorization(nullptr), "Bearer tok-1");
  const auto req = fake->requests().at(0);
  EXPECT_EQ(req.url, "https://ws.example.com/oidc/v1/token");
  http::Response h{.headers = req.headers};
  EXPECT_EQ(h.Header("Authorization"), "Basic " + Base64Encode("my-id:my-secret"));
  EXPECT_EQ(h.Header("Content-Type"), "application/x-www-form-urlencoded");
  clock->Advance(std::chrono::seconds(3600 - 61));
  EXPECT_EQ(*src->Authorization(nullptr), "Bearer tok-1");  // cached
  EXPECT_EQ(fake->requests().size(), 1u);
  clock->Advance(std::chrono::seconds(2));  // within 60 s of expiry
  EXPECT_EQ(*src->Authorization(nullptr), "Bearer tok-2");
  EXPECT_EQ(fake->requests().size(), 2u);
}

TEST(AuthTest, OAuthRejectionIsUnauthenticatedWithoutTheSecret) {
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"POST", "/oidc/v1/token", "",
             Answer(401, R"({"error":"invalid_client","error_description":"Client authentication failed"})"),
             absl::OkStatus()});
  auto r = NewTokenSource(M2MConfig(), fake, std::make_shared<http::FakeClock>())->Authorization(nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(), HasSubstr("invalid_client: Client authentication failed"));
  EXPECT_THAT(r.status().message(), HasSubstr("DATABRICKS_CLIENT_SECRET"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("my-secret")));
}

TEST(AuthTest, AzureServicePrincipalUsesAuthorityTenantAndScope) {
  auto fake = std::make_shared<http::FakeTransport>();
  ResolvedConfig c = PatConfig();
  c.token.clear();
  c.azure_client_id = "app-id";
  c.azure_client_secret = "s&cret";
  c.azure_tenant_id = "tenant-9";
  c.azure_authority_url = "http://127.0.0.1:4000";
  fake->Add({"POST", "/tenant-9/oauth2/v2.0/token",
             "grant_type=client_credentials&client_id=app-id&client_secret=s%26cret"
             "&scope=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d%2F.default",
             Answer(200, R"({"access_token":"aad-tok","token_type":"Bearer","expires_in":"3599"})"),
             absl::OkStatus()});
  auto src = NewTokenSource(c, fake, std::make_shared<http::FakeClock>());
  auto r = src->Authorization(nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "Bearer aad-tok");
  EXPECT_EQ(fake->requests()[0].url, "http://127.0.0.1:4000/tenant-9/oauth2/v2.0/token");
}

TEST(AuthTest, TokensAreRegisteredAsSecrets) {
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kDebug);
  log::SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  auto fake = std::make_shared<http::FakeTransport>();
  fake->Add({"POST", "/oidc/v1/token", "", Answer(200, R"({"access_token":"tok-secret-xyz","expires_in":10})"),
             absl::OkStatus()});
  ASSERT_TRUE(NewTokenSource(M2MConfig(), fake, std::make_shared<http::FakeClock>())->Authorization(nullptr).ok());
  log::Info("leak attempt tok-secret-xyz my-secret");
  log::SetSinkForTesting(nullptr);
  log::SetLevelForTesting(log::Level::kWarn);
  ASSERT_FALSE(lines.empty());
  for (const auto& l : lines) {
    EXPECT_THAT(l, Not(HasSubstr("tok-secret-xyz")));
    EXPECT_THAT(l, Not(HasSubstr("my-secret")));
  }
  log::ClearSecretsForTesting();
}

TEST(AuthTest, ClientUsesTheTokenSource) {
  ClientFixture f(M2MConfig());
  f.Expect("POST", "/oidc/v1/token", "", 200, R"({"access_token":"tok-a","expires_in":3600})");
  f.Expect("GET", "/api/2.0/secrets/scopes/list", "", 200, R"({"scopes":[]})");
  ASSERT_TRUE(f.client.Call("GET", "/api/2.0/secrets/scopes/list", nullptr, nullptr, Retry::kIdempotent).ok());
  EXPECT_EQ(http::Response{.headers = f.fake->requests()[1].headers}.Header("Authorization"), "Bearer tok-a");
}

TEST(AuthTest, Base64AndFormEscape) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(FormEscape("a b/c~"), "a%20b%2Fc~");
}

}  // namespace
}  // namespace dcs::databricks
