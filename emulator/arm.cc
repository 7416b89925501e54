// Azure Resource Manager, as far as dcs_acr_retention_policy needs it:
//
//   (Entra ID tokens come from entra.cc; ARM accepts those issued for its own
//   URL or https://management.azure.com.)
//   GET   /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}?api-version=V
//   PATCH the same (JSON merge of sku.name and properties.policies.retentionPolicy)
//
// Test control (no auth, like every /_emulator/ route):
//   POST /_emulator/arm/registries  {"subscription","resource_group","name","sku","location"}
//   POST /_emulator/arm/clients     {"tenant","client_id","client_secret"} (entra.cc)
//   GET  /_emulator/arm/registries  every registry as ARM renders it
//
// ARM behaviour reproduced: api-version is required and checked, segment
// names are case-insensitive, errors use {"error":{"code","message"}}, the
// retention policy can only be enabled on the Premium SKU. The exact code and
// text ARM uses for that last error are not documented; ours is an
// approximation (code "RegistrySkuNotSupported" — an assumption).
//
// The state lives in memory (not in the workspace state file).
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "emulator/auth.h"
#include "emulator/identities.h"
#include "emulator/ids.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

const std::set<std::string> kApiVersions = {"2023-07-01", "2025-04-01", "2025-11-01"};

struct ArmRegistry {
  std::string subscription, resource_group, name, sku = "Basic", location = "westeurope";
  int64_t retention_days = 7;
  bool retention_enabled = false;
  std::string retention_updated;
};

struct ArmState {
  std::mutex mu;
  std::map<std::string, ArmRegistry> registries;  // by lower-cased resource path
  std::map<std::string, Json> subscriptions;      // by id, as GET /subscriptions renders them
};

Reply ArmErrorReply(int status, const std::string& code, const std::string& message) {
  Reply r;
  r.status = status;
  r.body = {{"error", {{"code", code}, {"message", message}}}};
  return r;
}

std::string Key(const std::string& sub, const std::string& rg, const std::string& name) {
  return absl::AsciiStrToLower(absl::StrCat(sub, "/", rg, "/", name));
}

