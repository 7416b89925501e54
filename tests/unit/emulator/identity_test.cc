// The emulator's identity services (entra.cc, auth.cc token exchange,
// acr_tokens.cc, jwt.cc): RS256 federated tokens checked against an issuer's
// published keys, Entra client assertions, the managed-identity endpoint, the
// ACR token service, audience checks between workspace and ARM, and OAuth
// M2M client credentials form-decoded from HTTP Basic.
#include <openssl/core_names.h>

#include <thread>

#include "absl/strings/escaping.h"
#include "emulator/jwt.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

const char kSubject[] = "repo:dcslabs/infra:ref:refs/heads/main";
const char kForm[] = "application/x-www-form-urlencoded";

std::string Escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// A loopback OIDC issuer publishing one RSA key.
class Issuer {
 public:
  Issuer() : key_(EVP_RSA_gen(2048), EVP_PKEY_free), other_(EVP_RSA_gen(2048), EVP_PKEY_free) {
    BIGNUM *n = nullptr, *e = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E, &e);
    auto bytes = [](BIGNUM* b) {
      std::string s(BN_num_bytes(b), '\0');
      BN_bn2bin(b, reinterpret_cast<unsigned char*>(s.data()));
      return Base64UrlEncode(s);
    };
    jwks_ = {{"keys", {{{"kty", "RSA"}, {"kid", "k1"}, {"alg", "RS256"}, {"n", bytes(n)}, {"e", bytes(e)}}}}};
    BN_free(n);
    BN_free(e);
    port_ = server_.bind_to_any_port("127.0.0.1");
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    server_.Get("/.well-known/openid-configuration", [this](const httplib::Request&, httplib::Response& r) {
      r.set_content(Json{{"issuer", url_}, {"jwks_uri", url_ + "/jwks"}}.dump(), "application/json");
    });
    server_.Get("/jwks", [this](const httplib::Request&, httplib::Response& r) {
      r.set_content(jwks_.dump(), "application/json");
    });
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Issuer() {
    server_.stop();
    thread_.join();
  }
  const std::string& url() const { return url_; }
  std::string Mint(const std::string& aud, const std::string& sub = kSubject, int64_t lifetime = 600,
                   bool forged = false) const {
    const int64_t now = time(nullptr);
    Json claims = {{"iss", url_}, {"sub", sub}, {"aud", aud}, {"iat", now}, {"nbf", now - 5}, {"exp", now + lifetime}};
    return *SignRs256({{"typ", "JWT"}, {"kid", "k1"}}, claims, forged ? other_.get() : key_.get());
  }

 private:
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_, other_;
  Json jwks_;
  httplib::Server server_;
  int port_ = 0;
  std::string url_;
  std::thread thread_;
};

struct IdentityFixture {
  std::unique_ptr<Emulator> emu = Emulator::Start({"--oauth-client", "sp-m2m:M2M-s3cr+et/val=5e8c2"});
  Issuer issuer;
  IdentityFixture() {
    if (!emu) return;
    EXPECT_EQ(emu->Post("/_emulator/identity/federation-policies",
                        {{"client_id", "sp-fed"}, {"issuer", issuer.url()}, {"subject", kSubject},
                         {"audiences", {emu->url() + "/oidc/v1/token"}}})
                  .status,
              200);
    EXPECT_EQ(emu->Post("/_emulator/identity/apps",
                        {{"tenant", "t1"}, {"client_id", "app-fed"},
                         {"federated", {{{"issuer", issuer.url()}, {"subject", kSubject},
                                         {"audiences", {"api://AzureADTokenExchange"}}}}}})
                  .status,
              200);
    EXPECT_EQ(emu->Post("/_emulator/identity/managed", {{"principal", "vm-identity"}}).status, 200);
  }
  Resp Exchange(const std::string& jwt, const std::string& client_id = "sp-fed") const {
    return emu->PostRaw("/oidc/v1/token",
                        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                        "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&subject_token=" +
                            jwt + "&scope=all-apis&client_id=" + client_id,
                        kForm, {{"X-Test", "1"}});
  }
  Resp Assertion(const std::string& jwt, const std::string& scope) const {
    return emu->PostRaw("/entra/t1/oauth2/v2.0/token",
                        "grant_type=client_credentials&client_id=app-fed&client_assertion_type=urn%3Aietf%3A"
                        "params%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" +
                            jwt + "&scope=" + Escape(scope),
                        kForm, {{"X-Test", "1"}});
  }
};

