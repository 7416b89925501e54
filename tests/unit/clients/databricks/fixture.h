// Shared test fixture: a Client over a FakeTransport and a FakeClock.
#ifndef DCS_TESTS_UNIT_CLIENTS_DATABRICKS_FIXTURE_H_
#define DCS_TESTS_UNIT_CLIENTS_DATABRICKS_FIXTURE_H_

#include <memory>
#include <string>

#include "clients/databricks/client.h"
#include "clients/http/http.h"
#include "clients/http/testing/fakes.h"

namespace dcs::databricks {

inline http::Response Answer(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline ResolvedConfig PatConfig() {
  ResolvedConfig c;
  c.host = "https://ws.example.com";
  c.token = "dapi-test-token";
  c.rate_limit = 0;
  return c;
}

struct ClientFixture {
  explicit ClientFixture(ResolvedConfig config = PatConfig())
      : fake(std::make_shared<http::FakeTransport>()),
        clock(std::make_shared<http::FakeClock>()),
        client(std::move(config), fake, clock, "terraform-provider-dcs/1.2.3") {}
  // Expects `method path` with `body` (JSON-compared; "" = any) and answers.
  void Expect(std::string method, std::string path, std::string body, int status, std::string answer,
              http::Headers headers = {}) {
    fake->Add({std::move(method), std::move(path), std::move(body),
               Answer(status, std::move(answer), std::move(headers)), absl::OkStatus()});
  }
  void ExpectError(std::string method, std::string path, absl::Status error) {
    fake->Add({std::move(method), std::move(path), "", {}, std::move(error)});
  }
  std::shared_ptr<http::FakeTransport> fake;
  std::shared_ptr<http::FakeClock> clock;
  Client client;
};

}  // namespace dcs::databricks

#endif  // DCS_TESTS_UNIT_CLIENTS_DATABRICKS_FIXTURE_H_
