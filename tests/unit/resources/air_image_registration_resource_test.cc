// dcs_air_image_registration against a FakeTransport: plan decisions, the
// create/update/read/delete/import flows and the diagnostics users see.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/databricks/client.h"
#include "clients/http/testing/fakes.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/resource.h"

namespace dcs::resources {
namespace {

using ::testing::HasSubstr;
namespace fw = framework;

constexpr char kUrl[] = "docker.io/org/trainer:1.4";
constexpr char kImages[] = "/api/2.0/ai-compute-manager/images";

std::string GetPath(const std::string& url) {
  return std::string(kImages) + ":get?" + databricks::QueryString({{"docker_image_url", url}});
}

http::Response Answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string Registration(const std::string& state, const std::string& extra = "") {
  return R"({"docker_image_url":")" + std::string(kUrl) + R"(","state":")" + state + "\"" + extra + "}";
}

class AirResourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resource_ = NewAirImageRegistrationResource();
    fake_ = std::make_shared<http::FakeTransport>();
    clock_ = std::make_shared<http::FakeClock>();
    type_ = resource_->GetSchema().block.ImpliedType();
    SetUpClientOnly();
    ctx_.stop = std::make_shared<std::atomic<bool>>(false);
  }
  // A provider configuration whose workspace client talks to fake_.
  void SetUpClientOnly() {
    databricks::ResolvedConfig c;
    c.host = "https://ws.example.com";
    c.token = "dapi-test";
    c.rate_limit = 0;
    ctx_.provider = std::make_shared<ProviderClients>(
        ProviderConfig{}, ProviderClients::Injected{.workspace = std::make_shared<databricks::Client>(c, fake_, clock_, "0.0.1")});
  }
  static cty::Value WithValue(const cty::Value& o, const std::string& name, cty::Value v) {
    auto attrs = o.Attributes();
    attrs[name] = std::move(v);
    return cty::Value::Object(o.type(), std::move(attrs));
  }
  static cty::Value With(const cty::Value& o, const std::string& name, const std::string& s) {
    return WithValue(o, name, cty::Value::String(s));
  }
  void Expect(const std::string& method, const std::string& path, const std::string& body, int status,
              const std::string& answer) {
    fake_->Add({method, path, body, Answer(status, answer), absl::OkStatus()});
  }
  const cty::Type& Type() const { return type_; }
  cty::Value Obj(std::map<std::string, cty::Value> attrs) const { return cty::Value::Object(Type(), std::move(attrs)); }
  cty::Value Timeouts(const std::string& create) const {
    cty::Type t = Type().attribute_types().at("timeouts");
    return cty::Value::Object(t, {{"create", cty::Value::String(create)}});
  }
  cty::Value Planned(std::map<std::string, cty::Value> attrs) const {
    attrs.emplace("unregister_on_destroy", cty::Value::Bool(false));
    attrs.emplace("id", cty::Value::String(kUrl));
    for (const char* n : {"state", "status_message", "manifest_sha256", "registered_at"}) {
      attrs.emplace(n, cty::Value::Unknown(cty::Type::String()));
    }
    return Obj(std::move(attrs));
  }
  cty::Value Prior(std::map<std::string, cty::Value> attrs) const {
    attrs.emplace("image_url", cty::Value::String(kUrl));
    attrs.emplace("id", cty::Value::String(kUrl));
    attrs.emplace("unregister_on_destroy", cty::Value::Bool(false));
    attrs.emplace("state", cty::Value::String("AVAILABLE"));
    attrs.emplace("manifest_sha256", cty::Value::String("feed"));
    attrs.emplace("registered_at", cty::Value::String("2026-01-01T00:00:00Z"));
    return Obj(std::move(attrs));
  }
  fw::ApplyResponse Create(const cty::Value& planned) {
    fw::ApplyResponse resp;
    resource_->Create({ctx_, planned, planned}, resp);
    return resp;
  }
  fw::ModifyPlanResponse Plan(const cty::Value& prior, const cty::Value& planned) {
    fw::ModifyPlanResponse resp{planned, {}, {}};
    dynamic_cast<const fw::ResourceWithModifyPlan&>(*resource_).ModifyPlan({ctx_, planned, prior, planned}, resp);
    return resp;
  }

  std::unique_ptr<fw::Resource> resource_;
  std::shared_ptr<http::FakeTransport> fake_;
  std::shared_ptr<http::FakeClock> clock_;
  fw::Context ctx_;
  cty::Type type_;
};

TEST_F(AirResourceTest, SchemaIsValid) { EXPECT_TRUE(schema::ValidateSchema(resource_->GetSchema()).ok()); }

