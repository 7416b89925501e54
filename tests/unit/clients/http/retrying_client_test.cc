// RetryingClient, FakeTransport, FakeClock, Retry-After and redaction.
#include <atomic>
#include <deque>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/http/http.h"
#include "clients/http/testing/fakes.h"
#include "sdk/log/hclog.h"

namespace dcs::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Answers from a script; repeats the last entry forever.
class ScriptTransport : public Transport {
 public:
  explicit ScriptTransport(std::deque<absl::StatusOr<Response>> script) : script_(std::move(script)) {}
  absl::StatusOr<Response> Send(const Request& request) override {
    ++calls;
    timeouts.push_back(request.timeout);
    if (script_.size() > 1) {
      auto r = script_.front();
      script_.pop_front();
      return r;
    }
    return script_.front();
  }
  int calls = 0;
  std::vector<milliseconds> timeouts;

 private:
  std::deque<absl::StatusOr<Response>> script_;
};

Response Resp(int status, Headers headers = {}, std::string body = "") {
  Response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

struct Harness {
  explicit Harness(std::deque<absl::StatusOr<Response>> script, RetryPolicy policy = {})
      : transport(std::make_shared<ScriptTransport>(std::move(script))),
        clock(std::make_shared<FakeClock>()),
        client(transport, policy, clock) {}
  std::shared_ptr<ScriptTransport> transport;
  std::shared_ptr<FakeClock> clock;
  RetryingClient client;
  Request request{.method = "GET", .url = "https://h.example/api"};
};

TEST(RetryingClientTest, RetriesOn429HonouringRetryAfterSeconds) {
  Harness h({Resp(429, {{"retry-after", "3"}}), Resp(429, {{"Retry-After", "1"}}), Resp(200, {}, "ok")});
  auto r = h.client.Send(h.request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(h.transport->calls, 3);
  EXPECT_THAT(h.clock->sleeps(), ElementsAre(seconds(3), seconds(1)));
}

TEST(RetryingClientTest, RetriesOn503WithJitteredBackoffWithinTheCap) {
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(100);
  policy.max_backoff = milliseconds(300);
  Harness h({Resp(503), Resp(503), Resp(503), Resp(503), Resp(200)}, policy);
  auto r = h.client.Send(h.request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  auto sleeps = h.clock->sleeps();
  ASSERT_EQ(sleeps.size(), 4u);
  const milliseconds caps[] = {milliseconds(100), milliseconds(200), milliseconds(300), milliseconds(300)};
  for (size_t i = 0; i < sleeps.size(); ++i) {
    EXPECT_GE(sleeps[i].count(), 0);
    EXPECT_LE(sleeps[i], caps[i]) << i;
  }
}

TEST(RetryingClientTest, BackoffCapDoublesUpToTheMaximum) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(250);
  p.max_backoff = seconds(10);
  EXPECT_EQ(BackoffCap(p, 0), milliseconds(250));
  EXPECT_EQ(BackoffCap(p, 1), milliseconds(500));
  EXPECT_EQ(BackoffCap(p, 5), milliseconds(8000));
  EXPECT_EQ(BackoffCap(p, 6), seconds(10));
  EXPECT_EQ(BackoffCap(p, 60), seconds(10));
}

TEST(RetryingClientTest, RetriesConnectionResetThenSucceeds) {
  Harness h({absl::UnavailableError("connection reset by peer"), Resp(200)});
  auto r = h.client.Send(h.request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(h.transport->calls, 2);
}

TEST(RetryingClientTest, GivesUpAtTheDeadlineWithTheLastError) {
  RetryPolicy policy;
  policy.total_deadline = seconds(1);
  policy.initial_backoff = milliseconds(400);
  policy.max_backoff = milliseconds(400);
  policy.max_attempts = 100000;
  Harness h({absl::UnavailableError("connection reset by peer")}, policy);
  auto r = h.client.Send(h.request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("connection reset by peer"));
  EXPECT_THAT(r.status().message(), HasSubstr("retry deadline reached"));
  milliseconds total{0};
  for (auto s : h.clock->sleeps()) total += s;
  EXPECT_LT(total, seconds(1));
  // Each attempt's timeout is clamped to what is left of the deadline.
  for (auto t : h.transport->timeouts) EXPECT_LE(t, seconds(1));
}

TEST(RetryingClientTest, RetryAfterBeyondTheDeadlineReturnsTheLastResponse) {
  RetryPolicy policy;
  policy.total_deadline = seconds(10);
  Harness h({Resp(503, {{"Retry-After", "4"}})}, policy);
  auto r = h.client.Send(h.request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(h.transport->calls, 3);  // t=0, t=4, t=8; t=12 would pass the deadline
  EXPECT_THAT(h.clock->sleeps(), ElementsAre(seconds(4), seconds(4)));
}

TEST(RetryingClientTest, StopsAfterMaxAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  Harness h({absl::DeadlineExceededError("timed out")}, policy);
  auto r = h.client.Send(h.request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("after 3 attempts"));
  EXPECT_EQ(h.transport->calls, 3);
}

TEST(RetryingClientTest, NoRetryOn400Or404OrOtherErrors) {
  for (int status : {400, 404, 500}) {
    Harness h({Resp(status), Resp(200)});
    auto r = h.client.Send(h.request);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(h.transport->calls, 1);
    EXPECT_TRUE(h.clock->sleeps().empty());
  }
  Harness h({absl::InvalidArgumentError("bad url"), Resp(200)});
  EXPECT_EQ(h.client.Send(h.request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.transport->calls, 1);
}

TEST(RetryingClientTest, CustomPredicateDecides) {
  Harness h({Resp(409), Resp(200)});
  auto r = h.client.Send(h.request, nullptr, [](const Response& resp) { return resp.status == 409; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST(RetryingClientTest, StopFlagEndsTheWait) {
  Harness h({Resp(429, {{"Retry-After", "30"}}), Resp(200)});
  std::atomic<bool> stop{false};
  h.clock->set_on_sleep([&](milliseconds) { stop = true; });
  auto r = h.client.Send(h.request, &stop);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(r.status().message(), HasSubstr("cancelled while waiting"));
  EXPECT_EQ(h.transport->calls, 1);
}

TEST(RetryingClientTest, StopFlagSetBeforehandSendsNothing) {
  Harness h({Resp(200)});
  std::atomic<bool> stop{true};
  EXPECT_EQ(h.client.Send(h.request, &stop).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(h.transport->calls, 0);
}

TEST(RetryingClientTest, RateLimitSpacesRequests) {
  RetryPolicy policy;
  policy.requests_per_second = 2;
  Harness h({Resp(200)}, policy);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(h.client.Send(h.request).ok());
  EXPECT_THAT(h.clock->sleeps(), ElementsAre(milliseconds(500), milliseconds(500)));
  // After an idle second the next request goes at once.
  h.clock->Advance(seconds(2));
  ASSERT_TRUE(h.client.Send(h.request).ok());
  EXPECT_EQ(h.clock->sleeps().size(), 2u);
}

// UBSan reproducer (issue 14): rate_limit = 1e-300 made 1e9/rate infinite and
// its conversion to int64 undefined (on x86 it wrapped to a negative interval,
// i.e. no limit at all). A tiny rate now means one request an hour; NaN is off.
TEST(RetryingClientTest, TinyOrNanRateLimitIsDefined) {
  RetryPolicy policy;
  policy.requests_per_second = 1e-300;
  Harness h({Resp(200)}, policy);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(h.client.Send(h.request).ok());
  EXPECT_THAT(h.clock->sleeps(), ElementsAre(milliseconds(3600 * 1000)));
  policy.requests_per_second = std::numeric_limits<double>::quiet_NaN();
  Harness off({Resp(200)}, policy);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(off.client.Send(off.request).ok());
  EXPECT_TRUE(off.clock->sleeps().empty());
}

TEST(RetryingClientTest, LogsEachAttemptWithoutSecrets) {
  std::vector<std::string> lines;
  log::SetLevelForTesting(log::Level::kDebug);
  log::SetSinkForTesting([&](std::string_view line) { lines.emplace_back(line); });
  Harness h({Resp(503, {{"Retry-After", "0"}}), Resp(200)});
  h.request.headers = {{"Authorization", "Bearer dapi-very-secret"}, {"Accept", "application/json"}};
  ASSERT_TRUE(h.client.Send(h.request).ok());
  log::SetSinkForTesting(nullptr);
  log::SetLevelForTesting(log::Level::kWarn);
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_THAT(line, Not(HasSubstr("dapi-very-secret")));
    EXPECT_THAT(line, HasSubstr("https://h.example/api"));
    EXPECT_THAT(line, HasSubstr("Authorization: <redacted>"));
    EXPECT_THAT(line, HasSubstr("\"method\":\"GET\""));
  }
  EXPECT_THAT(lines[0], HasSubstr("\"status\":503"));
  EXPECT_THAT(lines[0], HasSubstr("\"attempt\":1"));
  EXPECT_THAT(lines[1], HasSubstr("\"attempt\":2"));
}

TEST(RetryAfterTest, ParsesSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), seconds(30));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:20:00 GMT", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(RedactionTest, HeadersHideCredentials) {
  std::string s = RedactHeaders({{"authorization", "Basic dXNlcjpwdw=="},
                                 {"X-Registry-Auth", "eyJwYXNzd29yZCI6InB3In0="},
                                 {"Content-Type", "application/json"}});
  EXPECT_EQ(s, "authorization: <redacted>; X-Registry-Auth: <redacted>; Content-Type: application/json");
}

TEST(RedactionTest, JsonBodiesHideSecretFieldsAtAnyDepth) {
  std::string s = RedactJsonBody(
      R"({"cluster_name":"c","docker_image":{"url":"u","basic_auth":{"username":"me","password":"pw1"}},)"
      R"("access_token":"at","list":[{"client_secret":"cs"}],"string_value":"sv"})");
  EXPECT_THAT(s, Not(HasSubstr("pw1")));
  EXPECT_THAT(s, Not(HasSubstr("\"at\"")));
  EXPECT_THAT(s, Not(HasSubstr("\"cs\"")));
  EXPECT_THAT(s, Not(HasSubstr("\"sv\"")));
  EXPECT_THAT(s, HasSubstr("\"username\":\"me\""));
  EXPECT_THAT(s, HasSubstr("\"password\":\"<redacted>\""));
}

TEST(RedactionTest, FormBodiesAndPlainText) {
  EXPECT_EQ(RedactJsonBody("grant_type=client_credentials&client_secret=abc&scope=all-apis"),
            "grant_type=client_credentials&client_secret=<redacted>&scope=all-apis");
  EXPECT_EQ(RedactJsonBody("plain text"), "plain text");
}

TEST(FakeTransportTest, MatchesInOrderComparesJsonAndPrintsFixtureToPaste) {
  FakeTransport fake;
  fake.Add({"POST", "/api/x?a=1", R"({"b":1,"a":2})", Resp(200, {}, "first"), absl::OkStatus()});
  fake.Add({"POST", "/api/x?a=1", "", Resp(201, {}, "second"), absl::OkStatus()});
  Request req{.method = "POST", .url = "https://h/api/x?a=1", .body = R"({ "a": 2, "b": 1 })"};
  auto r1 = fake.Send(req);
  ASSERT_TRUE(r1.ok()) << r1.status();
  EXPECT_EQ(r1->body, "first");
  EXPECT_FALSE(fake.AllUsed());
  EXPECT_EQ(fake.Send(req)->body, "second");
  EXPECT_TRUE(fake.AllUsed());
  auto r3 = fake.Send(Request{.method = "GET", .url = "https://h/nope"});
  EXPECT_EQ(r3.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r3.status().message(), HasSubstr(R"(fake->Add({"GET", "/nope")"));
  EXPECT_EQ(fake.requests().size(), 3u);
  ASSERT_EQ(fake.unmatched().size(), 1u) << "kept for tests whose code under test swallows the error";
  EXPECT_EQ(fake.unmatched()[0], r3.status().message());
}

TEST(FakeTransportTest, DrainsStreamedBodiesAndStreamsAnswers) {
  FakeTransport fake;
  fake.Add({"POST", "/build", "tarbytes", Resp(200, {}, "progress"), absl::OkStatus()});
  std::string src = "tarbytes";
  size_t pos = 0;
  std::string seen;
  Request req{.method = "POST", .url = "http://localhost/build"};
  req.read_body = [&](char* buf, size_t size) -> long {
    size_t n = std::min(size, src.size() - pos);
    src.copy(buf, n, pos);
    pos += n;
    return static_cast<long>(n);
  };
  req.on_body = [&](std::string_view chunk) {
    seen.append(chunk);
    return true;
  };
  auto r = fake.Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(seen, "progress");
  EXPECT_EQ(fake.requests()[0].body, "tarbytes");
  EXPECT_TRUE(static_cast<bool>(fake.requests()[0].read_body));
}

TEST(UrlTest, PathAndQuery) {
  EXPECT_EQ(UrlPathAndQuery("https://h:1/a/b?c=d"), "/a/b?c=d");
  EXPECT_EQ(UrlPathAndQuery("https://h"), "/");
  EXPECT_EQ(UrlPathAndQuery("http://h?x=1"), "/?x=1");
}

TEST(ResponseTest, HeaderLookupIsCaseInsensitive) {
  Response r = Resp(200, {{"Content-Type", "a"}});
  EXPECT_EQ(r.Header("content-type"), "a");
  EXPECT_EQ(r.Header("missing"), "");
}

}  // namespace
}  // namespace dcs::http

namespace dcs::http {
namespace {

TEST(RetryingClientSendOnceTest, NeverRetries) {
  auto transport = std::make_shared<ScriptTransport>(
      std::deque<absl::StatusOr<Response>>{absl::UnavailableError("reset"), Resp(200)});
  RetryingClient client(transport, RetryPolicy{}, std::make_shared<FakeClock>());
  EXPECT_EQ(client.SendOnce(Request{.url = "http://h/"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(transport->calls, 1);
}

}  // namespace
}  // namespace dcs::http
