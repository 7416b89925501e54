#include "sdk/server/provider_service.h"

#include "base/log.h"
#include "sdk/server/convert.h"
#include "sdk/server/guard.h"

namespace dcs::server {
namespace {

using Diags = DiagnosticList;

framework::Diagnostics UnknownType(const std::string& kind, const std::string& type) {
  framework::Diagnostics d;
  d.AddError("Unknown " + kind, "This provider has no " + kind + " \"" + type + "\".");
  return d;
}

}  // namespace

ProviderService::ProviderService(framework::Engine& engine) : engine_(engine) {}

grpc::Status ProviderService::GetMetadata(grpc::ServerContext*, const tfplugin6::Metadata::Request*,
                                          tfplugin6::Metadata::Response* resp) {
  return Guard("GetMetadata", resp->mutable_diagnostics(), [&] {
    resp->mutable_server_capabilities()->set_get_provider_schema_optional(false);
    for (const auto& [name, r] : engine_.resources()) resp->add_resources()->set_type_name(name);
    for (const auto& [name, d] : engine_.data_sources()) resp->add_data_sources()->set_type_name(name);
    for (const auto& [name, f] : engine_.functions()) resp->add_functions()->set_name(name);
  });
}

grpc::Status ProviderService::GetProviderSchema(grpc::ServerContext*,
                                                const tfplugin6::GetProviderSchema::Request*,
                                                tfplugin6::GetProviderSchema::Response* resp) {
  return Guard("GetProviderSchema", resp->mutable_diagnostics(), [&] {
    ToProto(engine_.provider().GetSchema(), resp->mutable_provider());
    for (const auto& [name, r] : engine_.resources()) {
      ToProto(r->GetSchema(), &(*resp->mutable_resource_schemas())[name]);
    }
    for (const auto& [name, d] : engine_.data_sources()) {
      ToProto(d->GetSchema(), &(*resp->mutable_data_source_schemas())[name]);
    }
    for (const auto& [name, f] : engine_.functions()) {
      ToProto(f->Definition(), &(*resp->mutable_functions())[name]);
    }
    // Destroys are planned too, so that a resource can say at plan time what
    // its destroy will leave behind (dcs_workspace_conf's kept settings).
    resp->mutable_server_capabilities()->set_plan_destroy(true);
  });
}

grpc::Status ProviderService::GetResourceIdentitySchemas(
    grpc::ServerContext*, const tfplugin6::GetResourceIdentitySchemas::Request*,
    tfplugin6::GetResourceIdentitySchemas::Response* resp) {
  return Guard("GetResourceIdentitySchemas", resp->mutable_diagnostics(), [&] {
    for (const auto& [type, schema] : engine_.IdentitySchemas()) {
      auto& out = (*resp->mutable_identity_schemas())[type];
      out.set_version(schema->version);
      for (const auto& a : schema->attributes) {
        auto* attr = out.add_identity_attributes();
        attr->set_name(a.name);
        attr->set_type(a.type.ToJsonString());
        attr->set_required_for_import(a.required_for_import);
        attr->set_optional_for_import(a.optional_for_import);
        attr->set_description(a.description);
      }
    }
  });
}

grpc::Status ProviderService::ValidateProviderConfig(
    grpc::ServerContext*, const tfplugin6::ValidateProviderConfig::Request* req,
    tfplugin6::ValidateProviderConfig::Response* resp) {
  return Guard("ValidateProviderConfig", resp->mutable_diagnostics(), [&] {
    auto config = FromDynamic(req->config(), engine_.provider().GetSchema().block.ImpliedType());
    if (!config.ok()) return AddDecodeError(config.status(), "provider configuration", resp->mutable_diagnostics());
    ToProto(engine_.ValidateProviderConfig(*config), resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::ConfigureProvider(grpc::ServerContext*,
                                                const tfplugin6::ConfigureProvider::Request* req,
                                                tfplugin6::ConfigureProvider::Response* resp) {
  return Guard("ConfigureProvider", resp->mutable_diagnostics(), [&] {
    auto config = FromDynamic(req->config(), engine_.provider().GetSchema().block.ImpliedType());
    if (!config.ok()) return AddDecodeError(config.status(), "provider configuration", resp->mutable_diagnostics());
    ToProto(engine_.ConfigureProvider(req->terraform_version(), *config, FromProto(req->client_capabilities())),
            resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::ValidateResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateResourceConfig::Request* req,
    tfplugin6::ValidateResourceConfig::Response* resp) {
  return Guard("ValidateResourceConfig", resp->mutable_diagnostics(), [&] {
    const schema::Schema* s = engine_.ResourceSchema(req->type_name());
    if (!s) return ToProto(UnknownType("resource type", req->type_name()), resp->mutable_diagnostics());
    auto config = FromDynamic(req->config(), s->block.ImpliedType());
    if (!config.ok()) return AddDecodeError(config.status(), "resource configuration", resp->mutable_diagnostics());
    ToProto(engine_.ValidateResourceConfig(req->type_name(), *config, FromProto(req->client_capabilities())),
            resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::ValidateDataResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateDataResourceConfig::Request* req,
    tfplugin6::ValidateDataResourceConfig::Response* resp) {
  return Guard("ValidateDataResourceConfig", resp->mutable_diagnostics(), [&] {
    const schema::Schema* s = engine_.DataSourceSchema(req->type_name());
    if (!s) return ToProto(UnknownType("data source", req->type_name()), resp->mutable_diagnostics());
    auto config = FromDynamic(req->config(), s->block.ImpliedType());
    if (!config.ok()) return AddDecodeError(config.status(), "data source configuration", resp->mutable_diagnostics());
    ToProto(engine_.ValidateDataSourceConfig(req->type_name(), *config), resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::ReadDataSource(grpc::ServerContext*,
                                             const tfplugin6::ReadDataSource::Request* req,
                                             tfplugin6::ReadDataSource::Response* resp) {
  return Guard("ReadDataSource", resp->mutable_diagnostics(), [&] {
    const schema::Schema* s = engine_.DataSourceSchema(req->type_name());
    if (!s) return ToProto(UnknownType("data source", req->type_name()), resp->mutable_diagnostics());
    const cty::Type t = s->block.ImpliedType();
    auto config = FromDynamic(req->config(), t);
    if (!config.ok()) return AddDecodeError(config.status(), "data source configuration", resp->mutable_diagnostics());
    framework::ReadDataResponse r = engine_.ReadDataSource(req->type_name(), *config);
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    if (!r.diagnostics.HasError()) EncodeOrReport(r.state, t, resp->mutable_state(), resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::GetFunctions(grpc::ServerContext*, const tfplugin6::GetFunctions::Request*,
                                           tfplugin6::GetFunctions::Response* resp) {
  return Guard("GetFunctions", resp->mutable_diagnostics(), [&] {
    for (const auto& [name, f] : engine_.functions()) {
      ToProto(f->Definition(), &(*resp->mutable_functions())[name]);
    }
  });
}

grpc::Status ProviderService::StopProvider(grpc::ServerContext*, const tfplugin6::StopProvider::Request*,
                                           tfplugin6::StopProvider::Response*) {
  engine_.Stop();
  return grpc::Status::OK;
}

}  // namespace dcs::server
