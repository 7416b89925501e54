// ResolveConfig precedence: explicit > env > profile, and error texts.
#include <filesystem>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/config.h"

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
  EXPECT_EQ(r->auth_type, AuthType::kPat);
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
  EXPECT_EQ(r->auth_type, AuthType::kOAuthM2M);
  EXPECT_EQ(r->rate_limit, 3);
}

TEST_F(ConfigTest, FileIgnoredWhenSettingsGivenAndNoProfileNamed) {
  WriteCfg(kCfg);
  env_.vars = {{"DATABRICKS_HOST", "env.example.com"}};
  auto r = Resolve(Config{});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("not read"));
  EXPECT_THAT(r.status().message(), HasSubstr("environment (DATABRICKS_HOST)"));
}

TEST_F(ConfigTest, AzureProfileFromExplicitConfigFile) {
  std::ofstream(home_ / "other.cfg") << kCfg;
  Config c;
  c.config_file = (home_ / "other.cfg").string();
  c.profile = "azure";
  c.azure_authority_url = "http://127.0.0.1:9/";
  auto r = Resolve(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->auth_type, AuthType::kAzureClientSecret);
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
  EXPECT_EQ(r->auth_type, AuthType::kAzureClientSecret);
  EXPECT_EQ(r->azure_authority_url, "http://localhost:1234");
}

TEST_F(ConfigTest, TokenWinsOverOtherMethods) {
  Config c;
  c.host = "h";
  c.token = "dapi";
  c.client_id = "id";
  c.client_secret = "s";
  EXPECT_EQ(Resolve(c)->auth_type, AuthType::kPat);
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

TEST(NormalizeHostTest, AddsSchemeAndDropsTrailingSlash) {
  EXPECT_EQ(NormalizeHost(" ws.cloud.databricks.com/ "), "https://ws.cloud.databricks.com");
  EXPECT_EQ(NormalizeHost("http://127.0.0.1:8080//"), "http://127.0.0.1:8080");
}

}  // namespace
}  // namespace dcs::databricks
