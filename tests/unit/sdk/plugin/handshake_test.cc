#include "sdk/plugin/handshake.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dcs::plugin {
namespace {

using ::testing::HasSubstr;

TEST(HandshakeTest, Base64RawStdHasNoPaddingAndStandardAlphabet) {
  EXPECT_EQ(Base64RawStd(""), "");
  EXPECT_EQ(Base64RawStd("f"), "Zg");
  EXPECT_EQ(Base64RawStd("fo"), "Zm8");
  EXPECT_EQ(Base64RawStd("foo"), "Zm9v");
  EXPECT_EQ(Base64RawStd("\xfb\xff"), "+/8");  // Not the URL alphabet.
}

TEST(HandshakeTest, LineHasSixFieldsAndEmptyCertWithoutTls) {
  EXPECT_EQ(HandshakeLine(6, "unix", "/tmp/plugin1", ""),
            "1|6|unix|/tmp/plugin1|grpc|\n");
  EXPECT_EQ(HandshakeLine(6, "tcp", "127.0.0.1:10001", "foo"),
            "1|6|tcp|127.0.0.1:10001|grpc|Zm9v\n");
}

TEST(HandshakeTest, MagicCookie) {
  EXPECT_TRUE(IsMagicCookieValid(
      "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"));
  EXPECT_FALSE(IsMagicCookieValid(nullptr));
  EXPECT_FALSE(IsMagicCookieValid(""));
  EXPECT_FALSE(IsMagicCookieValid("d602bf8f"));
}

TEST(HandshakeTest, NegotiationFollowsGoPlugin) {
  EXPECT_TRUE(NegotiateProtocolVersion("5,6").client_accepts);
  EXPECT_TRUE(NegotiateProtocolVersion(" 6 , 5").client_accepts);
  EXPECT_TRUE(NegotiateProtocolVersion(nullptr).client_accepts);
  EXPECT_TRUE(NegotiateProtocolVersion("").client_accepts);
  Negotiation old_client = NegotiateProtocolVersion("4,5");
  EXPECT_FALSE(old_client.client_accepts);
  EXPECT_EQ(old_client.version, 6);  // Announced anyway; the client reports it.
  EXPECT_FALSE(NegotiateProtocolVersion("x,66").client_accepts);
}

TEST(HandshakeTest, NotAPluginMessageExplainsWhatToDo) {
  const std::string text = NotAPluginMessage("terraform-provider-dcs");
  EXPECT_THAT(text, HasSubstr("This binary is a plugin for Terraform/OpenTofu"));
  EXPECT_THAT(text, HasSubstr("not meant to be executed directly"));
  EXPECT_THAT(text, HasSubstr("terraform-provider-dcs --version"));
  EXPECT_THAT(text, HasSubstr("init"));
}

TEST(HandshakeTest, ReattachJsonHasTerraformAndOpenTofuKeys) {
  nlohmann::json json = nlohmann::json::parse(ReattachJson(
      "registry.terraform.io/dcslabs/dcs", 42, "unix", "/tmp/plugin9"));
  ASSERT_EQ(json.size(), 2u);
  for (const char* key : {"registry.terraform.io/dcslabs/dcs",
                          "registry.opentofu.org/dcslabs/dcs"}) {
    const nlohmann::json& entry = json.at(key);
    EXPECT_EQ(entry["Protocol"], "grpc");
    EXPECT_EQ(entry["ProtocolVersion"], 6);
    EXPECT_EQ(entry["Pid"], 42);
    EXPECT_EQ(entry["Test"], true);
    EXPECT_EQ(entry["Addr"]["Network"], "unix");
    EXPECT_EQ(entry["Addr"]["String"], "/tmp/plugin9");
  }
}

TEST(HandshakeTest, ReattachJsonKeepsPrivateRegistryAsIs) {
  nlohmann::json json = nlohmann::json::parse(
      ReattachJson("example.com/dcslabs/dcs", 1, "tcp", "127.0.0.1:1"));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_TRUE(json.contains("example.com/dcslabs/dcs"));
  json = nlohmann::json::parse(ReattachJson("dcslabs/dcs", 1, "tcp", "x"));
  EXPECT_TRUE(json.contains("registry.opentofu.org/dcslabs/dcs"));
}

TEST(HandshakeTest, ReattachInstructionsArePasteable) {
  const std::string text = ReattachInstructions("terraform-provider-dcs", "{\"a\":1}");
  EXPECT_THAT(text, HasSubstr("\nexport TF_REATTACH_PROVIDERS='{\"a\":1}'\n"));
}

}  // namespace
}  // namespace dcs::plugin
