// dcs_workspace_conf against a fake transport: what it records before the
// first write, and what destroy puts back.
#include <gtest/gtest.h>

#include "clients/databricks/client.h"
#include "clients/http/http.h"
#include "clients/http/testing/fakes.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "sdk/framework/resource.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using http::FakeTransport;

class WorkspaceConfResourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    databricks::ResolvedConfig rc;
    rc.host = "https://ws.example";
    rc.token = "t";
    rc.retry_timeout_seconds = 0;
    ctx_.provider = std::make_shared<ProviderClients>(
        ProviderConfig{}, ProviderClients::Injected{.workspace = std::make_shared<databricks::Client>(rc, transport_, std::make_shared<http::FakeClock>(), "test")});
    resource_ = NewWorkspaceConfResource();
    type_ = resource_->GetSchema().block.ImpliedType();
  }

  void Expect(const char* method, const char* path, const char* body, int status, const char* answer) {
    transport_->Add({method, path, body, {status, {}, answer}});
  }

  cty::Value Planned(std::map<std::string, std::string> custom) {
    std::map<std::string, cty::Value> m;
    for (const auto& [k, v] : custom) m[k] = cty::Value::String(v);
    return cty::Value::Object(type_, {{"id", cty::Value::Unknown(cty::Type::String())},
                                      {"enable_dcs", cty::Value::Bool(true)},
                                      {"custom_config", cty::Value::Map(cty::Type::String(), m)}});
  }

  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
  fw::Context ctx_;
  std::unique_ptr<fw::Resource> resource_;
  cty::Type type_;
};

TEST_F(WorkspaceConfResourceTest, CreateRecordsPreviousValuesAndDestroyPutsThemBack) {
  Expect("GET", "/api/2.0/workspace-conf?keys=enableDcs,enableIpAccessLists", "", 200,
         R"({"enableDcs": null, "enableIpAccessLists": "false"})");
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs": "true", "enableIpAccessLists": "true"})", 204, "");
  Expect("GET", "/api/2.0/workspace-conf?keys=enableDcs,enableIpAccessLists", "", 200,
         R"({"enableDcs": "TRUE", "enableIpAccessLists": "true"})");
  cty::Value planned = Planned({{"enableIpAccessLists", "true"}});
  fw::ApplyResponse created;
  resource_->Create({ctx_, planned, planned}, created);
  ASSERT_FALSE(created.diagnostics.HasError()) << created.diagnostics.FirstError();
  EXPECT_TRUE(created.new_state.GetAttr("enable_dcs").AsBool()) << "booleans are read case-insensitively";
  EXPECT_EQ(created.new_state.GetAttr("id").AsString(), "workspace_conf");

  // enableDcs had no value: reset to ""; enableIpAccessLists back to "false".
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs": "", "enableIpAccessLists": "false"})", 204, "");
  fw::DeleteResponse deleted;
  resource_->Delete({ctx_, created.new_state, created.private_data}, deleted);
  EXPECT_FALSE(deleted.diagnostics.HasError()) << deleted.diagnostics.FirstError();
  EXPECT_TRUE(transport_->AllUsed());
}

// Issue 14: destroy sent "" for enableIpAccessLists, let the workspace refuse
// it (400) and retried without the keys it parsed out of the error text. Keys
// known to refuse "" are now never sent; the destroy plan says so up front.
TEST_F(WorkspaceConfResourceTest, KeysThatRefuseAnEmptyValueAreNeverSent) {
  const char* restore = R"({"restore": {"enableDcs": null, "enableIpAccessLists": null, "maxTokenLifetimeDays": "90"}})";
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs": "", "maxTokenLifetimeDays": "90"})", 204, "");
  fw::DeleteResponse deleted;
  resource_->Delete({ctx_, Planned({}), restore}, deleted);
  ASSERT_FALSE(deleted.diagnostics.HasError()) << deleted.diagnostics.FirstError();
  ASSERT_EQ(deleted.diagnostics.items().size(), 1u);
  EXPECT_NE(deleted.diagnostics.items()[0].detail.find("enableIpAccessLists"), std::string::npos);
  EXPECT_EQ(deleted.diagnostics.items()[0].detail.find("maxTokenLifetimeDays"), std::string::npos);
  EXPECT_TRUE(transport_->AllUsed());
  for (const auto& r : transport_->requests()) EXPECT_EQ(r.body.find("enableIpAccessLists"), std::string::npos);

  auto* planner = dynamic_cast<const fw::ResourceWithDestroyPlan*>(resource_.get());
  ASSERT_NE(planner, nullptr);
  framework::Diagnostics plan;
  planner->PlanDestroy({ctx_, Planned({}), restore}, plan);
  ASSERT_EQ(plan.items().size(), 1u);
  EXPECT_EQ(plan.items()[0].severity, framework::Severity::kWarning);
  EXPECT_NE(plan.items()[0].detail.find("enableIpAccessLists"), std::string::npos);
}

// A refusal the provider did not foresee is recognised by its error code, not
// its wording: the keys are put back one by one and only the refused one kept.
TEST_F(WorkspaceConfResourceTest, UnforeseenRefusalIsRecognisedByItsCode) {
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs": "", "enableWebTerminal": "true"})", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "worded differently"})");
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableDcs": ""})", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "no"})");
  Expect("PATCH", "/api/2.0/workspace-conf", R"({"enableWebTerminal": "true"})", 204, "");
  fw::DeleteResponse deleted;
  resource_->Delete({ctx_, Planned({}), R"({"restore": {"enableDcs": null, "enableWebTerminal": "true"}})"}, deleted);
  ASSERT_FALSE(deleted.diagnostics.HasError()) << deleted.diagnostics.FirstError();
  ASSERT_EQ(deleted.diagnostics.items().size(), 1u);
  EXPECT_NE(deleted.diagnostics.items()[0].detail.find("enableDcs"), std::string::npos);
  EXPECT_TRUE(transport_->AllUsed());
}

TEST_F(WorkspaceConfResourceTest, RejectedKeyIsADiagnosticOnThatKey) {
  Expect("GET", "/api/2.0/workspace-conf?keys=enableDcs,enableTeleporter", "", 400,
         R"({"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid keys: [\"enableTeleporter\"]"})");
  cty::Value planned = Planned({{"enableTeleporter", "true"}});
  fw::ApplyResponse created;
  resource_->Create({ctx_, planned, planned}, created);
  ASSERT_TRUE(created.diagnostics.HasError());
  EXPECT_EQ(created.diagnostics.items()[0].path->ToString(), "custom_config[\"enableTeleporter\"]");
  EXPECT_TRUE(created.new_state.IsNull() || !created.new_state.IsKnown());
}

}  // namespace
}  // namespace dcs::resources
