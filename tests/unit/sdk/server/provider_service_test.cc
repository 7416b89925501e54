// One in-process gRPC test of the tfplugin6 adapter with the real dcs
// provider: encoding, dispatch and bad-input handling over a real channel.
#include "sdk/server/provider_service.h"

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include "resources/provider.h"
#include "sdk/cty/msgpack_codec.h"

namespace dcs::server {
namespace {

class ProviderServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = framework::Engine::Create(resources::NewProvider("0.0.0-test"));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    service_ = std::make_unique<ProviderService>(*engine_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = tfplugin6::Provider::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    matrix_type_ = engine_->DataSourceSchema("dcs_compatibility_matrix")->block.ImpliedType();
  }
  void TearDown() override { server_->Shutdown(); }

  tfplugin6::ReadDataSource::Response ReadMatrix(std::map<std::string, cty::Value> inputs) {
    cty::Value config = cty::Value::Object(matrix_type_, std::move(inputs));
    tfplugin6::ReadDataSource::Request req;
    req.set_type_name("dcs_compatibility_matrix");
    req.mutable_config()->set_msgpack(*cty::EncodeMsgpack(config, matrix_type_));
    tfplugin6::ReadDataSource::Response resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->ReadDataSource(&ctx, req, &resp).ok());
    return resp;
  }

  std::unique_ptr<framework::Engine> engine_;
  std::unique_ptr<ProviderService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<tfplugin6::Provider::Stub> stub_;
  cty::Type matrix_type_;
};

TEST_F(ProviderServiceTest, SchemaListsDataSourceFunctionsAndProviderBlock) {
  grpc::ClientContext ctx;
  tfplugin6::GetProviderSchema::Response resp;
  ASSERT_TRUE(stub_->GetProviderSchema(&ctx, {}, &resp).ok());
  EXPECT_TRUE(resp.has_provider());
  EXPECT_EQ(resp.diagnostics_size(), 0);
  ASSERT_TRUE(resp.data_source_schemas().count("dcs_compatibility_matrix"));
  EXPECT_TRUE(resp.functions().count("cuda_min_driver"));
  EXPECT_TRUE(resp.functions().count("cuda_compatible"));
  const auto& block = resp.data_source_schemas().at("dcs_compatibility_matrix").block();
  bool saw_checks = false;
  for (const auto& a : block.attributes()) {
    if (a.name() == "checks") {
      saw_checks = true;
      EXPECT_TRUE(a.computed());
      EXPECT_FALSE(a.optional());
    }
    if (a.name() == "cuda_extensions") {
      EXPECT_EQ(a.nested_type().nesting(), tfplugin6::Schema::Object::LIST);
    }
  }
  EXPECT_TRUE(saw_checks);
}

