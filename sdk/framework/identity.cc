// Resource identity: the defaults of ResourceWithIdentity and the engine's
// identity calls (GetResourceIdentitySchemas, identities of states, import
// and upgrade of identities).
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "sdk/cty/json_codec.h"
#include "sdk/framework/engine.h"
#include "sdk/framework/resource.h"

namespace dcs::framework {

cty::Type IdentitySchema::ImpliedType() const {
  std::map<std::string, cty::Type> attrs;
  for (const auto& a : attributes) attrs[a.name] = a.type;
  return cty::Type::Object(std::move(attrs));
}

IdentitySchema StringIdentity(std::string name, std::string description) {
  IdentitySchema s;
  s.attributes.push_back(IdentityAttribute{.name = std::move(name), .type = cty::Type::String(),
                                           .required_for_import = true, .description = std::move(description)});
  return s;
}

cty::Value ResourceWithIdentity::IdentityFromState(const cty::Value& state) const {
  const IdentitySchema& s = GetIdentitySchema();
  std::map<std::string, cty::Value> attrs;
  for (const auto& a : s.attributes) {
    const cty::Type* t = state.type().attribute_type(a.name);
    attrs[a.name] = t != nullptr && *t == a.type ? state.GetAttr(a.name) : cty::Value::Null(a.type);
  }
  return cty::Value::Object(s.ImpliedType(), std::move(attrs));
}

absl::StatusOr<std::string> ResourceWithIdentity::ImportIdFromIdentity(const cty::Value& identity) const {
  for (const auto& a : GetIdentitySchema().attributes) {
    if (!a.required_for_import) continue;
    const cty::Value& v = identity.GetAttr(a.name);
    if (v.IsNull() || !v.IsKnown() || v.type().kind() != cty::TypeKind::kString || v.AsString().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("the identity needs a non-empty `", a.name, "`"));
    }
    return v.AsString();
  }
  return absl::InvalidArgumentError("this resource type cannot be imported by identity");
}

std::map<std::string, const IdentitySchema*> Engine::IdentitySchemas() const {
  std::map<std::string, const IdentitySchema*> out;
  for (const auto& [type, r] : resources_) {
    if (auto* i = dynamic_cast<const ResourceWithIdentity*>(r.get())) out[type] = &i->GetIdentitySchema();
  }
  return out;
}

std::optional<cty::Value> Engine::Identity(const std::string& type, const cty::Value& state) const {
  auto it = resources_.find(type);
  if (it == resources_.end() || state.IsNull() || !state.IsKnown()) return std::nullopt;
  auto* i = dynamic_cast<const ResourceWithIdentity*>(it->second.get());
  if (i == nullptr) return std::nullopt;
  return i->IdentityFromState(state);
}

ImportResponse Engine::ImportResourceByIdentity(const std::string& type, const cty::Value& identity) const {
  ImportResponse resp;
  auto it = resources_.find(type);
  auto* i = it == resources_.end() ? nullptr : dynamic_cast<const ResourceWithIdentity*>(it->second.get());
  if (i == nullptr) {
    resp.diagnostics.AddError("Import by identity not supported",
                              absl::StrCat(type, " has no resource identity; import it by ID instead."));
    return resp;
  }
  auto id = i->ImportIdFromIdentity(identity);
  if (!id.ok()) {
    resp.diagnostics.AddError("Invalid identity for " + type,
                              absl::StrCat(id.status().message(), ". Set the identity attributes that ",
                                           type, " documents as required for import."));
    return resp;
  }
  return ImportResourceState(type, *id);
}

UpgradeResult Engine::UpgradeResourceIdentity(const std::string& type, int64_t version,
                                              const std::string& raw_json) const {
  UpgradeResult out;
  auto schemas = IdentitySchemas();
  auto it = schemas.find(type);
  if (it == schemas.end()) {
    out.diagnostics.AddError("No identity for " + type, "This provider keeps no identity for " + type + ".");
    return out;
  }
  if (version > it->second->version) {
    out.diagnostics.AddError("Identity written by a newer provider",
                             absl::StrCat("The identity of this ", type, " has version ", version,
                                          " but this provider knows only up to ", it->second->version,
                                          ". Upgrade terraform-provider-dcs."));
    return out;
  }
  auto v = cty::DecodeJson(raw_json, it->second->ImpliedType(), /*ignore_unknown_attributes=*/true);
  if (!v.ok()) {
    out.diagnostics.AddError("Unreadable identity for " + type,
                             "The stored identity could not be decoded: " + std::string(v.status().message()));
    return out;
  }
  out.state = *v;
  return out;
}

}  // namespace dcs::framework
