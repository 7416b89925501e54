// Engine: managed resource operations and functions.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "sdk/cty/json_codec.h"
#include "sdk/framework/engine.h"
#include "sdk/framework/plan.h"
#include "sdk/framework/walk.h"

namespace dcs::framework {
namespace {

void ReportBug(Diagnostics& d, const std::string& what, const std::string& why) {
  d.AddError("Provider bug: " + what,
             why + " This is a bug in terraform-provider-dcs; please report it with the log "
                   "(TF_LOG=DEBUG).");
}

// Terraform rejects results that are partly unknown or mistyped; catch that
// here with a message that names the resource instead of a protocol error.
void CheckResult(const std::string& type, const schema::Schema& s, const cty::Value& v,
                 Diagnostics& d) {
  if (v.IsNull()) return;
  absl::Status conform = cty::Conform(v, s.block.ImpliedType());
  if (!conform.ok()) {
    ReportBug(d, "invalid " + type + " state", std::string(conform.message()));
  } else if (!v.IsWhollyKnown()) {
    ReportBug(d, "unknown values in " + type + " state",
              "The resource returned values that are still unknown after apply.");
  }
}

std::string PathKey(const cty::Path& p) { return p.ToString(); }

}  // namespace

UpgradeResult Engine::UpgradeResourceState(const std::string& type, int64_t version,
                                           const std::string& raw_json) const {
  UpgradeResult out;
  const Resource* r = FindResource(type, out.diagnostics);
  if (!r) return out;
  const schema::Schema& s = r->GetSchema();
  if (version > s.version) {
    out.diagnostics.AddError("State written by a newer provider",
                             absl::StrCat("The state of this ", type, " has schema version ", version,
                                          " but this provider knows only up to ", s.version,
                                          ". Upgrade terraform-provider-dcs."));
    return out;
  }
  // Same shape so far at every version: attributes that no longer exist are
  // dropped, new ones start null.
  absl::StatusOr<cty::Value> v = cty::DecodeJson(raw_json, s.block.ImpliedType(), true);
  if (!v.ok()) {
    out.diagnostics.AddError("Unreadable state for " + type,
                             "The stored state could not be decoded: " + std::string(v.status().message()));
    return out;
  }
  RegisterSensitiveValues(s.block, *v);
  // No client capabilities here: keep the values older clients store.
  out.state = NullWriteOnly(s.block, *v, /*client_supports_write_only=*/false);
  return out;
}

ReadResponse Engine::ReadResource(const std::string& type, const cty::Value& state,
                                  const std::string& private_data, const ClientCapabilities& client) const {
  ReadResponse resp;
  const Resource* r = FindResource(type, resp.diagnostics);
  if (!r) return resp;
  RegisterSensitiveValues(r->GetSchema().block, state);
  resp.new_state = state;
  resp.private_data = private_data;
  r->Read({MakeContext(client), state, private_data}, resp);
  resp.new_state = NullWriteOnly(r->GetSchema().block, resp.new_state, client.write_only_attributes_allowed);
  CheckResult(type, r->GetSchema(), resp.new_state, resp.diagnostics);
  return resp;
}

PlanResult Engine::PlanResourceChange(const std::string& type, const cty::Value& prior,
                                      const cty::Value& proposed, const cty::Value& config,
                                      const std::string& prior_private,
                                      const ClientCapabilities& client) const {
  PlanResult out;
  const Resource* r = FindResource(type, out.diagnostics);
  if (!r) return out;
  out.planned_private = prior_private;
  for (const cty::Value* v : {&prior, &proposed, &config}) RegisterSensitiveValues(r->GetSchema().block, *v);
  if (proposed.IsNull()) {  // destroy
    out.planned = proposed;
    if (auto* d = dynamic_cast<const ResourceWithDestroyPlan*>(r); d != nullptr && !prior.IsNull()) {
      d->PlanDestroy({MakeContext(client), prior, prior_private}, out.diagnostics);
    }
    return out;
  }
  // Write-only values in the proposal are not changes: compare without them.
  const cty::Value proposal = NullWriteOnly(r->GetSchema().block, proposed, client.write_only_attributes_allowed);
  AttributePlan plan = PlanAttributes(r->GetSchema().block, config, prior, proposal);
  out.planned = plan.planned;
  out.requires_replace = std::move(plan.requires_replace);
  out.diagnostics.Append(plan.diagnostics);
  if (auto* m = dynamic_cast<const ResourceWithModifyPlan*>(r)) {
    ModifyPlanResponse mp{out.planned, {}, {}};
    m->ModifyPlan({MakeContext(client), config, prior, out.planned}, mp);
    out.planned = mp.planned;
    out.requires_replace.insert(out.requires_replace.end(), mp.requires_replace.begin(),
                                mp.requires_replace.end());
    out.diagnostics.Append(mp.diagnostics);
  }
  if (prior.IsNull()) out.requires_replace.clear();  // meaningless on create
  std::sort(out.requires_replace.begin(), out.requires_replace.end(),
            [](const cty::Path& a, const cty::Path& b) { return PathKey(a) < PathKey(b); });
  out.requires_replace.erase(std::unique(out.requires_replace.begin(), out.requires_replace.end()),
                             out.requires_replace.end());
  out.planned = NullWriteOnly(r->GetSchema().block, out.planned, client.write_only_attributes_allowed);
  return out;
}

ApplyResponse Engine::ApplyResourceChange(const std::string& type, const cty::Value& prior,
                                          const cty::Value& planned, const cty::Value& config,
                                          const std::string& planned_private) const {
  ApplyResponse resp;
  const Resource* r = FindResource(type, resp.diagnostics);
  if (!r) return resp;
  // Apply carries no client capabilities; a write-only value left in the
  // plan means the client kept it (no write-only support).
  for (const cty::Value* v : {&prior, &planned, &config}) RegisterSensitiveValues(r->GetSchema().block, *v);
  ClientCapabilities client;
  client.write_only_attributes_allowed = !HasWriteOnlyValues(r->GetSchema().block, planned);
  const Context ctx = MakeContext(client);
  resp.new_state = cty::Value::Null(r->GetSchema().block.ImpliedType());
  if (planned.IsNull()) {
    DeleteResponse del;
    r->Delete({ctx, prior, planned_private}, del);
    resp.diagnostics = del.diagnostics;
    // A failed delete keeps the object in state.
    if (del.diagnostics.HasError()) resp.new_state = prior;
    return resp;
  }
  if (prior.IsNull()) {
    log::Debug("create", {{"type", type}});
    r->Create({ctx, config, planned}, resp);
  } else {
    log::Debug("update", {{"type", type}});
    r->Update({ctx, config, planned, prior, planned_private}, resp);
  }
  resp.new_state = NullWriteOnly(r->GetSchema().block, resp.new_state, client.write_only_attributes_allowed);
  CheckResult(type, r->GetSchema(), resp.new_state, resp.diagnostics);
  return resp;
}

ImportResponse Engine::ImportResourceState(const std::string& type, const std::string& id) const {
  ImportResponse resp;
  const Resource* r = FindResource(type, resp.diagnostics);
  if (!r) return resp;
  const schema::Schema& s = r->GetSchema();
  if (auto* importer = dynamic_cast<const ResourceWithImport*>(r)) {
    importer->ImportState({MakeContext(), id}, resp);
    return resp;
  }
  if (!s.block.FindAttribute("id")) {
    resp.diagnostics.AddError("Import not supported", type + " cannot be imported.");
    return resp;
  }
  resp.state = cty::Value::Object(s.block.ImpliedType(), {{"id", cty::Value::String(id)}});
  return resp;
}

FunctionResult Engine::CallFunction(const std::string& name, const std::vector<cty::Value>& args) const {
  auto it = functions_.find(name);
  if (it == functions_.end()) return {cty::Value(), FunctionError{"unknown function " + name, {}}};
  const FunctionDefinition& def = it->second->Definition();
  if (args.size() != def.parameters.size()) {
    return {cty::Value(), FunctionError{absl::StrCat(name, " takes ", def.parameters.size(),
                                                     " arguments, got ", args.size()), {}}};
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].IsNull() && !def.parameters[i].allow_null) {
      return {cty::Value(), FunctionError{"argument " + def.parameters[i].name + " must not be null",
                                          static_cast<int64_t>(i)}};
    }
  }
  return it->second->Call(args);
}

}  // namespace dcs::framework
