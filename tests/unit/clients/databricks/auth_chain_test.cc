// The credential chain: order, forcing one method, "nothing applies", and
// each method's requests (federated token exchange, managed identity, CLIs).
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/auth.h"
#include "sdk/log/hclog.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A well-formed (unsigned) JWT: the provider only checks the shape.
const std::string kJwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2ln";

struct FakeCli {
  std::vector<std::vector<std::string>> calls;
  std::map<std::string, absl::StatusOr<process::CommandResult>> answers;  // by argv[0]
  process::CommandRunner Runner() {
    return [this](const std::vector<std::string>& argv,
                  std::chrono::milliseconds) -> absl::StatusOr<process::CommandResult> {
      calls.push_back(argv);
      auto it = answers.find(argv[0]);
      if (it == answers.end()) return absl::NotFoundError("cannot run " + argv[0]);
      return it->second;
    };
  }
};

struct ChainFixture {
  std::shared_ptr<http::FakeTransport> fake = std::make_shared<http::FakeTransport>();
  std::shared_ptr<http::FakeClock> clock = std::make_shared<http::FakeClock>();
  FakeCli cli;
  std::map<std::string, std::string> env;
  ResolvedConfig config = [] {
    ResolvedConfig c;
    c.host = "https://ws.example.com";
    c.rate_limit = 0;
    c.retry_timeout_seconds = 0;
    return c;
  }();
  AuthDeps Deps() {
    return AuthDeps{.transport = fake, .clock = clock, .runner = cli.Runner(),
                    .getenv = [this](std::string_view n) -> std::optional<std::string> {
                      auto it = env.find(std::string(n));
                      if (it == env.end()) return std::nullopt;
                      return it->second;
                    }};
  }
  absl::StatusOr<std::unique_ptr<TokenSource>> Select() { return SelectTokenSource(config, Deps()); }
  void Answer(std::string method, std::string path, std::string body, int status, std::string answer) {
    fake->Add({std::move(method), std::move(path), std::move(body), databricks::Answer(status, std::move(answer)),
               absl::OkStatus()});
  }
};

std::string Header(const http::Request& r, const std::string& name) { return http::Response{.headers = r.headers}.Header(name); }

TEST(AuthChainTest, NothingAppliesListsEveryMethodInOrderAndWhy) {
  ChainFixture f;
  auto r = f.Select();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(r.status().message());
  size_t at = 0;
  for (const char* m : kAuthTypes) {
    size_t found = msg.find(std::string("- ") + m + ":");
    ASSERT_NE(found, std::string::npos) << m << " missing in\n" << msg;
    EXPECT_GT(found, at) << m << " out of order";
    at = found;
  }
  EXPECT_THAT(msg, HasSubstr("no token (DATABRICKS_TOKEN)"));
  EXPECT_THAT(msg, HasSubstr("ARM_USE_MSI"));
  EXPECT_THAT(msg, HasSubstr("az login"));
  EXPECT_THAT(msg, HasSubstr("databricks auth login"));
  EXPECT_THAT(msg, HasSubstr("DATABRICKS_AUTH_TYPE"));
}

TEST(AuthChainTest, ForcedMethodThatCannotRunFailsClearly) {
  ChainFixture f;
  f.config.token = "dapi-123";  // would win without auth_type
  f.config.auth_type = "azure-msi";
  auto r = f.Select();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("auth_type \"azure-msi\" was requested"));
  EXPECT_THAT(r.status().message(), HasSubstr("ARM_USE_MSI"));
  f.config.auth_type = "pat";
  ASSERT_TRUE(f.Select().ok());
  EXPECT_EQ((*f.Select())->method(), "pat");
}

// A refused answer that is not OAuth JSON is quoted by whole characters
// (a 200-byte cut could split one and leave invalid UTF-8 in the diagnostic).
TEST(AuthChainTest, RefusedTokenAnswerIsQuotedByWholeCharacters) {
  ChainFixture f;
  f.config.client_id = "sp";
  f.config.client_secret = "pw";
  f.Answer("POST", "/oidc/v1/token", "", 400, std::string(199, 'x') + "\xC3\xA9 more");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  auto refused = (*src)->Authorization(nullptr);
  ASSERT_FALSE(refused.ok());
  const std::string message(refused.status().message());
  EXPECT_THAT(message, HasSubstr(std::string(199, 'x') + "\xE2\x80\xA6")) << message;
}

