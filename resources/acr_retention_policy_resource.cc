// dcs_acr_retention_policy: ACR's registry-level retention of untagged
// manifests (properties.policies.retentionPolicy) through Azure Resource
// Manager, with Entra ID client-credentials auth.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "clients/azure/azure.h"
#include "resources/api_errors.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/resource.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using cty::Path;
using cty::Value;
using schema::Attribute;
using schema::Mode;

schema::Schema PolicySchema() {
  const cty::Type S = cty::Type::String();
  schema::Schema s;
  s.block.description =
      "The retention policy of an Azure Container Registry: untagged manifests are deleted `days` "
      "after they lose their last tag. Set through Azure Resource Manager "
      "(`properties.policies.retentionPolicy`, api-version " +
      std::string(azure::kRegistryApiVersion) +
      "); the registry must use the **Premium** SKU. Authenticates with the provider's Azure identity: "
      "the Microsoft Entra ID methods of the credential chain (`azure-client-secret` with `ARM_CLIENT_ID`, "
      "`ARM_CLIENT_SECRET`, `ARM_TENANT_ID`; `azure-msi`; `github-oidc-azure`; `azure-oidc`; `azure-cli`). "
      "Destroying the resource disables the policy. Import by "
      "registry resource id.";
  s.block.attributes = {
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed, .description = "The registry resource id.", .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "registry_id", .type = S, .mode = Mode::kRequired, .description = "Resource id of the registry: `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>`.", .plan_modifiers = {fw::RequiresReplace()}},
      Attribute{.name = "days", .type = cty::Type::Number(), .mode = Mode::kOptionalComputed, .description = "Days an untagged manifest is kept (0–365, default 7).", .validators = {fw::IntBetween(0, 365)}, .default_value = cty::Value::Int(7)},
      Attribute{.name = "enabled", .type = cty::Type::Bool(), .mode = Mode::kOptionalComputed, .description = "Whether the policy is enabled (default `true`).", .default_value = cty::Value::Bool(true)},
      Attribute{.name = "sku", .type = S, .mode = Mode::kComputed, .description = "SKU of the registry as ARM reports it.", .plan_modifiers = {fw::UseStateForUnknown()}},
  };
  return s;
}

std::shared_ptr<azure::ArmClient> ArmClientOrDiagnose(const fw::Context& ctx, fw::Diagnostics& d) {
  const ProviderClients* clients = ClientsOrDiagnose(ctx, d);
  if (clients == nullptr) return nullptr;
  auto client = clients->ResourceManager();
  if (!client.ok()) {
    d.AddError("Azure credentials missing", std::string(client.status().message()), Path::Root("registry_id"));
    return nullptr;
  }
  return *client;
}

void AddArmError(fw::Diagnostics& d, const absl::Status& s, const std::string& summary) {
  std::string detail(s.message());
  if (s.code() == absl::StatusCode::kUnauthenticated) {
    absl::StrAppend(&detail, "\n\nCheck the Azure identity the provider signs in with (ARM_CLIENT_ID, "
                    "ARM_CLIENT_SECRET, ARM_TENANT_ID; or the managed identity, federated token or `az login`).");
  } else if (s.code() == absl::StatusCode::kPermissionDenied) {
    absl::StrAppend(&detail, "\n\nThe service principal needs a role that may write the registry (e.g. Contributor).");
  }
  d.AddError(summary, detail, Path::Root("registry_id"));
}

