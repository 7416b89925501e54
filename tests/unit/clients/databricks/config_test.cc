// ResolveConfig precedence: explicit > env > profile, and error texts.
#include <filesystem>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/auth.h"
#include "clients/databricks/config.h"
#include "clients/http/testing/fakes.h"

namespace dcs::databricks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Env {
  std::map<std::string, std::string> vars;
  Getenv Fn() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

// The method the chain picks (no CLI is installed for it).
std::string MethodOf(const ResolvedConfig& c) {
  AuthDeps deps{.transport = std::make_shared<http::FakeTransport>(), .clock = std::make_shared<http::FakeClock>(),
                .runner = [](const std::vector<std::string>& argv, std::chrono::milliseconds)
                    -> absl::StatusOr<process::CommandResult> { return absl::NotFoundError(argv[0]); },
                .getenv = [](std::string_view) -> std::optional<std::string> { return std::nullopt; }};
  auto src = SelectTokenSource(c, deps);
  return src.ok() ? (*src)->method() : std::string(src.status().message());
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("dcs-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  void WriteCfg(const std::string& text) { std::ofstream(home_ / ".databrickscfg") << text; }
  absl::StatusOr<ResolvedConfig> Resolve(const Config& c) { return ResolveConfig(c, env_.Fn(), home_.string()); }

  std::filesystem::path home_;
  Env env_;
};

constexpr char kCfg[] = R"(
[__settings__]
[DEFAULT]
host  = file-default.cloud.databricks.com/   # comment
token = dapi-file-default

[sp]
host          = https://sp.example.com
client_id     = file-client
client_secret = file-secret
rate_limit    = 3

[azure]
host = adb-1.2.azuredatabricks.net
azure_client_id = az-id
azure_client_secret = az-secret
azure_tenant_id = tenant-1
)";

TEST_F(ConfigTest, ExplicitBeatsEnvironment) {
  env_.vars = {{"DATABRICKS_HOST", "env.example.com"}, {"DATABRICKS_TOKEN", "dapi-env"}};
  Config c;
  c.host = "explicit.example.com";
  auto r = Resolve(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host, "https://explicit.example.com");
  EXPECT_EQ(r->token, "dapi-env");
  EXPECT_EQ(MethodOf(*r), "pat");
  EXPECT_THAT(r->sources, HasSubstr("host: provider configuration"));
  EXPECT_THAT(r->sources, HasSubstr("token: environment (DATABRICKS_TOKEN)"));
  EXPECT_THAT(r->sources, Not(HasSubstr("dapi-env")));
}

TEST_F(ConfigTest, DefaultProfileWhenNothingElseIsSet) {
  WriteCfg(kCfg);
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host, "https://file-default.cloud.databricks.com");
  EXPECT_EQ(r->token, "dapi-file-default");
  EXPECT_THAT(r->sources, HasSubstr("profile DEFAULT in"));
}

TEST_F(ConfigTest, NamedProfileFromEnvironmentFillsWhatEnvLacks) {
  WriteCfg(kCfg);
  env_.vars = {{"DATABRICKS_CONFIG_PROFILE", "sp"}, {"DATABRICKS_HOST", "env.example.com"}};
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host, "https://env.example.com");
  EXPECT_EQ(r->client_id, "file-client");
  EXPECT_EQ(MethodOf(*r), "oauth-m2m");
  EXPECT_EQ(r->rate_limit, 3);
}

TEST_F(ConfigTest, FileIgnoredWhenSettingsGivenAndNoProfileNamed) {
  WriteCfg(kCfg);
  env_.vars = {{"DATABRICKS_HOST", "env.example.com"}};
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();  // the host is enough to resolve; the chain then finds no credential
  EXPECT_EQ(r->token, "");
  const std::string why = MethodOf(*r);
  EXPECT_THAT(why, HasSubstr("no authentication method applies"));
  EXPECT_THAT(why, HasSubstr("not read"));
  EXPECT_THAT(why, HasSubstr("environment (DATABRICKS_HOST)"));
}

TEST_F(ConfigTest, AzureProfileFromExplicitConfigFile) {
  std::ofstream(home_ / "other.cfg") << kCfg;
  Config c;
  c.config_file = (home_ / "other.cfg").string();
  c.profile = "azure";
  c.azure_authority_url = "http://127.0.0.1:9/";
  auto r = Resolve(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(MethodOf(*r), "azure-client-secret");
  EXPECT_EQ(r->azure_tenant_id, "tenant-1");
  EXPECT_EQ(r->host, "https://adb-1.2.azuredatabricks.net");
  EXPECT_EQ(r->azure_authority_url, "http://127.0.0.1:9");
}

TEST_F(ConfigTest, AzureFromArmEnvironment) {
  env_.vars = {{"DATABRICKS_HOST", "https://adb-9.azuredatabricks.net"}, {"ARM_CLIENT_ID", "i"},
               {"ARM_CLIENT_SECRET", "s"}, {"ARM_TENANT_ID", "t"},
               {"ARM_ENVIRONMENT_AUTHORITY_URL", "http://localhost:1234"}};
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(MethodOf(*r), "azure-client-secret");
  EXPECT_EQ(r->azure_authority_url, "http://localhost:1234");
}

TEST_F(ConfigTest, TokenWinsOverOtherMethods) {
  Config c;
  c.host = "h";
  c.token = "dapi";
  c.client_id = "id";
  c.client_secret = "s";
  EXPECT_EQ(MethodOf(*Resolve(c)), "pat");
}

TEST_F(ConfigTest, MissingNamedProfileIsNotFound) {
  WriteCfg(kCfg);
  Config c;
  c.profile = "nope";
  auto r = Resolve(c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("profile nope not found"));
}

TEST_F(ConfigTest, NothingConfiguredListsEverySourceWithoutSecrets) {
  env_.vars = {{"DATABRICKS_CLIENT_ID", "id-only"}, {"ARM_CLIENT_SECRET", "super-secret-value"}};
  auto r = Resolve(Config{});
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(r.status().message());
  EXPECT_THAT(msg, HasSubstr("host (DATABRICKS_HOST)"));
  EXPECT_THAT(msg, HasSubstr("client_secret (DATABRICKS_CLIENT_SECRET)"));
  EXPECT_THAT(msg, HasSubstr("ARM_TENANT_ID"));
  EXPECT_THAT(msg, HasSubstr("provider configuration (nothing)"));
  EXPECT_THAT(msg, HasSubstr("environment (DATABRICKS_CLIENT_ID, ARM_CLIENT_SECRET)"));
  EXPECT_THAT(msg, Not(HasSubstr("super-secret-value")));
  EXPECT_THAT(msg, Not(HasSubstr("id-only")));
}

TEST_F(ConfigTest, NoFileAndNoSettings) {
  auto r = Resolve(Config{});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(".databrickscfg not found"));
}