TEST_F(AirResourceTest, ValidateConfigNeedsScopeAndKeyTogetherAndWarnsOnLatest) {
  fw::Diagnostics d;
  resource_->ValidateConfig({ctx_, Obj({{"image_url", cty::Value::String("org/trainer")},
                                        {"secret_scope", cty::Value::String("reg")}})}, d);
  ASSERT_EQ(d.items().size(), 2u);
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].summary, "secret_key missing");
  EXPECT_EQ(d.items()[0].path->ToString(), "secret_key");
  EXPECT_THAT(d.items()[1].summary, HasSubstr("latest"));
  EXPECT_THAT(d.items()[1].detail, HasSubstr("docker.io/org/trainer:latest"));

  fw::Diagnostics ok;
  resource_->ValidateConfig({ctx_, Obj({{"image_url", cty::Value::String(kUrl)},
                                        {"secret_key", cty::Value::Unknown(cty::Type::String())}})}, ok);
  EXPECT_TRUE(ok.empty());
}

TEST_F(AirResourceTest, PlanReplacesOnlyWhenTheNormalisedUrlChanges) {
  cty::Value prior = Prior({});
  auto same = Plan(prior, With(prior, "image_url", "org/trainer:1.4"));
  EXPECT_TRUE(same.requires_replace.empty());
  EXPECT_EQ(same.planned.GetAttr("state").AsString(), "AVAILABLE");
  EXPECT_EQ(same.planned.GetAttr("registered_at").AsString(), "2026-01-01T00:00:00Z");

  auto other = Plan(prior, With(prior, "image_url", "org/trainer:1.5"));
  ASSERT_EQ(other.requires_replace.size(), 1u);
  EXPECT_EQ(other.requires_replace[0].ToString(), "image_url");
  EXPECT_EQ(other.planned.GetAttr("id").AsString(), "docker.io/org/trainer:1.5");

  cty::Value unknown_url = Obj({{"image_url", cty::Value::Unknown(cty::Type::String())}});
  EXPECT_EQ(Plan(prior, unknown_url).requires_replace.size(), 1u);
}

TEST_F(AirResourceTest, PlanReRegistersOnCredentialBumpDigestTriggerOrUnfinishedState) {
  cty::Value prior = Prior({{"credential_version", cty::Value::Int(1)}});
  auto bump = Plan(prior, WithValue(prior, "credential_version", cty::Value::Int(2)));
  EXPECT_TRUE(bump.requires_replace.empty());
  EXPECT_FALSE(bump.planned.GetAttr("state").IsKnown());
  EXPECT_FALSE(bump.planned.GetAttr("manifest_sha256").IsKnown());

  auto digest = Plan(prior, With(prior, "trigger_on_digest", "sha256:new"));
  EXPECT_FALSE(digest.planned.GetAttr("state").IsKnown());

  cty::Value importing = WithValue(prior, "state", cty::Value::String("IMPORTING"));
  EXPECT_FALSE(Plan(importing, importing).planned.GetAttr("state").IsKnown());
  EXPECT_EQ(Plan(prior, prior).planned.GetAttr("state").AsString(), "AVAILABLE");
}

