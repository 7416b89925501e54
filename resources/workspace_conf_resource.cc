// dcs_workspace_conf: workspace settings through /api/2.0/workspace-conf —
// a typed `enable_dcs` plus `custom_config` for any other key. The values it
// replaced are remembered (private state) and written back on destroy.
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "clients/databricks/workspace_conf_api.h"
#include "resources/api_errors.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/plan_modifiers.h"

namespace dcs::resources {
namespace {

using databricks::StringMap;
using schema::Attribute;
using schema::Mode;
namespace fw = framework;

constexpr char kEnableDcs[] = "enableDcs";
constexpr char kSingletonId[] = "workspace_conf";

schema::Schema WorkspaceConfSchema() {
  schema::Schema s;
  s.block.description =
      "Workspace settings (`/api/2.0/workspace-conf`). `enable_dcs` switches Databricks Container "
      "Services on, which every cluster or pool with a `docker_image` needs; `custom_config` sets any "
      "other key (values are strings, e.g. `\"true\"`).\n\n"
      "Destroying the resource writes back the values the keys had before this resource first "
      "changed them; a key that had no value is reset to `\"\"` (the service default) where the "
      "service accepts that, and left alone otherwise: `enableIpAccessLists`, `maxTokenLifetimeDays` "
      "and `enableGp3` refuse `\"\"`, so they keep their value (the destroy plan warns which keys "
      "and why). An imported resource "
      "has no recorded previous values, so destroying it leaves the settings unchanged.";
  s.block.attributes = {
      Attribute{.name = "id", .type = cty::Type::String(), .mode = Mode::kComputed,
                .description = "Always `workspace_conf` (one per workspace).",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "enable_dcs", .type = cty::Type::Bool(),
                .description = "Databricks Container Services (`enableDcs`). Custom `docker_image` clusters "
                               "and pools fail with FEATURE_DISABLED while this is off."},
      Attribute{.name = "custom_config", .type = cty::Type::Map(cty::Type::String()),
                .description = "Other workspace-conf keys and their string values, e.g. "
                               "`{ enableIpAccessLists = \"true\" }`. Keys the service does not know are "
                               "rejected at plan. Do not repeat `enableDcs` here."},
  };
  return s;
}

// The API values the object asks for.
StringMap Desired(const cty::Value& object) {
  StringMap out;
  if (auto dcs = GetBool(object, "enable_dcs")) out[kEnableDcs] = *dcs ? "true" : "false";
  if (auto custom = GetKnown(object, "custom_config")) {
    for (const auto& [k, v] : custom->Attributes()) {
      if (v.IsKnown() && !v.IsNull()) out[k] = v.AsString();
    }
  }
  return out;
}

std::vector<std::string> KeysOf(const StringMap& m) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return keys;
}

cty::Path PathOfKey(const std::string& key) {
  if (key == kEnableDcs) return cty::Path::Root("enable_dcs");
  return cty::Path::Root("custom_config").Key(key);
}

// The JSON array or object starting at `at` (the service appends text after
// it, e.g. " (HTTP 400, PATCH …)"), or "" when there is none.
std::string BalancedJsonAt(const std::string& text, size_t at) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = at; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return text.substr(at, i - at + 1);
    }
  }
  return "";
}

// The keys an error names: `Invalid keys: ["a"]` or
// `Some values are not allowed: {"a":"x"}` (the service's two messages).
std::vector<std::string> KeysInError(const std::string& message) {
  std::vector<std::string> keys;
  for (const char* marker : {"Invalid keys: ", "Some values are not allowed: "}) {
    size_t at = message.find(marker);
    if (at == std::string::npos) continue;
    size_t open = message.find_first_of("[{", at);
    if (open == std::string::npos) continue;
    auto parsed = nlohmann::json::parse(BalancedJsonAt(message, open), nullptr, false);
    if (parsed.is_array()) {
      for (const auto& k : parsed) if (k.is_string()) keys.push_back(k.get<std::string>());
    } else if (parsed.is_object()) {
      for (const auto& [k, v] : parsed.items()) keys.push_back(k);
    }
  }
  return keys;
}

