// Client::Call: headers, encoding, retries for idempotent calls, error mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/client.h"
#include "clients/databricks/cluster_waiter.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using ::testing::HasSubstr;

TEST(ClientTest, AddsAuthorizationUserAgentAndQuery) {
  ClientFixture f;
  f.Expect("GET", "/api/2.0/x?a=1&b=two%20words&c=p&c=q&keys=k1,k2", "", 200, R"({"ok":true})");
  auto r = f.client.Call("GET", "/api/2.0/x",
                         {{"a", 1}, {"b", "two words"}, {"c", {"p", "q"}}, {"keys", "k1,k2"}}, nullptr, Retry::kIdempotent);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)["ok"], true);
  const auto req = f.fake->requests().at(0);
  EXPECT_EQ(req.url.substr(0, 22), "https://ws.example.com");
  EXPECT_EQ(http::Response{.headers = req.headers}.Header("Authorization"), "Bearer dapi-test-token");
  EXPECT_EQ(http::Response{.headers = req.headers}.Header("User-Agent"), "terraform-provider-dcs/1.2.3");
  EXPECT_EQ(req.timeout, std::chrono::seconds(60));
}

// The provider builds its client from a source the chain chose; that client
// must be as complete as the other (it crashed waiting for a cluster once).
TEST(ClientTest, ClientWithAChosenTokenSourceCanWaitForClusters) {
  auto fake = std::make_shared<http::FakeTransport>();
  auto clock = std::make_shared<http::FakeClock>();
  ResolvedConfig config = PatConfig();
  auto tokens = SelectTokenSource(config, {.transport = fake, .clock = clock});
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  Client client(config, *std::move(tokens), fake, clock, "1.2.3");
  fake->Add({"GET", "/api/2.1/clusters/get?cluster_id=c-1", "",
             Answer(200, R"({"cluster_id":"c-1","state":"RUNNING"})"), absl::OkStatus()});
  auto info = client.cluster_states().Wait("c-1", {"RUNNING"}, clock->Now() + std::chrono::minutes(1), nullptr);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(http::Response{.headers = fake->requests().at(0).headers}.Header("Authorization"),
            "Bearer dapi-test-token");
}

TEST(ClientTest, PostSendsJsonAndEmptyAnswerIsEmptyObject) {
  ClientFixture f;
  f.Expect("POST", "/api/2.0/y", R"({"a":"b"})", 200, "");
  auto r = f.client.Call("POST", "/api/2.0/y", {{"a", "b"}}, nullptr, Retry::kOnce);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, nlohmann::json::object());
  EXPECT_EQ(http::Response{.headers = f.fake->requests()[0].headers}.Header("Content-Type"), "application/json");
}

TEST(ClientTest, RetriesIdempotentCallsOn429503AndTransientCodes) {
  ClientFixture f;
  f.Expect("GET", "/g", "", 429, R"({"error_code":"TOO_MANY_REQUESTS","message":"slow down"})",
           {{"Retry-After", "2"}});
  f.Expect("GET", "/g", "", 503, "");
  f.Expect("GET", "/g", "", 400, R"({"error_code":"TEMPORARILY_UNAVAILABLE","message":"later"})");
  f.ExpectError("GET", "/g", absl::UnavailableError("Connection reset by peer"));
  f.Expect("GET", "/g", "", 200, R"({"x":1})");
  auto r = f.client.Call("GET", "/g", nullptr, nullptr, Retry::kIdempotent);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(f.fake->requests().size(), 5u);
  EXPECT_EQ(f.clock->sleeps().at(0), std::chrono::seconds(2));
}

TEST(ClientTest, DoesNotRetryNonIdempotentCalls) {
  ClientFixture f;
  f.Expect("POST", "/p", "", 503, R"({"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"})");
  auto r = f.client.Call("POST", "/p", {{"a", 1}}, nullptr, Retry::kOnce);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(f.fake->requests().size(), 1u);
  ClientFixture g;
  g.ExpectError("POST", "/p", absl::UnavailableError("Connection reset by peer"));
  EXPECT_EQ(g.client.Call("POST", "/p", {{"a", 1}}, nullptr, Retry::kOnce).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(g.fake->requests().size(), 1u);
}

TEST(ClientTest, RetriesStopAtRetryTimeout) {
  ResolvedConfig config = PatConfig();
  config.retry_timeout_seconds = 5;
  ClientFixture f(config);
  for (int i = 0; i < 10; ++i) f.Expect("GET", "/g", "", 429, R"({"error_code":"REQUEST_LIMIT_EXCEEDED","message":"quota"})", {{"Retry-After", "2"}});
  auto r = f.client.Call("GET", "/g", nullptr, nullptr, Retry::kIdempotent);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr("REQUEST_LIMIT_EXCEEDED: quota (HTTP 429, GET /g)"));
  EXPECT_EQ(f.fake->requests().size(), 3u);  // t=0, 2, 4; t=6 is past 5 s
}

struct MappingCase {
  int status;
  std::string body;
  absl::StatusCode code;
  std::string text;
};