TEST(IdentityTest, TokenExchangeChecksSignatureIssuerAudienceSubjectAndExpiry) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  const std::string aud = f.emu->url() + "/oidc/v1/token";
  Resp ok = f.Exchange(f.issuer.Mint(aud));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::string token = ok.body.value("access_token", "");
  EXPECT_EQ(f.emu->Get("/api/2.0/preview/scim/v2/Me", token).body.value("userName", ""), "sp-fed");
  struct Case {
    std::string jwt, why;
  };
  for (const Case& c : {Case{f.issuer.Mint("https://elsewhere"), "audience"},
                        Case{f.issuer.Mint(aud, "repo:evil/fork:pull_request"), "subject"},
                        Case{f.issuer.Mint(aud, kSubject, -600), "expired"},
                        Case{f.issuer.Mint(aud, kSubject, 600, /*forged=*/true), "signature"}}) {
    Resp refused = f.Exchange(c.jwt);
    EXPECT_EQ(refused.status, 401) << c.why;
    EXPECT_NE(refused.body.value("error_description", "").find(c.why), std::string::npos) << refused.raw;
  }
  EXPECT_EQ(f.Exchange(f.issuer.Mint(aud), "sp-without-policy").status, 401);
  EXPECT_EQ(f.Exchange("not.a-jwt").status, 400);
}

TEST(IdentityTest, EntraClientAssertionAndAudiencesOfWorkspaceAndArm) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  Resp dbx = f.Assertion(f.issuer.Mint("api://AzureADTokenExchange"), "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default");
  ASSERT_EQ(dbx.status, 200) << dbx.raw;
  const std::string token = dbx.body.value("access_token", "");
  EXPECT_EQ(f.emu->Get("/api/2.0/preview/scim/v2/Me", token).body.value("userName", ""), "app-fed");
  // The workspace token is not an ARM token, and an ARM token is not a workspace token.
  Resp arm = f.emu->Get("/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r"
                        "?api-version=2023-07-01",
                        token);
  EXPECT_EQ(arm.status, 401);
  EXPECT_EQ(arm.body["error"].value("code", ""), "InvalidAuthenticationTokenAudience");
  Resp mgmt = f.Assertion(f.issuer.Mint("api://AzureADTokenExchange"), "https://management.azure.com/.default");
  ASSERT_EQ(mgmt.status, 200);
  EXPECT_EQ(f.emu->Get("/api/2.0/preview/scim/v2/Me", mgmt.body.value("access_token", "")).status, 401);
  Resp wrong_sub = f.Assertion(f.issuer.Mint("api://AzureADTokenExchange", "repo:x/y:ref:refs/heads/dev"),
                               "https://management.azure.com/.default");
  EXPECT_EQ(wrong_sub.status, 401);
  EXPECT_NE(wrong_sub.body.value("error_description", "").find("AADSTS70021"), std::string::npos);
  Resp wrong_aud = f.Assertion(f.issuer.Mint("api://other"), "https://management.azure.com/.default");
  EXPECT_NE(wrong_aud.body.value("error_description", "").find("AADSTS700212"), std::string::npos);
}

TEST(IdentityTest, EntraAtTheRootForMsalAndSubscriptionsForAzLogin) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  ASSERT_EQ(f.emu->Post("/_emulator/identity/apps", {{"tenant", "t9"}, {"client_id", "sp"}, {"client_secret", "pw"}}).status,
            200);
  Resp discovery = f.emu->Get("/t9/v2.0/.well-known/openid-configuration", "");
  ASSERT_EQ(discovery.status, 200) << discovery.raw;
  EXPECT_EQ(discovery.body.value("token_endpoint", ""), f.emu->url() + "/t9/oauth2/v2.0/token");
  EXPECT_EQ(f.emu->Get("/entra/t9/v2.0/.well-known/openid-configuration", "").body.value("token_endpoint", ""),
            f.emu->url() + "/entra/t9/oauth2/v2.0/token");
  Resp token = f.emu->PostRaw("/t9/oauth2/v2.0/token",
                              "grant_type=client_credentials&client_id=sp&client_secret=pw&scope=https%3A%2F%2F"
                              "management.azure.com%2F.default",
                              kForm, {{"X", "1"}});
  ASSERT_EQ(token.status, 200) << token.raw;
  ASSERT_EQ(f.emu->Post("/_emulator/arm/subscriptions", {{"subscription_id", "s1"}, {"tenant", "t9"}}).status, 200);
  Resp subs = f.emu->Get("/subscriptions?api-version=2022-12-01", token.body.value("access_token", ""));
  ASSERT_EQ(subs.status, 200) << subs.raw;
  EXPECT_EQ(subs.body["value"][0].value("subscriptionId", ""), "s1");
  EXPECT_EQ(f.emu->Get("/subscriptions?api-version=2022-12-01", "bogus").status, 401);
  // Workspace paths are never taken for a tenant.
  EXPECT_EQ(f.emu->Get("/oidc/.well-known/oauth-authorization-server", "").status, 200);
}