TEST(AuthChainTest, OAuthM2MFormEncodesIdAndSecretBeforeBasic) {
  ChainFixture f;
  f.config.client_id = "sp id:1";
  f.config.client_secret = "M2M-s3cr+et/val=5e8c2";
  f.Answer("POST", "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", 200,
           R"({"access_token":"tok","expires_in":3600})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  ASSERT_TRUE((*src)->Authorization(nullptr).ok());
  EXPECT_EQ(Header(f.fake->requests()[0], "Authorization"),
            "Basic " + Base64Encode("sp%20id%3A1:M2M-s3cr%2Bet%2Fval%3D5e8c2"));
}

TEST(AuthChainTest, EnvOidcExchangesTheTokenWithTheWorkspace) {
  ChainFixture f;
  f.config.client_id = "sp-1";
  f.env["DATABRICKS_OIDC_TOKEN"] = kJwt;
  f.Answer("POST", "/oidc/v1/token",
           "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
           "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&subject_token=" +
               kJwt + "&scope=all-apis&client_id=sp-1",
           200, R"({"access_token":"dbx-1","token_type":"Bearer","expires_in":3600})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "env-oidc");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer dbx-1");
}

TEST(AuthChainTest, RefusedFederatedTokenNamesTheMethodAndThePolicy) {
  ChainFixture f;
  f.config.oidc_token_filepath = ::testing::TempDir() + "/dcs-oidc-token";
  std::ofstream(f.config.oidc_token_filepath) << kJwt << "\n";
  f.Answer("POST", "/oidc/v1/token", "", 401,
           R"({"error":"invalid_client","error_description":"audience: \"x\" is not an accepted audience"})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  auto r = (*src)->Authorization(nullptr);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(), HasSubstr("file-oidc: token request to https://ws.example.com/oidc/v1/token"));
  EXPECT_THAT(r.status().message(), HasSubstr("federation policy"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr(kJwt)));
}

TEST(AuthChainTest, MalformedFederatedTokenIsRefusedBeforeAnyRequest) {
  ChainFixture f;
  f.env["MY_TOKEN"] = "<html>not a token</html>";
  f.config.oidc_token_env = "MY_TOKEN";
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  auto r = (*src)->Authorization(nullptr);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("env-oidc: the environment variable MY_TOKEN does not hold a JWT"));
  EXPECT_TRUE(f.fake->requests().empty());
}

TEST(AuthChainTest, GithubOidcAsksGithubForTheAudienceThenExchanges) {
  ChainFixture f;
  f.config.client_id = "sp-1";
  f.config.actions_id_token_request_url = "http://127.0.0.1:7/token?api-version=2.0";
  f.config.actions_id_token_request_token = "gh-request-bearer";
  f.Answer("GET", "/token?api-version=2.0&audience=https%3A%2F%2Fws.example.com%2Foidc%2Fv1%2Ftoken", "", 200,
           "{\"value\":\"" + kJwt + "\"}");
  f.Answer("POST", "/oidc/v1/token", "", 200, R"({"access_token":"dbx-2","expires_in":3600})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "github-oidc");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer dbx-2");
  EXPECT_EQ(Header(f.fake->requests()[0], "Authorization"), "Bearer gh-request-bearer");
  EXPECT_THAT(f.fake->requests()[1].body, HasSubstr("subject_token=" + kJwt));
}