TEST_F(ProviderServiceTest, ReadDataSourceReturnsChecks) {
  auto resp = ReadMatrix({{"cuda_version", cty::Value::String("12.4")},
                          {"host_driver_version", cty::Value::String("550.54.15")},
                          {"fail_on", cty::Value::String("never")}});
  ASSERT_FALSE(resp.state().msgpack().empty());
  auto state = cty::DecodeMsgpack(resp.state().msgpack(), matrix_type_);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_TRUE(state->IsWhollyKnown());
  EXPECT_EQ(state->GetAttr("min_driver_version").AsString(), "550.54.14");
  bool found = false;
  for (const auto& c : state->GetAttr("checks").Elements()) {
    if (c.GetAttr("name").AsString() == "cuda_driver") {
      found = true;
      EXPECT_EQ(c.GetAttr("status").AsString(), "OK");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ProviderServiceTest, FailingCheckIsAnErrorOnTheAttribute) {
  auto resp = ReadMatrix({{"cuda_version", cty::Value::String("13.0")},
                          {"host_driver_version", cty::Value::String("550.54.15")}});
  bool error = false;
  for (const auto& d : resp.diagnostics()) {
    if (d.severity() == tfplugin6::Diagnostic::ERROR && d.summary().find("cuda_driver") != std::string::npos) {
      error = true;
      ASSERT_GT(d.attribute().steps_size(), 0);
    }
  }
  EXPECT_TRUE(error);
}

TEST_F(ProviderServiceTest, MalformedMsgpackIsADiagnostic) {
  tfplugin6::ReadDataSource::Request req;
  req.set_type_name("dcs_compatibility_matrix");
  req.mutable_config()->set_msgpack(std::string("\x8f\xa1", 2));  // truncated map
  tfplugin6::ReadDataSource::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ReadDataSource(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
}

TEST_F(ProviderServiceTest, NonVersionInputIsADiagnosticOnThatAttribute) {
  cty::Value config = cty::Value::Object(matrix_type_, {{"cuda_version", cty::Value::String("12.x.y")}});
  tfplugin6::ValidateDataResourceConfig::Request req;
  req.set_type_name("dcs_compatibility_matrix");
  req.mutable_config()->set_msgpack(*cty::EncodeMsgpack(config, matrix_type_));
  tfplugin6::ValidateDataResourceConfig::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ValidateDataResourceConfig(&ctx, req, &resp).ok());
  ASSERT_GE(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).attribute().steps(0).attribute_name(), "cuda_version");
}

TEST_F(ProviderServiceTest, FunctionsAnswerAndReportBadArguments) {
  auto call = [&](std::vector<std::string> args) {
    tfplugin6::CallFunction::Request req;
    req.set_name(args.size() == 1 ? "cuda_min_driver" : "cuda_compatible");
    for (const auto& a : args) {
      req.add_arguments()->set_msgpack(*cty::EncodeMsgpack(cty::Value::String(a), cty::Type::String()));
    }
    tfplugin6::CallFunction::Response resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->CallFunction(&ctx, req, &resp).ok());
    return resp;
  };
  auto min = call({"12.4"});
  ASSERT_FALSE(min.has_error()) << min.error().text();
  EXPECT_EQ(cty::DecodeMsgpack(min.result().msgpack(), cty::Type::String())->AsString(), "550.54.14");
  auto ok = call({"13.0", "550.54.15"});
  ASSERT_FALSE(ok.has_error()) << ok.error().text();
  EXPECT_FALSE(cty::DecodeMsgpack(ok.result().msgpack(), cty::Type::Bool())->AsBool());
  auto bad = call({"abc"});
  EXPECT_TRUE(bad.has_error());
}

TEST_F(ProviderServiceTest, UnknownTypesAndUnservedRpcsDoNotCrash) {
  tfplugin6::ReadResource::Request req;
  req.set_type_name("dcs_nothing");
  tfplugin6::ReadResource::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ReadResource(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
}

}  // namespace
}  // namespace dcs::server

#include "sdk/server/convert.h"
#include "sdk/server/guard.h"

namespace dcs::server {
namespace {

// Issue 14: a diagnostic quoting outside text with invalid UTF-8 made protobuf
// refuse the whole reply. Diagnostics are scrubbed before serialisation, both
// from framework::Diagnostics and when written straight into a reply.
TEST(DiagnosticsUtf8Test, InvalidUtf8NeverReachesTheReply) {
  framework::Diagnostics d;
  d.AddError("bad \xc3", "body: a\xc3\xa9\xc3");
  tfplugin6::ApplyResourceChange::Response resp;
  ToProto(d, resp.mutable_diagnostics());
  std::string wire;
  EXPECT_TRUE(resp.SerializeToString(&wire));
  EXPECT_EQ(resp.diagnostics(0).detail(), "body: a\xc3\xa9\xef\xbf\xbd");

  tfplugin6::ReadResource::Response direct;
  (void)Guard("ReadResource", direct.mutable_diagnostics(), [&] {
    direct.add_diagnostics()->set_detail(std::string("raw \x89\x89"));
  });
  EXPECT_TRUE(direct.SerializeToString(&wire));
  EXPECT_EQ(direct.diagnostics(0).detail(), "raw \xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace dcs::server
