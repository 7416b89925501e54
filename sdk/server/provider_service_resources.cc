// tfplugin6.Provider: managed-resource RPCs and CallFunction.
#include <exception>
#include <optional>

#include "base/log.h"
#include "sdk/cty/json_codec.h"
#include "sdk/server/convert.h"
#include "sdk/server/guard.h"
#include "sdk/server/provider_service.h"

namespace dcs::server {
namespace {

using Diags = DiagnosticList;

// Decodes several DynamicValues of one type; false (with a diagnostic) on the
// first failure.
bool DecodeAll(const cty::Type& t, Diags* diags,
               std::initializer_list<std::pair<const tfplugin6::DynamicValue*, cty::Value*>> items,
               const char* what) {
  for (const auto& [dv, out] : items) {
    auto v = FromDynamic(*dv, t);
    if (!v.ok()) {
      AddDecodeError(v.status(), what, diags);
      return false;
    }
    *out = *v;
  }
  return true;
}

bool KnownType(framework::Engine& engine, const std::string& type, Diags* diags) {
  if (engine.ResourceSchema(type)) return true;
  auto* d = diags->Add();
  d->set_severity(tfplugin6::Diagnostic::ERROR);
  d->set_summary("Unknown resource type");
  d->set_detail("This provider has no resource type \"" + type + "\".");
  return false;
}

}  // namespace

grpc::Status ProviderService::UpgradeResourceIdentity(grpc::ServerContext*,
                                                      const tfplugin6::UpgradeResourceIdentity::Request* req,
                                                      tfplugin6::UpgradeResourceIdentity::Response* resp) {
  return Guard("UpgradeResourceIdentity", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    framework::UpgradeResult r =
        engine_.UpgradeResourceIdentity(req->type_name(), req->version(), req->raw_identity().json());
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    if (r.diagnostics.HasError()) return;
    EncodeOrReport(r.state, r.state.type(), resp->mutable_upgraded_identity()->mutable_identity_data(),
                   resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::UpgradeResourceState(grpc::ServerContext*,
                                                   const tfplugin6::UpgradeResourceState::Request* req,
                                                   tfplugin6::UpgradeResourceState::Response* resp) {
  return Guard("UpgradeResourceState", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    if (req->raw_state().json().empty()) {
      auto* d = resp->mutable_diagnostics()->Add();
      d->set_severity(tfplugin6::Diagnostic::ERROR);
      d->set_summary("Unsupported state format");
      d->set_detail("This state was written in the pre-0.12 flatmap format, which dcs never wrote.");
      return;
    }
    framework::UpgradeResult r =
        engine_.UpgradeResourceState(req->type_name(), req->version(), req->raw_state().json());
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    if (r.diagnostics.HasError()) return;
    EncodeOrReport(r.state, engine_.ResourceSchema(req->type_name())->block.ImpliedType(),
           resp->mutable_upgraded_state(), resp->mutable_diagnostics());
  });
}

grpc::Status ProviderService::ReadResource(grpc::ServerContext*, const tfplugin6::ReadResource::Request* req,
                                           tfplugin6::ReadResource::Response* resp) {
  return Guard("ReadResource", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    const cty::Type t = engine_.ResourceSchema(req->type_name())->block.ImpliedType();
    cty::Value state;
    if (!DecodeAll(t, resp->mutable_diagnostics(), {{&req->current_state(), &state}}, "resource state")) return;
    framework::ReadResponse r =
        engine_.ReadResource(req->type_name(), state, req->private_(), FromProto(req->client_capabilities()));
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    // On error keep what we had, so a transient failure never drops state.
    const cty::Value& kept = r.diagnostics.HasError() ? state : r.new_state;
    EncodeOrReport(kept, t, resp->mutable_new_state(), resp->mutable_diagnostics());
    resp->set_private_(r.diagnostics.HasError() ? req->private_() : r.private_data);
    if (auto identity = engine_.Identity(req->type_name(), kept); identity && identity->IsWhollyKnown()) {
      EncodeOrReport(*identity, identity->type(), resp->mutable_new_identity()->mutable_identity_data(),
                     resp->mutable_diagnostics());
    }
  });
}

grpc::Status ProviderService::PlanResourceChange(grpc::ServerContext*,
                                                 const tfplugin6::PlanResourceChange::Request* req,
                                                 tfplugin6::PlanResourceChange::Response* resp) {
  return Guard("PlanResourceChange", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    const cty::Type t = engine_.ResourceSchema(req->type_name())->block.ImpliedType();
    cty::Value prior, proposed, config;
    if (!DecodeAll(t, resp->mutable_diagnostics(),
                   {{&req->prior_state(), &prior}, {&req->proposed_new_state(), &proposed}, {&req->config(), &config}},
                   "planning input")) {
      return;
    }
    framework::PlanResult r = engine_.PlanResourceChange(req->type_name(), prior, proposed, config,
                                                         req->prior_private(), FromProto(req->client_capabilities()));
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    if (r.diagnostics.HasError()) return;
    EncodeOrReport(r.planned, t, resp->mutable_planned_state(), resp->mutable_diagnostics());
    for (const auto& p : r.requires_replace) ToProto(p, resp->add_requires_replace());
    resp->set_planned_private(r.planned_private);
    // Only a wholly known identity: OpenTofu 1.12 cannot store an unknown one
    // in a plan (a create then fails with "value is not known"); the apply
    // reports the new object's identity.
    if (auto identity = engine_.Identity(req->type_name(), r.planned); identity && identity->IsWhollyKnown()) {
      EncodeOrReport(*identity, identity->type(), resp->mutable_planned_identity()->mutable_identity_data(),
                     resp->mutable_diagnostics());
    }
  });
}

grpc::Status ProviderService::ApplyResourceChange(grpc::ServerContext*,
                                                  const tfplugin6::ApplyResourceChange::Request* req,
                                                  tfplugin6::ApplyResourceChange::Response* resp) {
  return Guard("ApplyResourceChange", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    const cty::Type t = engine_.ResourceSchema(req->type_name())->block.ImpliedType();
    cty::Value prior, planned, config;
    if (!DecodeAll(t, resp->mutable_diagnostics(),
                   {{&req->prior_state(), &prior}, {&req->planned_state(), &planned}, {&req->config(), &config}},
                   "apply input")) {
      return;
    }
    framework::ApplyResponse r =
        engine_.ApplyResourceChange(req->type_name(), prior, planned, config, req->planned_private());
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    cty::Value out = r.new_state;
    if (!out.IsNull() && !out.IsWhollyKnown()) out = prior;  // never hand back unknowns
    EncodeOrReport(out, t, resp->mutable_new_state(), resp->mutable_diagnostics());
    resp->set_private_(r.private_data);
    if (auto identity = engine_.Identity(req->type_name(), out); identity && identity->IsWhollyKnown()) {
      EncodeOrReport(*identity, identity->type(), resp->mutable_new_identity()->mutable_identity_data(),
                     resp->mutable_diagnostics());
    }
  });
}