TEST(IdentityTest, ManagedIdentityEndpoint) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  const std::string path = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";
  httplib::Client c(f.emu->url());
  EXPECT_EQ(harness_internal::ToResp(c.Get(path)).status, 400);  // no Metadata header
  Resp ok = harness_internal::ToResp(c.Get(path, {{"Metadata", "true"}}));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_TRUE(ok.body["expires_in"].is_string());
  EXPECT_EQ(ok.body.value("resource", ""), "https://management.azure.com");
  Resp unknown = harness_internal::ToResp(c.Get(path + "&client_id=nope", {{"Metadata", "true"}}));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.raw.find("Identity not found"), std::string::npos);
}

TEST(IdentityTest, AcrExchangeAndTokenService) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  httplib::Client c(f.emu->url());
  Resp msi = harness_internal::ToResp(c.Get(
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com",
      {{"Metadata", "true"}}));
  const std::string entra = msi.body.value("access_token", "");
  Resp rt = f.emu->PostRaw("/oauth2/exchange",
                           "grant_type=access_token&service=reg.test&access_token=" + entra, kForm, {{"X", "1"}});
  ASSERT_EQ(rt.status, 200) << rt.raw;
  const std::string refresh = rt.body.value("refresh_token", "");
  const std::string basic = absl::Base64Escape("00000000-0000-0000-0000-000000000000:" + refresh);
  Resp at = harness_internal::ToResp(c.Get("/oauth2/token?service=reg.test&scope=repository%3Ateam%2Fapp%3Apull%2Cpush",
                                           {{"Authorization", "Basic " + basic}}));
  ASSERT_EQ(at.status, 200) << at.raw;
  auto jwt = PeekJwt(at.body.value("access_token", ""));
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->claims.value("aud", ""), "reg.test");
  EXPECT_EQ(jwt->claims.value("sub", ""), "vm-identity");
  EXPECT_EQ(jwt->claims["access"][0].value("name", ""), "team/app");
  EXPECT_EQ(jwt->claims["access"][0]["actions"], Json({"pull", "push"}));
  EXPECT_TRUE(jwt->header["x5c"].is_array());
  const std::string wrong_user = absl::Base64Escape("admin:" + refresh);
  EXPECT_EQ(harness_internal::ToResp(c.Get("/oauth2/token?service=reg.test", {{"Authorization", "Basic " + wrong_user}})).status, 401);
  Resp post = f.emu->PostRaw("/oauth2/token",
                             "grant_type=refresh_token&service=reg.test&scope=repository%3Ateam%2Fapp%3Apull"
                             "&refresh_token=" + refresh, kForm, {{"X", "1"}});
  EXPECT_EQ(post.status, 200) << post.raw;
  EXPECT_EQ(f.emu->PostRaw("/oauth2/token", "grant_type=refresh_token&service=other&refresh_token=" + refresh,
                           kForm, {{"X", "1"}}).status, 401);
  // A token for the workspace is not accepted by the registry exchange.
  Resp dbx = harness_internal::ToResp(c.Get(
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d",
      {{"Metadata", "true"}}));
  EXPECT_EQ(f.emu->PostRaw("/oauth2/exchange", "grant_type=access_token&service=reg.test&access_token=" +
                                                   dbx.body.value("access_token", ""), kForm, {{"X", "1"}}).status,
            401);
}

TEST(IdentityTest, OAuthM2MBasicCredentialsAreFormDecoded) {
  IdentityFixture f;
  ASSERT_TRUE(f.emu);
  auto basic = [](const std::string& id, const std::string& secret) {
    return httplib::Headers{{"Authorization", "Basic " + absl::Base64Escape(id + ":" + secret)}};
  };
  // RFC 6749 §2.3.1: the client form-encodes id and secret before base64.
  Resp ok = f.emu->PostRaw("/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", kForm,
                           basic("sp-m2m", Escape("M2M-s3cr+et/val=5e8c2")));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  // Unencoded, '+' decodes to a space: the secret does not match.
  Resp raw = f.emu->PostRaw("/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", kForm,
                            basic("sp-m2m", "M2M-s3cr+et/val=5e8c2"));
  EXPECT_EQ(raw.status, 401);
}

}  // namespace
}  // namespace dcs::emulator::testing