class AcrRetentionPolicyResource : public fw::Resource, public fw::ResourceWithImport, public fw::ResourceWithIdentity {
 public:
  AcrRetentionPolicyResource() : schema_(PolicySchema()) {}
  std::string TypeName() const override { return "dcs_acr_retention_policy"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, fw::Diagnostics& d) const override {
    if (auto id = GetString(req.config, "registry_id")) {
      auto parsed = azure::ParseRegistryId(*id);
      if (!parsed.ok()) d.AddError("Invalid registry id", std::string(parsed.status().message()), Path::Root("registry_id"));
    }
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    Apply(req.ctx, req.planned, resp);
  }
  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    Apply(req.ctx, req.planned, resp);
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    resp.new_state = req.state;
    auto id = azure::ParseRegistryId(GetString(req.state, "registry_id").value_or(""));
    if (!id.ok()) {
      resp.diagnostics.AddError("Invalid registry id", std::string(id.status().message()), Path::Root("registry_id"));
      return;
    }
    auto client = ArmClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    auto info = client->GetRegistry(*id);
    if (!info.ok()) {
      if (info.status().code() == absl::StatusCode::kNotFound) {
        resp.new_state = Value::Null(schema_.block.ImpliedType());
        return;
      }
      AddArmError(resp.diagnostics, info.status(), "Cannot read the registry");
      return;
    }
    resp.new_state = ToState(GetString(req.state, "registry_id").value_or(""), *info);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    auto id = azure::ParseRegistryId(GetString(req.prior, "registry_id").value_or(""));
    if (!id.ok()) return;
    auto client = ArmClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    auto done = client->SetRetentionPolicy(*id, {GetInt(req.prior, "days").value_or(7), false});
    if (!done.ok() && done.status().code() != absl::StatusCode::kNotFound) {
      AddArmError(resp.diagnostics, done.status(), "Cannot disable the retention policy");
    }
  }

  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    auto id = azure::ParseRegistryId(req.id);
    if (!id.ok()) {
      resp.diagnostics.AddError("Invalid import id", std::string(id.status().message()));
      return;
    }
    resp.state = Value::Object(schema_.block.ImpliedType(),
                               {{"id", Value::String(req.id)}, {"registry_id", Value::String(req.id)}});
  }

 private:
  Value ToState(const std::string& registry_id, const azure::RegistryInfo& info) const {
    return Value::Object(schema_.block.ImpliedType(),
                         {{"id", Value::String(registry_id)},
                          {"registry_id", Value::String(registry_id)},
                          {"days", Value::Int(info.retention.days)},
                          {"enabled", Value::Bool(info.retention.enabled)},
                          {"sku", Value::String(info.sku)}});
  }

  void Apply(const fw::Context& ctx, const Value& planned, fw::ApplyResponse& resp) const {
    const std::string registry_id = GetString(planned, "registry_id").value_or("");
    auto id = azure::ParseRegistryId(registry_id);
    if (!id.ok()) {
      resp.diagnostics.AddError("Invalid registry id", std::string(id.status().message()), Path::Root("registry_id"));
      return;
    }
    auto client = ArmClientOrDiagnose(ctx, resp.diagnostics);
    if (!client) return;
    auto info = client->GetRegistry(*id);
    if (!info.ok()) {
      AddArmError(resp.diagnostics, info.status(), "Cannot read the registry");
      return;
    }
    if (info->sku != "Premium") {
      resp.diagnostics.AddError(
          "Retention policy needs a Premium registry",
          absl::StrCat("Registry ", id->name, " uses the ", info->sku.empty() ? "unknown" : info->sku,
                       " SKU; Azure only offers the retention policy for untagged manifests on Premium. "
                       "Upgrade the registry (sku = \"Premium\") or remove this resource; for other SKUs, "
                       "prune tags with dcs_image's `retention` block or `acr purge`."),
          Path::Root("registry_id"));
      return;
    }
    azure::RetentionPolicy policy{GetInt(planned, "days").value_or(7), GetBool(planned, "enabled").value_or(true)};
    auto updated = client->SetRetentionPolicy(*id, policy);
    if (!updated.ok()) {
      AddArmError(resp.diagnostics, updated.status(), "Cannot set the retention policy");
      return;
    }
    resp.new_state = ToState(registry_id, *updated);
  }

  schema::Schema schema_;
  fw::IdentitySchema identity_ = fw::StringIdentity(
      "registry_id", "The registry's Azure resource id (/subscriptions/…/registries/<name>).");
};

}  // namespace

std::unique_ptr<framework::Resource> NewAcrRetentionPolicyResource() {
  return std::make_unique<AcrRetentionPolicyResource>();
}

}  // namespace dcs::resources