TEST(AuthChainTest, GithubOidcAzureSendsAClientAssertionToEntra) {
  ChainFixture f;
  f.config.azure_client_id = "app-1";
  f.config.azure_tenant_id = "tenant-1";
  f.config.azure_authority_url = "http://127.0.0.1:8/entra";
  f.config.actions_id_token_request_url = "http://127.0.0.1:7/token";
  f.config.actions_id_token_request_token = "gh";
  f.Answer("GET", "/token?audience=api%3A%2F%2FAzureADTokenExchange", "", 200, "{\"value\":\"" + kJwt + "\"}");
  f.Answer("POST", "/entra/tenant-1/oauth2/v2.0/token",
           "grant_type=client_credentials&client_id=app-1&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
           "client-assertion-type%3Ajwt-bearer&client_assertion=" + kJwt +
               "&scope=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d%2F.default",
           200, R"({"access_token":"entra-1","expires_in":3599})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "github-oidc-azure");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer entra-1");
}

TEST(AuthChainTest, ManagedIdentityAsksTheMetadataEndpointForAUserAssignedIdentity) {
  ChainFixture f;
  f.config.azure_use_msi = true;
  f.config.azure_client_id = "uai-1";
  f.config.azure_msi_endpoint = "http://127.0.0.1:9/metadata/identity/oauth2/token";
  f.Answer("GET",
           "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"
           "&client_id=uai-1",
           "", 200, R"({"access_token":"msi-1","expires_in":"86399","token_type":"Bearer"})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "azure-msi");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer msi-1");
  EXPECT_EQ(Header(f.fake->requests()[0], "Metadata"), "true");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer msi-1");  // cached
  EXPECT_EQ(f.fake->requests().size(), 1u);
}

TEST(AuthChainTest, AzureCliRespectsTenantAndSaysToSignIn) {
  ChainFixture f;
  f.config.azure_tenant_id = "tenant-9";
  f.cli.answers["az"] = process::CommandResult{1, "", "ERROR: Please run 'az login' to setup account.\n"};
  auto none = f.Select();
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("azure-cli: `az account get-access-token` failed (exit 1)"));
  EXPECT_THAT(none.status().message(), HasSubstr("Please run 'az login'"));
  EXPECT_THAT(none.status().message(), HasSubstr("Run `az login`"));
  ASSERT_FALSE(f.cli.calls.empty());
  EXPECT_THAT(f.cli.calls.back(),
              ::testing::ElementsAre("az", "account", "get-access-token", "--resource",
                                     "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "--output", "json", "--tenant",
                                     "tenant-9"));
  f.cli.answers["az"] = process::CommandResult{
      0, R"({"accessToken":"az-tok","expires_on":4102444800,"tokenType":"Bearer","tenant":"tenant-9"})", ""};
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "azure-cli");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer az-tok");
}