TEST_F(ConfigTest, TuningValues) {
  Config c;
  c.host = "h";
  c.token = "t";
  c.http_timeout_seconds = 5;
  c.retry_timeout_seconds = 7;
  c.skip_verify = true;
  auto r = Resolve(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->http_timeout_seconds, 5);
  EXPECT_EQ(r->retry_timeout_seconds, 7);
  EXPECT_EQ(r->rate_limit, 15);
  EXPECT_TRUE(r->skip_verify);
  env_.vars = {{"DATABRICKS_RATE_LIMIT", "fast"}};
  EXPECT_EQ(Resolve(c).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ConfigTest, NonFiniteOrHugeNumbersInAProfileAreInvalidArgumentsNotUndefinedBehaviour) {
  for (const char* bad : {"1e300", "nan", "inf", "-1", "0", "99999"}) {
    WriteCfg(std::string("[DEFAULT]\nhost = h\ntoken = t\nhttp_timeout_seconds = ") + bad + "\n");
    auto r = Resolve(Config{});
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("http_timeout_seconds must be a number from 1 to 3600")) << bad;
  }
  for (const char* bad : {"1e300", "nan"}) {
    WriteCfg(std::string("[DEFAULT]\nhost = h\ntoken = t\nretry_timeout_seconds = ") + bad + "\n");
    EXPECT_EQ(Resolve(Config{}).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  for (const char* bad : {"1e-300", "0.001", "nan", "1e300"}) {
    WriteCfg(std::string("[DEFAULT]\nhost = h\ntoken = t\nrate_limit = ") + bad + "\n");
    auto r = Resolve(Config{});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  Config tiny;
  tiny.host = "h";
  tiny.token = "t";
  tiny.rate_limit = 1e-300;  // explicit values go through the same check
  EXPECT_EQ(Resolve(tiny).status().code(), absl::StatusCode::kInvalidArgument);
  WriteCfg("[DEFAULT]\nhost = h\ntoken = t\nrate_limit = 0\nhttp_timeout_seconds = 3600\n");
  auto ok = Resolve(Config{});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->rate_limit, 0);
  EXPECT_EQ(ok->http_timeout_seconds, 3600);
}

TEST_F(ConfigTest, AuthTypeIsCheckedAndCredentialSettingsAreRead) {
  env_.vars = {{"DATABRICKS_HOST", "h"}, {"DATABRICKS_AUTH_TYPE", "azure-magic"}};
  auto bad = Resolve(Config{});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("environment (DATABRICKS_AUTH_TYPE)"));
  EXPECT_THAT(bad.status().message(), HasSubstr("azure-msi"));
  env_.vars = {{"DATABRICKS_HOST", "h"},
               {"DATABRICKS_AUTH_TYPE", "azure-msi"},
               {"ARM_USE_MSI", "true"},
               {"ARM_MSI_ENDPOINT", "http://127.0.0.1:9/msi"},
               {"DATABRICKS_AZURE_RESOURCE_ID", "/subscriptions/sub-1/resourceGroups/rg/providers/x/workspaces/w"},
               {"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/gh"},
               {"ARM_OIDC_TOKEN_FILE_PATH", "/tmp/t"},
               {"AZURE_AUTHORITY_HOST", "http://127.0.0.1:9/entra/"}};
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->auth_type, "azure-msi");
  EXPECT_TRUE(r->azure_use_msi);
  EXPECT_EQ(r->azure_msi_endpoint, "http://127.0.0.1:9/msi");
  EXPECT_EQ(r->azure_subscription_id, "sub-1");
  EXPECT_EQ(r->actions_id_token_request_url, "http://127.0.0.1:9/gh");
  EXPECT_EQ(r->azure_oidc_token_file_path, "/tmp/t");
  EXPECT_EQ(r->azure_authority_url, "http://127.0.0.1:9/entra");
}

TEST_F(ConfigTest, HostAloneIsEnoughToHandOverToTheChain) {
  env_.vars = {{"DATABRICKS_HOST", "h"}};
  auto r = Resolve(Config{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->auth_type, "");
  EXPECT_TRUE(ResolveConfig(Config{}, Env{}.Fn(), home_.string(), HostRequirement::kOptional).ok());
}

TEST(NormalizeHostTest, AddsSchemeAndDropsTrailingSlash) {
  EXPECT_EQ(NormalizeHost(" ws.cloud.databricks.com/ "), "https://ws.cloud.databricks.com");
  EXPECT_EQ(NormalizeHost("http://127.0.0.1:8080//"), "http://127.0.0.1:8080");
}

}  // namespace
}  // namespace dcs::databricks
