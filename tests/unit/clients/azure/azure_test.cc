#include "clients/azure/azure.h"

#include <gtest/gtest.h>

#include <map>

#include "clients/http/testing/fakes.h"

namespace dcs::azure {
namespace {

using http::FakeTransport;
using http::Response;

Response Resp(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

AzureConfig TestConfig() {
  AzureConfig c;
  c.client_id = "sp";
  c.client_secret = "s3cret";
  c.tenant_id = "tenant";
  c.authority = "https://login.test";
  c.resource_manager = "https://arm.test";
  return c;
}

const char kPath[] = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr";
const char kTokenPath[] = "/tenant/oauth2/v2.0/token";

std::string RegistryJson(const std::string& sku, int days, const std::string& status) {
  return R"({"id":")" + std::string(kPath) + R"(","sku":{"name":")" + sku +
         R"("},"properties":{"loginServer":"acr.azurecr.io","policies":{"retentionPolicy":{"days":)" +
         std::to_string(days) + R"(,"status":")" + status + R"("}}}})";
}

TEST(AzureConfigTest, EnvironmentFillsTheGapsAndMissingOnesAreNamed) {
  std::map<std::string, std::string> env = {{"ARM_CLIENT_ID", "env-id"},
                                            {"ARM_RESOURCE_MANAGER_ENDPOINT", "http://127.0.0.1:1/"}};
  auto getenv = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto missing = ResolveAzureConfig({}, getenv);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("ARM_CLIENT_SECRET"), std::string::npos);
  EXPECT_NE(missing.status().message().find("ARM_TENANT_ID"), std::string::npos);
  EXPECT_EQ(missing.status().message().find("ARM_CLIENT_ID"), std::string::npos);

  env["ARM_CLIENT_SECRET"] = "x";
  env["ARM_TENANT_ID"] = "t";
  AzureConfig given;
  given.client_id = "given-id";
  auto ok = ResolveAzureConfig(given, getenv);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->client_id, "given-id");
  EXPECT_EQ(ok->resource_manager, "http://127.0.0.1:1");
  EXPECT_EQ(ok->authority, kDefaultAuthority);
}

TEST(RegistryIdTest, ParsesCaseInsensitivelyAndRejectsOthers) {
  auto id = ParseRegistryId("/subscriptions/s/resourcegroups/g/providers/microsoft.containerregistry/Registries/n");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->subscription, "s");
  EXPECT_EQ(id->resource_group, "g");
  EXPECT_EQ(id->name, "n");
  EXPECT_EQ(id->Path(), "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/n");
  for (const char* bad : {"", "acr", "/subscriptions/s/resourceGroups/g",
                          "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/n"}) {
    EXPECT_EQ(ParseRegistryId(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ArmClientTest, TokenIsFetchedOnceAndSentToArm) {
  auto fake = std::make_shared<FakeTransport>();
  fake->Add({"POST", kTokenPath, "", Resp(200, R"({"access_token":"tok-1","expires_in":3599})"), {}});
  std::string get = std::string(kPath) + "?api-version=" + kRegistryApiVersion;
  fake->Add({"GET", get, "", Resp(200, RegistryJson("Premium", 7, "disabled")), {}});
  fake->Add({"PATCH", get, R"({"properties":{"policies":{"retentionPolicy":{"days":30,"status":"enabled"}}}})",
             Resp(200, RegistryJson("Premium", 30, "enabled")), {}});
  http::RetryPolicy retry;
  retry.max_attempts = 1;
  ArmClient client(TestConfig(), fake, retry);
  auto id = ParseRegistryId(kPath);
  auto info = client.GetRegistry(*id);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->sku, "Premium");
  EXPECT_FALSE(info->retention.enabled);
  auto updated = client.SetRetentionPolicy(*id, {30, true});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->retention.days, 30);
  EXPECT_TRUE(updated->retention.enabled);
  EXPECT_TRUE(fake->AllUsed());

  auto reqs = fake->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_NE(reqs[0].body.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("scope=https%3A%2F%2Farm.test%2F.default"), std::string::npos);
  bool bearer = false;
  for (const auto& [k, v] : reqs[2].headers) bearer |= (k == "Authorization" && v == "Bearer tok-1");
  EXPECT_TRUE(bearer);
}

// Fuzzer finding (issue 14): "expires_in": 1e300 was cast to int64
// (undefined; on x86 the token then expired at once and every call fetched a
// new one). Lifetimes are clamped to a day; the token is reused.
TEST(ArmClientTest, AbsurdTokenLifetimesAreClamped) {
  for (const char* expiry : {"1e300", "-1e300", "\"99999999999999999999999\"", "9223372036854775807"}) {
    auto fake = std::make_shared<FakeTransport>();
    fake->Add({"POST", kTokenPath, "",
               Resp(200, std::string(R"({"access_token":"tok-1","expires_in":)") + expiry + "}"), {}});
    std::string get = std::string(kPath) + "?api-version=" + kRegistryApiVersion;
    fake->Add({"GET", get, "", Resp(200, RegistryJson("Premium", 7, "disabled")), {}});
    fake->Add({"GET", get, "", Resp(200, RegistryJson("Premium", 7, "disabled")), {}});
    http::RetryPolicy retry;
    retry.max_attempts = 1;
    ArmClient client(TestConfig(), fake, retry);
    auto id = ParseRegistryId(kPath);
    EXPECT_TRUE(client.GetRegistry(*id).ok()) << expiry;
    auto again = client.GetRegistry(*id);
    if (std::string(expiry) == "-1e300") continue;  // expired at once: a second token is asked for
    EXPECT_TRUE(again.ok()) << expiry << ": " << again.status();
    EXPECT_TRUE(fake->AllUsed()) << expiry;
  }
}

// Fuzzer findings (issue 14): a non-JSON body was cut at 300 bytes inside a
// character; an error field of the wrong type threw out of ArmError.
TEST(ArmErrorTest, CutsAtACharacterBoundaryAndIgnoresWrongTypes) {
  std::string body = "a";
  for (int i = 0; i < 200; ++i) body += "\xc3\xa9";
  const std::string cut(ArmError(Resp(502, body), "GET registry").message());
  EXPECT_EQ(cut.find("\xc3\xe2"), std::string::npos);
  EXPECT_NE(cut.find("\xc3\xa9\xe2\x80\xa6"), std::string::npos) << "ends after a whole character, then …";
  const absl::Status typed = ArmError(Resp(400, R"({"error":{"code":5,"message":["x"]}})"), "GET registry");
  EXPECT_FALSE(typed.ok());
  const absl::Status entra = ArmError(Resp(401, R"({"error":"invalid_client","error_description":7})"), "token");
  EXPECT_NE(std::string(entra.message()).find("invalid_client"), std::string::npos);
}

// Fuzzer finding (issue 14): a registry answer with a field of the wrong type
// ({"id": 3599}) threw nlohmann::type_error out of GetRegistry.
TEST(ArmClientTest, WrongTypedRegistryFieldsAreIgnored) {
  auto fake = std::make_shared<FakeTransport>();
  fake->Add({"POST", kTokenPath, "", Resp(200, R"({"access_token":"tok-1","expires_in":3599})"), {}});
  std::string get = std::string(kPath) + "?api-version=" + kRegistryApiVersion;
  fake->Add({"GET", get, "",
             Resp(200, R"({"id":3599,"sku":{"name":1},"properties":{"loginServer":[],)"
                       R"("policies":{"retentionPolicy":{"days":7,"status":false}}}})"),
             {}});
  http::RetryPolicy retry;
  retry.max_attempts = 1;
  ArmClient client(TestConfig(), fake, retry);
  auto info = client.GetRegistry(*ParseRegistryId(kPath));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "");
  EXPECT_EQ(info->retention.days, 7);
  EXPECT_FALSE(info->retention.enabled);
}