std::string Iso(int64_t ms) {
  time_t s = ms / 1000;
  struct tm tm;
  gmtime_r(&s, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json Render(const ArmRegistry& r) {
  Json retention = {{"days", r.retention_days}, {"status", r.retention_enabled ? "enabled" : "disabled"}};
  if (!r.retention_updated.empty()) retention["lastUpdatedTime"] = r.retention_updated;
  return {{"id", absl::StrCat("/subscriptions/", r.subscription, "/resourceGroups/", r.resource_group,
                              "/providers/Microsoft.ContainerRegistry/registries/", r.name)},
          {"name", r.name},
          {"type", "Microsoft.ContainerRegistry/registries"},
          {"location", r.location},
          {"sku", {{"name", r.sku}, {"tier", r.sku}}},
          {"properties",
           {{"loginServer", absl::AsciiStrToLower(r.name) + ".azurecr.io"},
            {"provisioningState", "Succeeded"},
            {"adminUserEnabled", false},
            {"policies",
             {{"retentionPolicy", retention},
              {"quarantinePolicy", {{"status", "disabled"}}},
              {"trustPolicy", {{"type", "Notary"}, {"status", "disabled"}}},
              {"exportPolicy", {{"status", "enabled"}}}}}}}};
}

// Validates auth and api-version and finds the registry; a Reply on failure.
std::optional<Reply> Precheck(ArmState& st, Identities& ids, const ApiRequest& req, std::string* key,
                              std::vector<std::string>* parts) {
  std::string auth = req.Header("authorization");
  if (!absl::StartsWithIgnoreCase(auth, "Bearer ")) {
    return ArmErrorReply(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  }
  {
    std::lock_guard<std::mutex> lock(ids.mu);
    auto t = ids.FindLocked(std::string(absl::StripAsciiWhitespace(auth.substr(7))));
    if (!t) return ArmErrorReply(401, "InvalidAuthenticationToken", "The access token is invalid.");
    // ARM only accepts tokens issued for itself (this emulator's URL stands in for it).
    if (t->resource != ResourceOf(req.base_url) && t->resource != "https://management.azure.com" &&
        t->resource != "https://management.core.windows.net") {
      return ArmErrorReply(401, "InvalidAuthenticationTokenAudience",
                           absl::StrCat("The access token has been obtained for wrong audience or resource '",
                                        t->resource, "'. It should exactly match with one of the allowed audiences '",
                                        req.base_url, "', 'https://management.azure.com/'."));
    }
  }
  const std::string version = req.Query("api-version");
  if (version.empty()) {
    return ArmErrorReply(400, "MissingApiVersionParameter",
                         "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!kApiVersions.count(version)) {
    return ArmErrorReply(400, "InvalidApiVersionParameter",
                         absl::StrCat("The api-version '", version, "' is invalid. The supported versions are '",
                                      absl::StrJoin(kApiVersions, ","), "'."));
  }
  *parts = absl::StrSplit(req.path, '/', absl::SkipEmpty());
  auto is = [](const std::string& a, const char* b) { return absl::EqualsIgnoreCase(a, b); };
  const auto& p = *parts;
  if (p.size() != 8 || !is(p[0], "subscriptions") || !is(p[2], "resourceGroups") || !is(p[4], "providers") ||
      !is(p[5], "Microsoft.ContainerRegistry") || !is(p[6], "registries")) {
    return ArmErrorReply(404, "InvalidResourceType", "The resource type could not be found in the namespace.");
  }
  *key = Key(p[1], p[3], p[7]);
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.registries.count(*key)) {
    bool group = false;
    for (const auto& [k, r] : st.registries) {
      group |= absl::EqualsIgnoreCase(r.subscription, p[1]) && absl::EqualsIgnoreCase(r.resource_group, p[3]);
    }
    if (!group) {
      return ArmErrorReply(404, "ResourceGroupNotFound", absl::StrCat("Resource group '", p[3], "' could not be found."));
    }
    return ArmErrorReply(404, "ResourceNotFound",
                         absl::StrCat("The Resource 'Microsoft.ContainerRegistry/registries/", p[7],
                                      "' under resource group '", p[3], "' was not found."));
  }
  return std::nullopt;
}

absl::StatusOr<Reply> PatchRegistry(ArmState& st, const std::string& key, const Json& body) {
  std::lock_guard<std::mutex> lock(st.mu);
  ArmRegistry r = st.registries[key];
  if (body.contains("sku") && body["sku"].is_object() && body["sku"].contains("name")) {
    const std::string sku = body["sku"].value("name", "");
    if (sku != "Basic" && sku != "Standard" && sku != "Premium") {
      return ArmErrorReply(400, "InvalidSku", absl::StrCat("The sku '", sku, "' is not valid."));
    }
    r.sku = sku;
  }
  const Json* retention = nullptr;
  if (body.contains("properties") && body["properties"].is_object() && body["properties"].contains("policies") &&
      body["properties"]["policies"].is_object() && body["properties"]["policies"].contains("retentionPolicy")) {
    retention = &body["properties"]["policies"]["retentionPolicy"];
  }
  if (retention && retention->is_object()) {
    if (retention->contains("days")) {
      if (!(*retention)["days"].is_number_integer() || (*retention)["days"].get<int64_t>() < 0 ||
          (*retention)["days"].get<int64_t>() > 365) {
        return ArmErrorReply(400, "InvalidRequestContent", "retentionPolicy.days must be an integer from 0 to 365.");
      }
      r.retention_days = (*retention)["days"].get<int64_t>();
    }
    if (retention->contains("status")) {
      r.retention_enabled = absl::AsciiStrToLower((*retention).value("status", "")) == "enabled";
    }
    if (r.retention_enabled && r.sku != "Premium") {
      return ArmErrorReply(400, "RegistrySkuNotSupported",
                           absl::StrCat("The retention policy is only supported for registries with the Premium "
                                        "SKU; registry '", r.name, "' uses the ", r.sku, " SKU."));
    }
    r.retention_updated = Iso(NowMs());
  }
  st.registries[key] = r;
  return Reply::Ok(Render(r));
}

void RegisterAdmin(Router& router, std::shared_ptr<ArmState> st) {
  router.Add("POST", "/_emulator/arm/registries", [st](const ApiRequest& req) -> absl::StatusOr<Reply> {
    ArmRegistry r;
    r.subscription = req.body.value("subscription", "00000000-0000-0000-0000-000000000000");
    r.resource_group = req.body.value("resource_group", "rg");
    r.name = req.body.value("name", "");
    r.sku = req.body.value("sku", "Basic");
    r.location = req.body.value("location", "westeurope");
    if (r.name.empty()) return ArmErrorReply(400, "InvalidRequestContent", "name is required");
    std::lock_guard<std::mutex> lock(st->mu);
    st->registries[Key(r.subscription, r.resource_group, r.name)] = r;
    return Reply::Ok(Render(r));
  }, Access::kPublic);
  router.Add("POST", "/_emulator/arm/subscriptions", [st](const ApiRequest& req) -> absl::StatusOr<Reply> {
    const std::string id = req.body.value("subscription_id", "");
    if (id.empty()) return ArmErrorReply(400, "InvalidRequestContent", "subscription_id is required");
    std::lock_guard<std::mutex> lock(st->mu);
    st->subscriptions[id] = {{"id", "/subscriptions/" + id}, {"subscriptionId", id},
                             {"tenantId", req.body.value("tenant", "")},
                             {"displayName", req.body.value("display_name", id)}, {"state", "Enabled"},
                             {"subscriptionPolicies", {{"locationPlacementId", "Public_2014-09-01"},
                                                       {"quotaId", "PayAsYouGo_2014-09-01"},
                                                       {"spendingLimit", "Off"}}},
                             {"authorizationSource", "RoleBased"}};
    return Reply::Ok(st->subscriptions[id]);
  }, Access::kPublic);
  router.Add("GET", "/_emulator/arm/registries", [st](const ApiRequest&) -> absl::StatusOr<Reply> {
    std::lock_guard<std::mutex> lock(st->mu);
    Json out = Json::array();
    for (const auto& [k, r] : st->registries) out.push_back(Render(r));
    return Reply::Ok({{"value", out}});
  }, Access::kPublic);
}

}  // namespace

void RegisterArmRoutes(Router& router, ServiceContext& ctx) {
  auto st = std::make_shared<ArmState>();
  Identities* ids = ctx.identities;
  RegisterAdmin(router, st);
  // Subscriptions - List (what `az login` reads after signing in).
  router.Add("GET", "/subscriptions", [st, ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
    std::string auth = req.Header("authorization");
    {
      std::lock_guard<std::mutex> lock(ids->mu);
      if (!absl::StartsWithIgnoreCase(auth, "Bearer ") ||
          !ids->FindLocked(std::string(absl::StripAsciiWhitespace(auth.substr(7))))) {
        return ArmErrorReply(401, "InvalidAuthenticationToken", "The access token is invalid.");
      }
    }
    if (req.Query("api-version").empty()) {
      return ArmErrorReply(400, "MissingApiVersionParameter",
                           "The api-version query parameter (?api-version=) is required for all requests.");
    }
    std::lock_guard<std::mutex> lock(st->mu);
    Json value = Json::array();
    for (const auto& [id, sub] : st->subscriptions) value.push_back(sub);
    return Reply::Ok({{"value", value}, {"count", {{"type", "Total"}, {"value", value.size()}}}});
  }, Access::kPublic, false);
  router.AddPrefix("GET", "/subscriptions/", [st, ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
    std::string key;
    std::vector<std::string> parts;
    if (auto fail = Precheck(*st, *ids, req, &key, &parts)) return *fail;
    std::lock_guard<std::mutex> lock(st->mu);
    return Reply::Ok(Render(st->registries[key]));
  }, Access::kPublic);
  router.AddPrefix("PATCH", "/subscriptions/", [st, ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
    std::string key;
    std::vector<std::string> parts;
    if (auto fail = Precheck(*st, *ids, req, &key, &parts)) return *fail;
    return PatchRegistry(*st, key, req.body);
  }, Access::kPublic, true);
}

}  // namespace dcs::emulator
