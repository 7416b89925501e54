// Transport-level behaviour: authentication (PAT and OAuth M2M), probes, unknown
// endpoints, TLS with the generated certificate, keep-alive latency, and the
// JSON-lines request log.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/unit/emulator/emulator_harness.h"

namespace dcs::emulator::testing {
namespace {

TEST(ServerTest, BearerTokensAreRequired) {
  auto emu = Emulator::Start();
  ASSERT_NE(emu, nullptr);
  Resp none = emu->Get("/api/2.1/clusters/list", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.error_code(), "UNAUTHENTICATED");
  Resp wrong = emu->Get("/api/2.1/clusters/list", "not-a-token");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.message(), "Invalid access token.");
  EXPECT_EQ(emu->Get("/api/2.1/clusters/list").status, 200);
  Resp me = emu->Get("/api/2.0/preview/scim/v2/Me");
  EXPECT_EQ(me.body["userName"], kUser);
}

TEST(ServerTest, ProbesAndUnknownEndpoints) {
  auto emu = Emulator::Start();
  ASSERT_NE(emu, nullptr);
  httplib::Client c(emu->url());
  auto head = c.Head("/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  Resp cfg = emu->Get("/.well-known/databricks-config", "");
  EXPECT_EQ(cfg.status, 404);
  Resp unknown = emu->Post("/api/2.1/clusters/frobnicate", Json::object());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "ENDPOINT_NOT_FOUND");
  EXPECT_TRUE(unknown.body["details"][0].contains("request_id"));
  EXPECT_EQ(emu->Get("/api/2.1/clusters/create").error_code(), "ENDPOINT_NOT_FOUND");
}

TEST(ServerTest, OAuthClientCredentialsIssueUsableTokens) {
  auto emu = Emulator::Start({"--oauth-client", "sp-app-id:sp-secret"}, false);
  ASSERT_NE(emu, nullptr);
  Resp discovery = emu->Get("/oidc/.well-known/oauth-authorization-server", "");
  ASSERT_EQ(discovery.status, 200);
  EXPECT_EQ(discovery.body["token_endpoint"], emu->url() + "/oidc/v1/token");
  httplib::Headers basic = {
      {"Authorization", "Basic " + absl::Base64Escape("sp-app-id:sp-secret")}};
  Resp token = emu->PostRaw("/oidc/v1/token", "grant_type=client_credentials&scope=all-apis",
                            "application/x-www-form-urlencoded", basic);
  ASSERT_EQ(token.status, 200) << token.raw;
  EXPECT_EQ(token.body["token_type"], "Bearer");
  EXPECT_EQ(token.body["expires_in"], 3600);
  EXPECT_EQ(token.body["scope"], "all-apis");
  std::string access = token.body["access_token"];
  Resp me = emu->Get("/api/2.0/preview/scim/v2/Me", access);
  EXPECT_EQ(me.body["userName"], "sp-app-id");
  httplib::Headers wrong = {{"Authorization", "Basic " + absl::Base64Escape("sp-app-id:nope")}};
  Resp denied = emu->PostRaw("/oidc/v1/token", "grant_type=client_credentials",
                             "application/x-www-form-urlencoded", wrong);
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.body["error"], "invalid_client");
  Resp post_auth = emu->PostRaw("/oidc/v1/token",
                                "grant_type=client_credentials&client_id=sp-app-id&client_secret=sp-secret",
                                "application/x-www-form-urlencoded", {{"X-Any", "1"}});
  EXPECT_EQ(post_auth.status, 200);
  Resp grant = emu->PostRaw("/oidc/v1/token", "grant_type=password", "application/x-www-form-urlencoded", basic);
  EXPECT_EQ(grant.body["error"], "unsupported_grant_type");
  EXPECT_EQ(emu->Get("/api/2.1/clusters/list", "dcs-emulator-token").status, 401)
      << "the default token only exists when no credentials are configured";
}

