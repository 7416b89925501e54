#include "clients/registry/credentials.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dcs::registry {
namespace {

HelperRunner FakeHelper(std::vector<std::string>* calls, int exit_code, std::string out) {
  return [=](const std::string& program, const std::string& input) -> absl::StatusOr<HelperOutput> {
    calls->push_back(program + " <- " + input);
    return HelperOutput{exit_code, out};
  };
}

TEST(CredentialStoreTest, AuthsEntriesDecodeAndMatchByHost) {
  auto store = CredentialStore::FromJson(nlohmann::json::parse(R"({"auths":{
      "https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"},
      "https://reg.example.com/v1/": {"auth": "YTpiOmM="},
      "plain.example.com": {"username": "u", "password": "p"},
      "tok.example.com": {"identitytoken": "refresh"}}})"));
  auto hub = store.Lookup("docker.io");
  ASSERT_TRUE(hub.ok() && hub->has_value());
  EXPECT_EQ((*hub)->username, "user");
  EXPECT_EQ((*hub)->password, "pass");
  auto by_host = store.Lookup("reg.example.com");
  ASSERT_TRUE(by_host.ok() && by_host->has_value());
  EXPECT_EQ((*by_host)->username, "a");
  EXPECT_EQ((*by_host)->password, "b:c");  // split at the first ':'
  EXPECT_EQ((*store.Lookup("plain.example.com"))->password, "p");
  EXPECT_EQ((*store.Lookup("tok.example.com"))->identity_token, "refresh");
  auto none = store.Lookup("other.example.com");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(CredentialStoreTest, BadBase64IsAnError) {
  auto store = CredentialStore::FromJson(nlohmann::json::parse(R"({"auths":{"r":{"auth":"!!"}}})"));
  EXPECT_EQ(store.Lookup("r").status().code(), absl::StatusCode::kInvalidArgument);
}

// Members of another JSON type read as missing (nlohmann's value() threw,
// which ended the provider on a hand-edited ~/.docker/config.json).
TEST(CredentialStoreTest, MembersOfAnotherTypeAreMissing) {
  auto store = CredentialStore::FromJson(nlohmann::json::parse(
      R"({"auths":{"r":{"username":1,"password":["x"],"identitytoken":{}},"n":5}})"));
  auto odd = store.Lookup("r");
  ASSERT_TRUE(odd.ok()) << odd.status();
  EXPECT_FALSE(odd->has_value());
  auto number = store.Lookup("n");
  ASSERT_TRUE(number.ok()) << number.status();
  EXPECT_FALSE(number->has_value());
}

TEST(CredentialStoreTest, CredHelpersWinOverCredsStoreAndAuths) {
  std::vector<std::string> calls;
  auto store = CredentialStore::FromJson(
      nlohmann::json::parse(R"({"auths":{"r.io":{"auth":"dTpw"}},"credsStore":"desktop",
                               "credHelpers":{"r.io":"acr-env"}})"),
      FakeHelper(&calls, 0, R"({"ServerURL":"r.io","Username":"hu","Secret":"hs"})"));
  auto c = store.Lookup("r.io");
  ASSERT_TRUE(c.ok() && c->has_value()) << c.status();
  EXPECT_EQ((*c)->username, "hu");
  EXPECT_EQ((*c)->password, "hs");
  auto other = store.Lookup("docker.io");  // credsStore for everything else
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], "docker-credential-acr-env <- r.io");
  EXPECT_EQ(calls[1], "docker-credential-desktop <- https://index.docker.io/v1/");
}

TEST(CredentialStoreTest, HelperTokenUserAndNotFound) {
  std::vector<std::string> calls;
  auto token = CredentialStore::FromJson(
      nlohmann::json::parse(R"({"credsStore":"pass"})"),
      FakeHelper(&calls, 0, R"({"ServerURL":"r","Username":"<token>","Secret":"idt"})"));
  auto c = token.Lookup("r");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->identity_token, "idt");
  EXPECT_TRUE((*c)->username.empty());
  auto missing = CredentialStore::FromJson(nlohmann::json::parse(R"({"credsStore":"pass"})"),
                                           FakeHelper(&calls, 1, "credentials not found in native keychain\n"));
  auto m = missing.Lookup("r");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_value());
  auto broken = CredentialStore::FromJson(nlohmann::json::parse(R"({"credsStore":"pass"})"),
                                          FakeHelper(&calls, 1, "gpg exploded"));
  EXPECT_EQ(broken.Lookup("r").status().code(), absl::StatusCode::kInternal);
}

TEST(CredentialStoreTest, RealHelperProcessAndConfigFile) {
  const std::string dir = std::filesystem::temp_directory_path() / "dcs-cred-test";
  std::filesystem::create_directories(dir);
  const std::string helper = dir + "/docker-credential-dcstest";
  std::ofstream(helper) << "#!/bin/sh\nread host\n"
                           "printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"s\"}' "
                           "\"$host\" \"$host\"\n";
  std::filesystem::permissions(helper, std::filesystem::perms::owner_all);
  std::ofstream(dir + "/config.json") << R"({"credHelpers":{"h.example":"dcstest"}})";
  const std::string old_path = std::getenv("PATH");
  setenv("PATH", (dir + ":" + old_path).c_str(), 1);
  auto store = CredentialStore::Load(dir + "/config.json");
  ASSERT_TRUE(store.ok());
  auto c = store->Lookup("h.example");
  setenv("PATH", old_path.c_str(), 1);
  ASSERT_TRUE(c.ok() && c->has_value()) << c.status();
  EXPECT_EQ((*c)->username, "u-h.example");
  std::ofstream(dir + "/bad.json") << "{not json";
  EXPECT_EQ(CredentialStore::Load(dir + "/bad.json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CredentialStore::Load(dir + "/absent.json").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dcs::registry