void AddConfError(framework::Diagnostics& d, const absl::Status& status, const std::string& what) {
  std::vector<std::string> keys = KeysInError(std::string(status.message()));
  if (keys.empty()) {
    AddApiError(d, status, what);
    return;
  }
  for (const auto& key : keys) {
    d.AddError(absl::StrCat("Workspace setting \"", key, "\" rejected"),
               absl::StrCat(status.message(), "\n\nCheck the key's spelling (keys are case-sensitive, e.g. "
                                              "`enableIpAccessLists`) and that the value is one the "
                                              "workspace accepts (booleans are \"true\"/\"false\")."),
               PathOfKey(key));
  }
}

// State from the values read back; keys absent in `read` drop out (drift).
cty::Value ToState(const cty::Value& shape, const StringMap& read) {
  std::map<std::string, cty::Value> attrs;
  attrs["id"] = cty::Value::String(kSingletonId);
  attrs["enable_dcs"] = cty::Value::Null(cty::Type::Bool());
  if (GetKnown(shape, "enable_dcs")) {
    auto it = read.find(kEnableDcs);
    if (it != read.end()) {
      std::string v = absl::AsciiStrToLower(it->second);
      if (v == "true" || v == "false") attrs["enable_dcs"] = cty::Value::Bool(v == "true");
    }
  }
  attrs["custom_config"] = cty::Value::Null(cty::Type::Map(cty::Type::String()));
  if (auto custom = GetKnown(shape, "custom_config")) {
    std::map<std::string, cty::Value> m;
    for (const auto& [k, v] : custom->Attributes()) {
      auto it = read.find(k);
      if (it != read.end()) m[k] = cty::Value::String(it->second);
    }
    attrs["custom_config"] = cty::Value::Map(cty::Type::String(), m);
  }
  return cty::Value::Object(WorkspaceConfSchema().block.ImpliedType(), attrs);
}

// Private state: {"restore": {"key": "previous value" | null}}.
StringMap RestoreFrom(const std::string& private_data) {
  StringMap out;
  auto j = nlohmann::json::parse(private_data.empty() ? "{}" : private_data, nullptr, false);
  if (!j.is_object() || !j.contains("restore") || !j["restore"].is_object()) return out;
  for (const auto& [k, v] : j["restore"].items()) {
    out[k] = v.is_string() ? v.get<std::string>() : "";
  }
  return out;
}