TEST(ArmClientTest, ErrorsQuoteEntraAndArmWithoutTheSecret) {
  auto fake = std::make_shared<FakeTransport>();
  fake->Add({"POST", kTokenPath, "",
             Resp(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})"),
             {}});
  http::RetryPolicy retry;
  retry.max_attempts = 1;
  ArmClient bad(TestConfig(), fake, retry);
  auto id = ParseRegistryId(kPath);
  auto denied = bad.GetRegistry(*id);
  ASSERT_EQ(denied.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(denied.status().message().find("invalid_client"), std::string::npos);
  EXPECT_EQ(denied.status().message().find("s3cret"), std::string::npos);

  auto fake2 = std::make_shared<FakeTransport>();
  fake2->Add({"POST", kTokenPath, "", Resp(200, R"({"access_token":"t"})"), {}});
  std::string get = std::string(kPath) + "?api-version=" + kRegistryApiVersion;
  fake2->Add({"GET", get, "",
              Resp(404, R"({"error":{"code":"ResourceNotFound","message":"The Resource was not found."}})"), {}});
  ArmClient client(TestConfig(), fake2, retry);
  auto missing = client.GetRegistry(*id);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("ResourceNotFound"), std::string::npos);
}

}  // namespace
}  // namespace dcs::azure
