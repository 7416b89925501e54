#include "clients/azure/identity.h"

#include <gtest/gtest.h>

#include "clients/azure/azure.h"
#include "clients/http/testing/fakes.h"
#include "clients/http/text.h"

namespace dcs::azure {
namespace {

// Found by fuzz/targets/arm_answers (repro_oauth_answer_cut_mid_character):
// a refused token answer that is not OAuth JSON was quoted by its first 160
// bytes, which could split a multi-byte character.
TEST(IdentityTest, RefusedAnswerIsQuotedWholeCharactersOnly) {
  auto fake = std::make_shared<http::FakeTransport>();
  http::Response refused;
  refused.status = 500;
  refused.body = std::string(159, 'x') + "\xC3\xA9 and more";  // 'é' spans bytes 160 and 161
  fake->Add({"POST", "/tenant/oauth2/v2.0/token", "", refused, {}});
  AzureConfig config;
  config.client_id = "sp";
  config.client_secret = "s3cret";
  config.tenant_id = "tenant";
  config.authority = "https://login.test";
  config.resource_manager = "https://arm.test";
  http::RetryPolicy once;
  once.max_attempts = 1;
  ArmClient client(config, fake, once);
  auto got = client.GetRegistry(RegistryId{"sub", "rg", "acr"});
  ASSERT_FALSE(got.ok());
  const std::string message(got.status().message());
  EXPECT_NE(message.find("not an OAuth answer"), std::string::npos) << message;
  EXPECT_NE(message.find(std::string(159, 'x')), std::string::npos) << message;
  EXPECT_EQ(http::text::Utf8Prefix(message, message.size()), message) << "not valid UTF-8: " << message;
}

}  // namespace
}  // namespace dcs::azure
