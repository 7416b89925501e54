// Shared fixture for resource unit tests: the resource under test talks to a
// workspace client over a FakeTransport. A request without a fixture fails
// the call and the test, printing the fixture to paste; every test must use
// every fixture it added (both checked in TearDown). Plans go
// through the SDK's pipeline (Plan), and full API answers through the
// resource's ApiMapping (Unmapped).
#ifndef DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_
#define DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "clients/databricks/client.h"
#include "clients/http/testing/fakes.h"
#include "resources/api_json.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "sdk/cty/json_codec.h"
#include "sdk/framework/plan.h"
#include "sdk/framework/walk.h"

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
    // An unexpected request fails the test even where the resource turned
    // the transport's refusal into the error diagnostic the test expected.
    for (const std::string& failure : transport_->unmatched()) ADD_FAILURE() << failure;
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

  static std::string FirstError(const framework::Diagnostics& d) { return d.HasError() ? d.FirstError() : ""; }

  // Plans `config` over `prior` as a client would (the proposed value keeps
  // prior values of computed attributes the config leaves null), through the
  // attribute pipeline and the resource's ModifyPlan. Returns the planned
  // value; `replaced` gets the requires-replace paths, space-separated.
  cty::Value Plan(const cty::Value& config, const cty::Value& prior, std::string* replaced = nullptr) {
    const schema::Block& block = resource_->GetSchema().block;
    const cty::Value proposed = ProposedNew(block, config, prior);
    framework::AttributePlan plan = framework::PlanAttributes(block, config, prior, proposed);
    framework::ModifyPlanResponse resp{plan.planned, plan.requires_replace, {}};
    if (auto* m = dynamic_cast<const framework::ResourceWithModifyPlan*>(resource_.get())) {
      m->ModifyPlan({ctx_, config, prior, plan.planned}, resp);
    }
    EXPECT_FALSE(resp.diagnostics.HasError()) << FirstError(resp.diagnostics);
    if (replaced) {
      replaced->clear();
      for (const auto& p : resp.requires_replace) *replaced += p.ToString() + " ";
    }
    return resp.planned;
  }

  // Fields of a full API answer that neither the schema nor the resource's
  // ApiMapping::api_only knows: what a read would drop.
  std::vector<std::string> Unmapped(const std::string& answer) {
    auto* r = dynamic_cast<const ResourceWithApiMapping*>(resource_.get());
    EXPECT_NE(r, nullptr) << "the resource does not expose its ApiMapping";
    if (!r) return {"?"};
    return UnmappedApiFields(resource_->GetSchema().block, r->GetApiMapping(), nlohmann::json::parse(answer));
  }

  // Terraform's proposed new state, simplified: config values, with prior
  // values for computed attributes the config leaves null (blocks by index).
  static cty::Value ProposedNew(const schema::Block& block, const cty::Value& config, const cty::Value& prior) {
    if (!config.IsKnown() || config.IsNull()) return config;
    std::map<std::string, cty::Value> out = config.Attributes();
    for (const auto& a : block.attributes) {
      const cty::Value p = framework::AttrOrNull(prior, a.name, a.ValueType());
      if (a.computed() && out[a.name].IsNull()) out[a.name] = p;
    }
    for (const auto& nb : block.blocks) {
      const cty::Value c = out[nb.name];
      const cty::Value p = framework::AttrOrNull(prior, nb.name, c.type());
      if (!c.IsKnown() || c.IsNull()) continue;
      if (nb.nesting == schema::Nesting::kSingle || nb.nesting == schema::Nesting::kGroup) {
        out[nb.name] = ProposedNew(*nb.block, c, p);
      } else if (nb.nesting == schema::Nesting::kList) {
        std::vector<cty::Value> elems;
        for (size_t i = 0; i < c.Elements().size(); ++i) {
          const bool has_prior = p.IsKnown() && !p.IsNull() && i < p.Elements().size();
          elems.push_back(ProposedNew(*nb.block, c.Elements()[i], has_prior ? p.Elements()[i] : cty::Value()));
        }
        out[nb.name] = cty::Value::List(c.type().element_type(), std::move(elems));
      }
    }
    return cty::Value::Object(config.type(), std::move(out));
  }

  std::shared_ptr<http::FakeTransport> transport_ = std::make_shared<http::FakeTransport>();
  std::shared_ptr<http::FakeClock> clock_ = std::make_shared<http::FakeClock>();
  framework::Context ctx_;
  std::unique_ptr<framework::Resource> resource_;
  cty::Type type_;
};

}  // namespace dcs::resources::testing

#endif  // DCS_TESTS_UNIT_RESOURCES_RESOURCE_FIXTURE_H_