TEST_F(AirResourceTest, CreateRegistersWaitsAndFillsComputedAttributes) {
  Expect("GET", GetPath(kUrl), "", 404, R"({"error_code":"NOT_FOUND"})");
  Expect("POST", kImages, R"({"docker_image_url":"docker.io/org/trainer:1.4"})", 200,
         R"({"image":)" + Registration("PENDING") + "}");
  Expect("GET", GetPath(kUrl), "", 200, Registration("PENDING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("IMPORTING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("AVAILABLE", R"(,"manifest_sha256":"beef")"));
  auto resp = Create(Planned({{"image_url", cty::Value::String("org/trainer:1.4")}}));
  ASSERT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.FirstError();
  EXPECT_EQ(resp.new_state.GetAttr("id").AsString(), kUrl);
  EXPECT_EQ(resp.new_state.GetAttr("image_url").AsString(), "org/trainer:1.4");
  EXPECT_EQ(resp.new_state.GetAttr("state").AsString(), "AVAILABLE");
  EXPECT_EQ(resp.new_state.GetAttr("manifest_sha256").AsString(), "beef");
  EXPECT_TRUE(resp.new_state.GetAttr("status_message").IsNull());
  EXPECT_THAT(resp.new_state.GetAttr("registered_at").AsString(), ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z"));
  EXPECT_TRUE(resp.new_state.IsWhollyKnown());
  EXPECT_TRUE(fake_->AllUsed());
}

TEST_F(AirResourceTest, FailedRegistrationQuotesStatusMessageAndSaysWhatToFix) {
  Expect("GET", GetPath(kUrl), "", 404, R"({"error_code":"NOT_FOUND"})");
  Expect("POST", kImages,
         R"({"docker_image_url":"docker.io/org/trainer:1.4","credentials_scope":"reg","credentials_key":"hub"})", 200,
         Registration("PENDING"));
  Expect("GET", GetPath(kUrl), "", 200,
         Registration("FAILED", R"(,"status_message":"401 Unauthorized: incorrect username or password")"));
  auto resp = Create(Planned({{"image_url", cty::Value::String(kUrl)}, {"secret_scope", cty::Value::String("reg")},
                              {"secret_key", cty::Value::String("hub")}}));
  ASSERT_TRUE(resp.diagnostics.HasError());
  const auto& d = resp.diagnostics.items()[0];
  EXPECT_EQ(d.summary, "Image registration FAILED");
  EXPECT_THAT(d.detail, HasSubstr("incorrect username or password"));
  EXPECT_THAT(d.detail, HasSubstr("bump `credential_version`"));
  EXPECT_EQ(resp.new_state.GetAttr("state").AsString(), "FAILED");
  EXPECT_EQ(resp.diagnostics.items()[0].path->ToString(), "secret_scope");
  EXPECT_TRUE(resp.new_state.IsWhollyKnown());
  EXPECT_TRUE(resp.new_state.GetAttr("registered_at").IsNull());
}

TEST_F(AirResourceTest, MissingSecretIsAnErrorOnSecretScope) {
  Expect("GET", GetPath(kUrl), "", 404, R"({"error_code":"NOT_FOUND"})");
  Expect("POST", kImages, "", 404,
         R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Secret scope reg does not exist"})");
  auto resp = Create(Planned({{"image_url", cty::Value::String(kUrl)}, {"secret_scope", cty::Value::String("reg")},
                              {"secret_key", cty::Value::String("hub")}}));
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_EQ(resp.diagnostics.items()[0].path->ToString(), "secret_scope");
  EXPECT_THAT(resp.diagnostics.items()[0].detail, HasSubstr("Create the secret scope \"reg\""));
  EXPECT_TRUE(resp.new_state.IsNull());
}

TEST_F(AirResourceTest, TimeoutKeepsStateAndTheNextCreateResumesWithoutRegisteringAgain) {
  Expect("GET", GetPath(kUrl), "", 404, R"({"error_code":"NOT_FOUND"})");
  Expect("POST", kImages, "", 200, Registration("PENDING"));
  for (int i = 0; i < 10; ++i) Expect("GET", GetPath(kUrl), "", 200, Registration("IMPORTING"));
  cty::Value planned = Planned({{"image_url", cty::Value::String(kUrl)}, {"timeouts", Timeouts("5s")}});
  auto timed_out = Create(planned);
  ASSERT_TRUE(timed_out.diagnostics.HasError());
  EXPECT_THAT(timed_out.diagnostics.FirstError(), HasSubstr("still IMPORTING"));
  EXPECT_THAT(timed_out.diagnostics.FirstError(), HasSubstr("next apply waits"));
  EXPECT_EQ(timed_out.new_state.GetAttr("state").AsString(), "IMPORTING");
  EXPECT_TRUE(timed_out.new_state.IsWhollyKnown());

  fake_ = std::make_shared<http::FakeTransport>();  // fresh fixtures: no POST may happen now
  SetUpClientOnly();
  Expect("GET", GetPath(kUrl), "", 200, Registration("IMPORTING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("AVAILABLE", R"(,"manifest_sha256":"beef")"));
  auto resumed = Create(planned);
  ASSERT_FALSE(resumed.diagnostics.HasError()) << resumed.diagnostics.FirstError();
  EXPECT_EQ(resumed.new_state.GetAttr("state").AsString(), "AVAILABLE");
  for (const auto& r : fake_->requests()) EXPECT_EQ(r.method, "GET");
}

TEST_F(AirResourceTest, UpdateRegistersAgainResumesOrOnlySaves) {
  auto update = [&](const cty::Value& prior, const cty::Value& planned) {
    fw::ApplyResponse resp;
    resource_->Update({ctx_, planned, planned, prior, ""}, resp);
    return resp;
  };
  auto unknown_computed = [&](cty::Value v) {
    for (const char* n : {"state", "status_message", "manifest_sha256", "registered_at"}) {
      v = WithValue(v, n, cty::Value::Unknown(cty::Type::String()));
    }
    return v;
  };
  // Only unregister_on_destroy changed: nothing is sent.
  cty::Value prior = Prior({{"credential_version", cty::Value::Int(1)}});
  auto saved = update(prior, WithValue(prior, "unregister_on_destroy", cty::Value::Bool(true)));
  EXPECT_TRUE(saved.diagnostics.empty());
  EXPECT_TRUE(saved.new_state.GetAttr("unregister_on_destroy").AsBool());
  EXPECT_TRUE(fake_->requests().empty());

  // credential_version bump: POST (no preliminary GET) and wait.
  Expect("POST", kImages, R"({"docker_image_url":"docker.io/org/trainer:1.4"})", 200, Registration("PENDING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("AVAILABLE", R"(,"manifest_sha256":"cafe")"));
  auto bumped = update(prior, unknown_computed(WithValue(prior, "credential_version", cty::Value::Int(2))));
  ASSERT_FALSE(bumped.diagnostics.HasError()) << bumped.diagnostics.FirstError();
  EXPECT_EQ(bumped.new_state.GetAttr("manifest_sha256").AsString(), "cafe");
  EXPECT_NE(bumped.new_state.GetAttr("registered_at").AsString(), "2026-01-01T00:00:00Z");
  EXPECT_TRUE(fake_->AllUsed());

  // A registration left IMPORTING with unchanged inputs is only waited for;
  // a failure keeps the prior registered_at.
  cty::Value importing = WithValue(prior, "state", cty::Value::String("IMPORTING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("IMPORTING"));
  Expect("GET", GetPath(kUrl), "", 200, Registration("FAILED", R"(,"status_message":"manifest unknown")"));
  auto resumed = update(importing, unknown_computed(importing));
  ASSERT_TRUE(resumed.diagnostics.HasError());
  EXPECT_THAT(resumed.diagnostics.FirstError(), HasSubstr("Check that the image was pushed"));
  EXPECT_EQ(resumed.diagnostics.items()[0].path->ToString(), "image_url");
  EXPECT_EQ(resumed.new_state.GetAttr("state").AsString(), "FAILED");
  EXPECT_EQ(resumed.new_state.GetAttr("registered_at").AsString(), "2026-01-01T00:00:00Z");
  int posts = 0;
  for (const auto& r : fake_->requests()) posts += r.method == "POST";
  EXPECT_EQ(posts, 1);  // the bump's only
}

TEST_F(AirResourceTest, ReadNoticesAVanishedRegistrationAndRefreshesState) {
  Expect("GET", GetPath(kUrl), "", 200, Registration("FAILED", R"(,"status_message":"evicted")"));
  Expect("GET", GetPath(kUrl), "", 404, R"({"error_code":"NOT_FOUND","message":"not registered"})");
  fw::ReadResponse failed;
  resource_->Read({ctx_, Prior({}), ""}, failed);
  ASSERT_FALSE(failed.diagnostics.HasError());
  EXPECT_EQ(failed.new_state.GetAttr("state").AsString(), "FAILED");
  EXPECT_EQ(failed.new_state.GetAttr("status_message").AsString(), "evicted");
  fw::ReadResponse gone;
  gone.new_state = Prior({});
  resource_->Read({ctx_, Prior({}), ""}, gone);
  ASSERT_FALSE(gone.diagnostics.HasError());
  EXPECT_TRUE(gone.new_state.IsNull());
}

TEST_F(AirResourceTest, DeleteForgetsWithAWarningUnlessAskedToUnregister) {
  fw::DeleteResponse kept;
  resource_->Delete({ctx_, Prior({}), ""}, kept);
  ASSERT_EQ(kept.diagnostics.items().size(), 1u);
  EXPECT_FALSE(kept.diagnostics.HasError());
  EXPECT_THAT(kept.diagnostics.items()[0].detail, HasSubstr("keeps the registration"));
  EXPECT_TRUE(fake_->requests().empty());

  const std::string del = std::string(kImages) + ":delete?" + databricks::QueryString({{"docker_image_url", kUrl}});
  Expect("DELETE", del, "", 200, "{}");
  Expect("DELETE", del, "", 404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"No API"})");
  cty::Value prior = WithValue(Prior({}), "unregister_on_destroy", cty::Value::Bool(true));
  fw::DeleteResponse removed;
  resource_->Delete({ctx_, prior, ""}, removed);
  EXPECT_TRUE(removed.diagnostics.empty());
  fw::DeleteResponse unsupported;
  resource_->Delete({ctx_, prior, ""}, unsupported);
  EXPECT_FALSE(unsupported.diagnostics.HasError());
  EXPECT_THAT(unsupported.diagnostics.items().at(0).detail, HasSubstr("does not offer images:delete"));
}

TEST_F(AirResourceTest, ImportTakesTheUrl) {
  auto& importer = dynamic_cast<const fw::ResourceWithImport&>(*resource_);
  fw::ImportResponse ok;
  importer.ImportState({ctx_, "org/trainer:1.4"}, ok);
  ASSERT_FALSE(ok.diagnostics.HasError());
  EXPECT_EQ(ok.state.GetAttr("id").AsString(), kUrl);
  EXPECT_EQ(ok.state.GetAttr("image_url").AsString(), "org/trainer:1.4");
  fw::ImportResponse bad;
  importer.ImportState({ctx_, "Not A Url"}, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());
}

}  // namespace
}  // namespace dcs::resources