// Keys the service refuses to set to "" (INVALID_PARAMETER_VALUE, "Some values
// are not allowed"): a destroy cannot put back "no value" for them.
bool RefusesEmpty(const std::string& key) {
  static const char* const kKeys[] = {"enableIpAccessLists", "maxTokenLifetimeDays", "enableGp3"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

// Keys a destroy leaves as they are: no previous value, and "" is refused.
std::vector<std::string> KeptOnDestroy(const StringMap& restore) {
  std::vector<std::string> kept;
  for (const auto& [key, previous] : restore) {
    if (previous.empty() && RefusesEmpty(key)) kept.push_back(key);
  }
  return kept;
}

void WarnKept(const std::vector<std::string>& kept, framework::Diagnostics& d) {
  if (kept.empty()) return;
  d.AddWarning("Workspace settings left as they are",
               absl::StrCat("Destroying dcs_workspace_conf leaves ", absl::StrJoin(kept, ", "),
                            " with its current value: the key had no value before this resource set it, and "
                            "the workspace does not accept an empty value for it. Set it explicitly (e.g. with "
                            "the workspace admin settings) if the current value is not wanted."));
}

class WorkspaceConfResource : public fw::Resource, public fw::ResourceWithModifyPlan, public fw::ResourceWithImport,
                              public fw::ResourceWithDestroyPlan, public fw::ResourceWithIdentity {
 public:
  std::string TypeName() const override { return "dcs_workspace_conf"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, framework::Diagnostics& d) const override {
    auto custom = GetKnown(req.config, "custom_config");
    if (custom && custom->Attributes().count(kEnableDcs)) {
      d.AddError("enableDcs belongs in enable_dcs",
                 "Set `enable_dcs = true` instead of custom_config[\"enableDcs\"], so the setting is typed "
                 "and checked.",
                 cty::Path::Root("custom_config").Key(kEnableDcs));
    }
  }

  // Unknown keys are refused by the service already on GET: ask it at plan.
  void ModifyPlan(const fw::ModifyPlanRequest& req, fw::ModifyPlanResponse& resp) const override {
    if (req.planned.IsNull()) return;
    auto custom = GetKnown(req.config, "custom_config");
    if (!custom || custom->Attributes().empty()) return;
    auto clients = ClientsOf(req.ctx);
    if (!clients.ok()) return;
    auto client = (*clients)->Workspace();
    if (!client.ok()) return;  // reported at apply, where credentials are required
    std::vector<std::string> keys;
    for (const auto& [k, v] : custom->Attributes()) keys.push_back(k);
    databricks::WorkspaceConfApi api(**client);
    auto got = api.Get(keys, req.ctx.stop.get());
    if (!got.ok() && !KeysInError(std::string(got.status().message())).empty()) AddConfError(resp.diagnostics, got.status(), "");
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    Apply(req.ctx, req.planned, "", resp);
  }

  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    // Keys dropped from the config go back to what they were before us.
    StringMap restore = RestoreFrom(req.private_data);
    StringMap now = Desired(req.planned);
    StringMap put_back;
    for (const auto& [k, v] : Desired(req.prior)) {
      if (!now.count(k) && restore.count(k)) put_back[k] = restore[k];
    }
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    if (!put_back.empty()) {
      databricks::WorkspaceConfApi api(*client);
      if (auto st = api.Set(put_back, req.ctx.stop.get()); !st.ok()) {
        AddConfError(resp.diagnostics, st, "Restoring removed workspace settings failed");
        return;
      }
    }
    Apply(req.ctx, req.planned, req.private_data, resp);
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    StringMap wanted = Desired(req.state);
    if (wanted.empty()) return;  // nothing managed: nothing to read
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    databricks::WorkspaceConfApi api(*client);
    auto read = api.Get(KeysOf(wanted), req.ctx.stop.get());
    if (!read.ok()) {
      AddConfError(resp.diagnostics, read.status(), "Reading workspace settings failed");
      return;
    }
    resp.new_state = ToState(req.state, *read);
  }

  void PlanDestroy(const fw::DestroyPlanRequest& req, framework::Diagnostics& d) const override {
    StringMap restore = RestoreFrom(req.private_data);
    WarnKept(KeptOnDestroy(restore), d);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    StringMap restore = RestoreFrom(req.private_data);
    // Keys that had no value and are known to refuse "" are never sent: the
    // workspace would answer 400 and log a refused change.
    std::vector<std::string> kept = KeptOnDestroy(restore);
    for (const auto& key : kept) restore.erase(key);
    if (restore.empty()) {
      WarnKept(kept, resp.diagnostics);
      return;
    }
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    databricks::WorkspaceConfApi api(*client);
    auto st = api.Set(restore, req.ctx.stop.get());
    if (st.code() == absl::StatusCode::kInvalidArgument && restore.size() > 1) {
      // Refused (INVALID_PARAMETER_VALUE), whatever the message says: put the
      // keys back one by one so that the others are still restored, and keep
      // the value of those the workspace refuses.
      st = absl::OkStatus();
      for (const auto& [key, value] : restore) {
        absl::Status one = api.Set({{key, value}}, req.ctx.stop.get());
        if (one.code() == absl::StatusCode::kInvalidArgument && value.empty()) {
          kept.push_back(key);
        } else if (!one.ok()) {
          st = one;
          break;
        }
      }
    } else if (st.code() == absl::StatusCode::kInvalidArgument && restore.begin()->second.empty()) {
      kept.push_back(restore.begin()->first);
      st = absl::OkStatus();
    }
    if (!st.ok()) {
      AddConfError(resp.diagnostics, st, "Restoring workspace settings failed");
      return;
    }
    WarnKept(kept, resp.diagnostics);
  }

  // Import id: "workspace_conf" (enable_dcs only) or a comma-separated key
  // list, e.g. "enableDcs,enableIpAccessLists".
  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    std::map<std::string, cty::Value> attrs;
    std::map<std::string, cty::Value> custom;
    bool dcs = req.id == kSingletonId || req.id.empty();
    if (!dcs) {
      for (absl::string_view key : absl::StrSplit(req.id, ',', absl::SkipWhitespace())) {
        std::string k(absl::StripAsciiWhitespace(key));
        if (k == kEnableDcs) dcs = true; else custom[k] = cty::Value::String("");
      }
    }
    attrs["id"] = cty::Value::String(kSingletonId);
    attrs["enable_dcs"] = dcs ? cty::Value::Bool(false) : cty::Value::Null(cty::Type::Bool());
    attrs["custom_config"] = custom.empty() ? cty::Value::Null(cty::Type::Map(cty::Type::String()))
                                            : cty::Value::Map(cty::Type::String(), custom);
    // Read fills the real values; keys it cannot find fail there.
    resp.state = cty::Value::Object(schema_.block.ImpliedType(), attrs);
  }

 private:
  // Records the previous values of keys set for the first time, writes the
  // wanted values and reads them back.
  void Apply(const fw::Context& ctx, const cty::Value& planned, const std::string& private_data,
             fw::ApplyResponse& resp) const {
    auto client = WorkspaceClientOrDiagnose(ctx, resp.diagnostics);
    if (!client) return;
    databricks::WorkspaceConfApi api(*client);
    StringMap wanted = Desired(planned);
    auto j = nlohmann::json::parse(private_data.empty() ? "{}" : private_data, nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
    if (!j.contains("restore") || !j["restore"].is_object()) j["restore"] = nlohmann::json::object();
    std::vector<std::string> fresh;
    for (const auto& [k, v] : wanted) {
      if (!j["restore"].contains(k)) fresh.push_back(k);
    }
    if (!fresh.empty()) {
      auto before = api.Get(fresh, ctx.stop.get());
      if (!before.ok()) {
        AddConfError(resp.diagnostics, before.status(), "Reading workspace settings failed");
        return;
      }
      for (const auto& k : fresh) {
        auto it = before->find(k);
        j["restore"][k] = it == before->end() ? nlohmann::json() : nlohmann::json(it->second);
      }
    }
    if (!wanted.empty()) {
      if (auto st = api.Set(wanted, ctx.stop.get()); !st.ok()) {
        AddConfError(resp.diagnostics, st, "Writing workspace settings failed");
        return;
      }
      log::Info("workspace settings written", {{"keys", absl::StrJoin(KeysOf(wanted), ",")}});
    }
    resp.private_data = j.dump();
    auto read = wanted.empty() ? absl::StatusOr<StringMap>(StringMap{}) : api.Get(KeysOf(wanted), ctx.stop.get());
    if (!read.ok()) {
      AddConfError(resp.diagnostics, read.status(), "Reading workspace settings back failed");
      return;
    }
    resp.new_state = ToState(planned, *read);
  }

  schema::Schema schema_ = WorkspaceConfSchema();
  // The workspace's configuration is one object: its identity is the fixed
  // id; import by identity takes enable_dcs, and custom keys come from config.
  fw::IdentitySchema identity_ = fw::StringIdentity("id", "Always `workspace_conf`.");
};

}  // namespace

std::unique_ptr<framework::Resource> NewWorkspaceConfResource() {
  return std::make_unique<WorkspaceConfResource>();
}

}  // namespace dcs::resources
