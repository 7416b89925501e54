// Shared fixture for resource unit tests: the resource under test talks to a
// workspace client over a FakeTransport. A request without a fixture fails
// the call, and the FakeTransport's error message is the fixture to paste;
// every test must use every fixture it added (checked in TearDown).
#ifndef DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_
#define DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "clients/databricks/client.h"
#include "clients/http/testing/fakes.h"
#include "provider/cty/json_codec.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"

namespace dcs::resources::testing {

class ResourceTest : public ::testing::Test {
 protected:
  explicit ResourceTest(std::function<std::unique_ptr<framework::Resource>()> factory)
      : resource_(factory()), type_(resource_->GetSchema().block.ImpliedType()) {}

  void SetUp() override {
    databricks::ResolvedConfig rc;
    rc.host = "https://ws.example";
    rc.token = "t";
    rc.retry_timeout_seconds = 0;  // one attempt: an error answer is the error
    rc.rate_limit = 0;
    ctx_.provider = std::make_shared<ProviderClients>(
        ProviderConfig{}, ProviderClients::Injected{.workspace = std::make_shared<databricks::Client>(rc, transport_, clock_, "test")});
  }

  void TearDown() override {
    std::string sent;
    for (const auto& r : transport_->requests()) sent += "\n  " + r.method + " " + r.url + " " + r.body;
    EXPECT_TRUE(transport_->AllUsed()) << "fixtures left unused; requests sent:" << sent;
  }

  // Expects `method path` with a JSON-compared `body` ("" = any) and answers.
  void Expect(std::string method, std::string path, std::string body, int status, std::string answer) {
    transport_->Add({std::move(method), std::move(path), std::move(body), {status, {}, std::move(answer)}});
  }

  // A value of the resource's type from JSON (missing attributes are null).
  cty::Value Value(const std::string& json) {
    auto v = cty::DecodeJson(json, type_);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : cty::Value::Null(type_);
  }

  // `v` with the named top-level attributes unknown, as a create plan has them.
  cty::Value WithUnknown(const cty::Value& v, std::initializer_list<const char*> names) {
    std::map<std::string, cty::Value> attrs = v.Attributes();
    for (const char* n : names) attrs[n] = cty::Value::Unknown(type_.attribute_types().at(n));
    return cty::Value::Object(type_, std::move(attrs));
  }

  static std::string FirstError(const schema::Diagnostics& d) { return d.HasError() ? d.FirstError() : ""; }

  std::shared_ptr<http::FakeTransport> transport_ = std::make_shared<http::FakeTransport>();
  std::shared_ptr<http::FakeClock> clock_ = std::make_shared<http::FakeClock>();
  framework::Context ctx_;
  std::unique_ptr<framework::Resource> resource_;
  cty::Type type_;
};

}  // namespace dcs::resources::testing

#endif  // DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_