TEST(ServerTest, TlsServesWithTheWrittenCertificate) {
  std::string cert = TempPath("cert.pem");
  auto emu = Emulator::Start({"--tls", "--tls-cert-out", cert});
  ASSERT_NE(emu, nullptr);
  ASSERT_EQ(emu->url().rfind("https://127.0.0.1:", 0), 0u) << emu->url();
  httplib::Client verified(emu->url());
  verified.set_ca_cert_path(cert.c_str());
  verified.enable_server_certificate_verification(true);
  verified.set_default_headers({{"Authorization", std::string("Bearer ") + kToken}});
  auto r = verified.Get("/api/2.1/clusters/spark-versions");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  httplib::Client untrusting(emu->url());
  untrusting.enable_server_certificate_verification(true);
  untrusting.set_ca_cert_path("/nonexistent-ca.pem");
  EXPECT_FALSE(untrusting.Get("/"));
  std::remove(cert.c_str());
}

// httplib writes a reply's headers and body in two sends. With Nagle's
// algorithm on, the body waited for the ACK of the headers, which the client
// delays by up to 40 ms: every keep-alive request took 40 ms and the clients
// under test spent their CPU waking up from those stalls.
TEST(ServerTest, KeepAliveRepliesAreNotHeldBackByNagle) {
  auto emu = Emulator::Start();
  ASSERT_NE(emu, nullptr);
  httplib::Client c(emu->url());
  c.set_default_headers({{"Authorization", std::string("Bearer ") + kToken}});
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  std::vector<double> ms;
  for (int i = 0; i < 31; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto res = c.Get("/api/2.1/clusters/list");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
  }
  std::sort(ms.begin(), ms.end());
  // A delayed ACK holds a reply back for at least 40 ms; the median of 31
  // replies stays far below that on a busy machine too.
  EXPECT_LT(ms[ms.size() / 2], 20.0) << "median keep-alive request time in ms";
}

TEST(ServerTest, RequestLogIsJsonLinesWithRedactedSecrets) {
  std::string log = TempPath("requests.jsonl");
  std::remove(log.c_str());
  auto emu = Emulator::Start({"--request-log", log});
  ASSERT_NE(emu, nullptr);
  emu->Post("/api/2.0/secrets/scopes/create", {{"scope", "s"}});
  emu->Post("/api/2.0/secrets/put", {{"scope", "s"}, {"key", "k"}, {"string_value", "topsecret"}});
  emu->Get("/api/2.1/clusters/get?cluster_id=nope");
  emu->Get("/_emulator/state");
  std::ifstream in(log);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_EQ(lines.size(), 3u) << "admin calls are not logged";
  EXPECT_EQ(lines[1]["path"], "/api/2.0/secrets/put");
  EXPECT_EQ(lines[1]["body"]["string_value"], "[REDACTED]");
  EXPECT_EQ(lines[2]["status"], 404);
  EXPECT_EQ(lines[2]["error_code"], "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(lines[2]["query"]["cluster_id"], "nope");
  EXPECT_EQ(lines[2]["principal"], kUser);
  std::stringstream all;
  all << std::ifstream(log).rdbuf();
  EXPECT_EQ(all.str().find("topsecret"), std::string::npos);
  Resp ring = emu->Get("/_emulator/requests?since=2");
  EXPECT_EQ(ring.body["requests"].size(), 1u);
  std::remove(log.c_str());
}

TEST(ServerTest, BadFlagsAndCorruptStateFailFast) {
  std::string state = TempPath("corrupt.json");
  std::ofstream(state) << "{not json";
  EXPECT_EQ(Emulator::TryStart({"--state-file", state}), nullptr);
  EXPECT_EQ(Emulator::TryStart({"--no-such-flag", "1"}), nullptr);
  std::remove(state.c_str());
}

}  // namespace
}  // namespace dcs::emulator::testing
