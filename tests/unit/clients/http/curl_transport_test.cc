// Real libcurl round trips against loopback servers started by the test:
// cpp-httplib on TCP, and a minimal HTTP responder on a unix socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "clients/http/http.h"

namespace dcs::http {
namespace {

using ::testing::HasSubstr;

class LoopbackServer {
 public:
  LoopbackServer() {
    server_.Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Answer", "42");
      res.set_content("hello " + req.get_header_value("User-Agent"), "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_content(req.method + " " + req.get_header_value("X-Test") + " " + req.body, "text/plain");
    });
    server_.Patch("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("PATCH " + req.body, "text/plain");
    });
    server_.Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    server_.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hello");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      res.set_content("late", "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200000, 'x'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CurlTransportTest, GetReturnsStatusHeadersBodyAndUserAgent) {
  LoopbackServer server;
  auto transport = NewCurlTransport("dcs-test/1");
  auto r = transport->Send(Request{.url = server.Url("/hello")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello dcs-test/1");
  EXPECT_EQ(r->Header("x-answer"), "42");
}

TEST(CurlTransportTest, PostAndPatchSendBodiesAndHeaders) {
  LoopbackServer server;
  auto transport = NewCurlTransport("t");
  auto r = transport->Send(Request{.method = "POST", .url = server.Url("/echo"),
                                   .headers = {{"X-Test", "yes"}}, .body = R"({"a":1})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"(POST yes {"a":1})");
  auto p = transport->Send(Request{.method = "PATCH", .url = server.Url("/echo"), .body = "x=1"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->body, "PATCH x=1");
}

TEST(CurlTransportTest, StreamsRequestAndResponseBodies) {
  LoopbackServer server;
  auto transport = NewCurlTransport("t");
  std::string src(50000, 'a');
  size_t pos = 0;
  Request req{.method = "POST", .url = server.Url("/echo"),
              .headers = {{"Content-Type", "application/x-tar"}}};
  req.read_body = [&](char* buf, size_t size) -> long {
    size_t n = std::min(size, src.size() - pos);
    src.copy(buf, n, pos);
    pos += n;
    return static_cast<long>(n);
  };
  size_t chunks = 0, bytes = 0;
  req.on_body = [&](std::string_view chunk) {
    ++chunks;
    bytes += chunk.size();
    return true;
  };
  auto r = transport->Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_TRUE(r->body.empty());
  EXPECT_GE(chunks, 1u);
  EXPECT_EQ(bytes, std::string("POST  ").size() + src.size());
}

TEST(CurlTransportTest, OnBodyReturningFalseCancels) {
  LoopbackServer server;
  Request req{.url = server.Url("/big")};
  req.on_body = [](std::string_view) { return false; };
  EXPECT_EQ(NewCurlTransport("t")->Send(req).status().code(), absl::StatusCode::kCancelled);
}

TEST(CurlTransportTest, DoesNotFollowRedirects) {
  LoopbackServer server;
  auto r = NewCurlTransport("t")->Send(Request{.url = server.Url("/redirect")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->Header("Location"), "/hello");
}

TEST(CurlTransportTest, ReusesTheConnectionOnTheSameThread) {
  LoopbackServer server;
  auto transport = NewCurlTransport("t");
  auto a = transport->Send(Request{.url = server.Url("/port")});
  auto b = transport->Send(Request{.url = server.Url("/port")});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->body, b->body);
}

TEST(CurlTransportTest, TimeoutIsDeadlineExceeded) {
  LoopbackServer server;
  auto r = NewCurlTransport("t")->Send(
      Request{.url = server.Url("/slow"), .timeout = std::chrono::milliseconds(150)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
}

TEST(CurlTransportTest, RefusedConnectionIsUnavailable) {
  int port;
  {
    LoopbackServer server;  // take a free port, then close it
    port = std::stoi(server.Url("").substr(std::string("http://127.0.0.1:").size()));
  }
  auto r = NewCurlTransport("t")->Send(Request{.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST(CurlTransportTest, BadUrlIsInvalidArgument) {
  auto r = NewCurlTransport("t")->Send(Request{.url = "nope://x"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
}

// Accepts one connection on a unix socket, records the request head and
// answers with a fixed response.
class UnixSocketServer {
 public:
  UnixSocketServer() {
    char dir[] = "/tmp/dcs-http-test-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/api.sock";
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 1), 0);
    thread_ = std::thread([this] { ServeOne(); });
  }
  ~UnixSocketServer() {
    thread_.join();
    close(fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  const std::string& head() const { return head_; }

 private:
  void ServeOne() {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    while (head_.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(c, buf, sizeof(buf));
      if (n <= 0) break;
      head_.append(buf, static_cast<size_t>(n));
    }
    const std::string answer =
        "HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong";
    ssize_t written = write(c, answer.data(), answer.size());
    (void)written;
    close(c);
  }
  std::string dir_, path_, head_;
  int fd_ = -1;
  std::thread thread_;
};

TEST(CurlTransportTest, UnixSocketRequest) {
  UnixSocketServer server;
  auto r = NewCurlTransport("t")->Send(
      Request{.url = "http://localhost/v1.43/_ping", .unix_socket = server.path()});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "pong");
  EXPECT_EQ(r->Header("Api-Version"), "1.43");
  EXPECT_THAT(server.head(), HasSubstr("GET /v1.43/_ping HTTP/1.1\r\n"));
}

TEST(CurlTransportTest, RetryingClientOverRealTransport) {
  LoopbackServer server;
  RetryingClient client(NewCurlTransport("t"), RetryPolicy{});
  auto r = client.Send(Request{.url = server.Url("/hello")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace dcs::http

namespace dcs::http {
namespace {

TEST(UrlEscapeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UrlEscape("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(UrlEscape("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEscape("p?>&=+%"), "p%3F%3E%26%3D%2B%25");
  EXPECT_EQ(UrlEscape("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(UrlEscape(""), "");
}

}  // namespace
}  // namespace dcs::http