TEST(AuthChainTest, CliThatHangsOrPrintsGarbageIsAnErrorNamingTheMethod) {
  ChainFixture f;
  f.config.auth_type = "azure-cli";
  f.cli.answers["az"] = absl::DeadlineExceededError("`az account get-access-token …` did not finish within 60 s");
  auto hung = f.Select();
  ASSERT_EQ(hung.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(hung.status().message(), HasSubstr("azure-cli: "));
  f.cli.answers["az"] = process::CommandResult{0, "WARNING: something\nnot json at all", ""};
  auto garbage = f.Select();
  ASSERT_EQ(garbage.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(garbage.status().message(), HasSubstr("azure-cli: `az account get-access-token` printed"));
}

TEST(AuthChainTest, DatabricksCliTokenForTheHost) {
  ChainFixture f;
  f.config.databricks_cli_path = "/opt/databricks";
  f.cli.answers["/opt/databricks"] = process::CommandResult{
      0, R"({"access_token":"u2m-tok","token_type":"Bearer","expiry":"2099-01-01T00:00:00Z"})", ""};
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->method(), "databricks-cli");
  EXPECT_EQ(*(*src)->Authorization(nullptr), "Bearer u2m-tok");
  EXPECT_THAT(f.cli.calls[0],
              ::testing::ElementsAre("/opt/databricks", "auth", "token", "--host", "https://ws.example.com"));
  EXPECT_EQ(f.cli.calls.size(), 1u);  // the probe's token is reused
}

TEST(AuthChainTest, AzureCredentialForArmSkipsWorkspaceMethodsAndCachesPerScope) {
  ChainFixture f;
  f.config.token = "dapi-x";
  f.config.auth_type = "pat";  // forced for the workspace: ARM still uses the Azure chain
  f.config.azure_client_id = "app";
  f.config.azure_client_secret = "s3cr+t";
  f.config.azure_tenant_id = "t";
  f.config.azure_authority_url = "http://127.0.0.1:8";
  f.Answer("POST", "/t/oauth2/v2.0/token", "", 200, R"({"access_token":"arm-1","expires_in":3599})");
  f.Answer("POST", "/t/oauth2/v2.0/token", "", 200, R"({"access_token":"dbx-1","expires_in":3599})");
  auto cred = SelectAzureCredential(f.config, f.Deps());
  ASSERT_TRUE(cred.ok()) << cred.status();
  EXPECT_EQ((*cred)->method(), "azure-client-secret");
  EXPECT_EQ(*(*cred)->Token("https://management.azure.com/.default", nullptr), "arm-1");
  EXPECT_EQ(*(*cred)->Token(kAzureDatabricksScope, nullptr), "dbx-1");
  EXPECT_EQ(*(*cred)->Token("https://management.azure.com/.default", nullptr), "arm-1");
  EXPECT_EQ(f.fake->requests().size(), 2u);
  EXPECT_THAT(f.fake->requests()[0].body, HasSubstr("client_secret=s3cr%2Bt"));
  f.clock->Advance(std::chrono::seconds(3599 - 100));  // inside the refresh margin
  f.Answer("POST", "/t/oauth2/v2.0/token", "", 200, R"({"access_token":"arm-2","expires_in":3599})");
  EXPECT_EQ(*(*cred)->Token("https://management.azure.com/.default", nullptr), "arm-2");
}

TEST(AuthChainTest, TokenEndpointsAnsweringHtmlOrNotAtAllNameTheMethod) {
  ChainFixture f;
  f.config.azure_client_id = "app";
  f.config.azure_client_secret = "pw";
  f.config.azure_tenant_id = "t";
  f.config.azure_authority_url = "http://127.0.0.1:8";
  f.Answer("POST", "/t/oauth2/v2.0/token", "", 200, "<html><body>Sign in</body></html>");
  auto src = f.Select();
  ASSERT_TRUE(src.ok()) << src.status();
  auto html = (*src)->Authorization(nullptr);
  ASSERT_EQ(html.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(html.status().message(), HasSubstr("azure-client-secret: the token endpoint"));
  EXPECT_THAT(html.status().message(), HasSubstr("not JSON"));
  f.Answer("POST", "/t/oauth2/v2.0/token", "", 403, "<html>Forbidden by proxy</html>");
  auto refused = (*src)->Authorization(nullptr);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(refused.status().message(), HasSubstr("not an OAuth answer"));
  EXPECT_THAT(refused.status().message(), HasSubstr("ARM_CLIENT_SECRET"));
  f.fake->Add({"POST", "/t/oauth2/v2.0/token", "", {}, absl::DeadlineExceededError("timed out after 60 s")});
  auto timeout = (*src)->Authorization(nullptr);
  ASSERT_EQ(timeout.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(timeout.status().message(), HasSubstr("azure-client-secret: token request to"));
}

TEST(AuthChainTest, SecretsAndTokensNeverReachTheLog) {
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  ChainFixture f;
  f.config.azure_use_msi = true;
  f.config.azure_msi_endpoint = "http://127.0.0.1:9/msi";
  f.Answer("GET", "/msi?api-version=2018-02-01&resource=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "", 200,
           R"({"access_token":"msi-secret-token-77","expires_in":"3600"})");
  auto src = f.Select();
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE((*src)->Authorization(nullptr).ok());
  log::Info("leak attempt msi-secret-token-77");
  log::SetSinkForTesting(nullptr);
  log::SetLevelForTesting(log::Level::kWarn);
  for (const auto& l : lines) EXPECT_THAT(l, Not(HasSubstr("msi-secret-token-77")));
  log::ClearSecretsForTesting();
}

}  // namespace
}  // namespace dcs::databricks