grpc::Status ProviderService::ImportResourceState(grpc::ServerContext*,
                                                  const tfplugin6::ImportResourceState::Request* req,
                                                  tfplugin6::ImportResourceState::Response* resp) {
  return Guard("ImportResourceState", resp->mutable_diagnostics(), [&] {
    if (!KnownType(engine_, req->type_name(), resp->mutable_diagnostics())) return;
    const cty::Type t = engine_.ResourceSchema(req->type_name())->block.ImpliedType();
    // `import { identity = {…} }` sends an identity and no ID.
    std::optional<cty::Value> identity;
    if (req->has_identity() && req->id().empty()) {
      auto schemas = engine_.IdentitySchemas();
      auto it = schemas.find(req->type_name());
      const cty::Type it_type = it == schemas.end() ? cty::Type::Object({}) : it->second->ImpliedType();
      auto v = FromDynamic(req->identity().identity_data(), it_type);
      if (!v.ok()) return AddDecodeError(v.status(), "resource identity", resp->mutable_diagnostics());
      identity = *v;
    }
    framework::ImportResponse r = identity ? engine_.ImportResourceByIdentity(req->type_name(), *identity)
                                           : engine_.ImportResourceState(req->type_name(), req->id());
    ToProto(r.diagnostics, resp->mutable_diagnostics());
    if (r.diagnostics.HasError()) return;
    auto* imported = resp->add_imported_resources();
    imported->set_type_name(req->type_name());
    EncodeOrReport(r.state, t, imported->mutable_state(), resp->mutable_diagnostics());
    if (identity) {
      EncodeOrReport(*identity, identity->type(), imported->mutable_identity()->mutable_identity_data(),
                     resp->mutable_diagnostics());
    }
  });
}

grpc::Status ProviderService::MoveResourceState(grpc::ServerContext*,
                                                const tfplugin6::MoveResourceState::Request* req,
                                                tfplugin6::MoveResourceState::Response* resp) {
  auto* d = resp->add_diagnostics();
  d->set_severity(tfplugin6::Diagnostic::ERROR);
  d->set_summary("Move not supported");
  d->set_detail("dcs cannot move state from " + req->source_type_name() + " into " +
                req->target_type_name() + ". Import the remote object into the new resource instead.");
  return grpc::Status::OK;
}

grpc::Status ProviderService::CallFunction(grpc::ServerContext*, const tfplugin6::CallFunction::Request* req,
                                           tfplugin6::CallFunction::Response* resp) {
  try {
    auto it = engine_.functions().find(req->name());
    if (it == engine_.functions().end()) {
      resp->mutable_error()->set_text("unknown function " + req->name());
      return grpc::Status::OK;
    }
    const auto& def = it->second->Definition();
    std::vector<cty::Value> args;
    for (int i = 0; i < req->arguments_size(); ++i) {
      cty::Type t = i < static_cast<int>(def.parameters.size()) ? def.parameters[i].type : cty::Type::Dynamic();
      auto v = FromDynamic(req->arguments(i), t);
      if (!v.ok()) {
        resp->mutable_error()->set_text("invalid argument: " + std::string(v.status().message()));
        resp->mutable_error()->set_function_argument(i);
        return grpc::Status::OK;
      }
      args.push_back(*v);
    }
    framework::FunctionResult r = engine_.CallFunction(req->name(), args);
    if (r.error) {
      resp->mutable_error()->set_text(r.error->text);
      if (r.error->argument) resp->mutable_error()->set_function_argument(*r.error->argument);
      return grpc::Status::OK;
    }
    absl::Status s = ToDynamic(r.value, def.return_type, resp->mutable_result());
    if (!s.ok()) resp->mutable_error()->set_text("provider bug: " + std::string(s.message()));
  } catch (const std::exception& e) {
    resp->mutable_error()->set_text(std::string("internal provider error: ") + e.what());
  }
  return grpc::Status::OK;
}

}  // namespace dcs::server