TEST(ClientTest, MapsErrorBodies) {
  const MappingCase cases[] = {
      {404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Scope s does not exist!"})",
       absl::StatusCode::kNotFound, "RESOURCE_DOES_NOT_EXIST: Scope s does not exist! (HTTP 404, GET /e)"},
      {400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Cluster 1-2-3 does not exist"})",
       absl::StatusCode::kNotFound, "INVALID_PARAMETER_VALUE: Cluster 1-2-3 does not exist"},
      {400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"bad autotermination"})",
       absl::StatusCode::kInvalidArgument, "INVALID_PARAMETER_VALUE: bad autotermination (HTTP 400"},
      {403, R"({"error_code":"PERMISSION_DENIED","message":"no"})", absl::StatusCode::kPermissionDenied,
       "PERMISSION_DENIED: no"},
      {409, R"({"error_code":"RESOURCE_ALREADY_EXISTS","message":"Scope s already exists"})",
       absl::StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS"},
      {400, R"({"error_code":"INVALID_STATE","message":"Cluster is PENDING"})",
       absl::StatusCode::kFailedPrecondition, "INVALID_STATE"},
      {401, R"({"error_code":"UNAUTHENTICATED","message":"Invalid access token."})",
       absl::StatusCode::kUnauthenticated, "check that the token (DATABRICKS_TOKEN)"},
      {401, "", absl::StatusCode::kUnauthenticated, "empty answer (HTTP 401"},
      {500, "<html><pre>proxy broke</pre></html>", absl::StatusCode::kInternal, "<html><pre>proxy broke"},
      {400, R"({"error_code":400,"error":"legacy"})", absl::StatusCode::kInvalidArgument, "legacy (HTTP 400"},
  };
  for (const auto& c : cases) {
    absl::Status s = MapError("GET /e", Answer(c.status, c.body));
    EXPECT_EQ(s.code(), c.code) << c.body;
    EXPECT_THAT(s.message(), HasSubstr(c.text)) << c.body;
  }
}

TEST(ClientTest, NonJsonSuccessIsAClearError) {
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/get", "", 200, R"({"cluster_id": "abc", "sta)");
  auto r = f.client.Call("GET", "/api/2.1/clusters/get", nullptr, nullptr, Retry::kIdempotent);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(r.status().message(), HasSubstr("GET /api/2.1/clusters/get"));
  EXPECT_THAT(r.status().message(), HasSubstr(R"({"cluster_id": "abc", "sta)"));
}

// nlohmann refuses to serialise invalid UTF-8, as protobuf does.
bool ValidUtf8(absl::string_view s) {
  try {
    (void)nlohmann::json(std::string(s)).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// Issue 14 reproducer: a non-JSON 500 body of "a" + 200 × "é" was cut at 200
// bytes, inside the 100th "é"; the invalid UTF-8 reached Diagnostic.detail,
// protobuf refused the reply and the user saw an RPC error instead.
TEST(ClientTest, TruncatedErrorBodiesStayValidUtf8) {
  std::string body = "a";
  for (int i = 0; i < 200; ++i) body += "\xc3\xa9";
  absl::Status s = MapError("GET /e", Answer(500, body));
  EXPECT_TRUE(ValidUtf8(s.message())) << s;
  EXPECT_THAT(s.message(), HasSubstr("a\xc3\xa9\xc3\xa9"));
  EXPECT_THAT(s.message(), HasSubstr("\xe2\x80\xa6"));  // … marks the cut
  // The same body as a 200 answer that is not JSON (FirstBytes, 120 bytes).
  ClientFixture f;
  f.Expect("GET", "/api/2.1/clusters/get", "", 200, body);
  auto r = f.client.Call("GET", "/api/2.1/clusters/get", nullptr, nullptr, Retry::kIdempotent);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(ValidUtf8(r.status().message())) << r.status();
  // Bytes that were never UTF-8 (Latin-1) are replaced, not passed on.
  EXPECT_TRUE(ValidUtf8(MapError("GET /e", Answer(502, "caf\xe9 down")).message()));
}

TEST(ClientTest, UnreachableHostNamesTheHost) {
  ResolvedConfig config = PatConfig();
  config.retry_timeout_seconds = 0;
  ClientFixture f(config);
  f.ExpectError("GET", "/g", absl::UnavailableError("Could not resolve host: ws.example.com"));
  auto r = f.client.Call("GET", "/g", nullptr, nullptr, Retry::kIdempotent);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("cannot reach https://ws.example.com: check host / DATABRICKS_HOST"));
}

TEST(ClientTest, StopFlagCancels) {
  ClientFixture f;
  std::atomic<bool> stop{true};
  EXPECT_EQ(f.client.Call("GET", "/g", nullptr, &stop, Retry::kIdempotent).status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(f.fake->requests().empty());
}

}  // namespace
}  // namespace dcs::databricks

namespace dcs::databricks {
namespace {

TEST(ApiErrorCodeTest, MapErrorKeepsTheErrorCodeForCallersToBranchOn) {
  absl::Status s = MapError(
      "POST /api/2.1/clusters/create",
      http::Response{400, {}, R"({"error_code":"FEATURE_DISABLED","message":"Container Services (enableDcs) is off"})"});
  EXPECT_EQ(ApiErrorCode(s), "FEATURE_DISABLED");
  EXPECT_TRUE(ContainerServicesDisabled(s));
  EXPECT_EQ(ApiErrorCode(absl::InternalError("no answer")), "");
}

TEST(ApiErrorCodeTest, OtherDisabledFeaturesAreNotContainerServices) {
  absl::Status other = MapError(
      "PATCH /api/2.0/workspace-conf",
      http::Response{400, {}, R"({"error_code":"FEATURE_DISABLED","message":"IP access lists are not enabled"})"});
  EXPECT_FALSE(ContainerServicesDisabled(other));
  // The words alone, without the code, are not the workspace refusing.
  EXPECT_FALSE(ContainerServicesDisabled(absl::FailedPreconditionError("enableDcs mentioned in passing")));
}

}  // namespace
}  // namespace dcs::databricks
