// Workspace configuration API: GET ?keys=a,b and PATCH {key: "value"}.
// Values are strings stored verbatim; unknown keys are rejected with the
// service's "Invalid keys: [...]" message.
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/json_fields.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

enum class Kind { kBool, kDays, kAny };

struct Key {
  const char* name;
  Kind kind;
  bool empty_allowed;  // some keys refuse "" ("Some values are not allowed")
};

constexpr Key kKeys[] = {
    {"enableDcs", Kind::kBool, true},
    {"enableIpAccessLists", Kind::kBool, false},
    {"maxTokenLifetimeDays", Kind::kDays, false},
    {"enableTokensConfig", Kind::kBool, true},
    {"enableDeprecatedClusterNamedInitScripts", Kind::kBool, true},
    {"enableDeprecatedGlobalInitScripts", Kind::kBool, true},
    {"enableWebTerminal", Kind::kBool, true},
    {"enableGp3", Kind::kBool, false},
    {"enableProjectTypeInWorkspace", Kind::kBool, true},
    {"enforceUserIsolation", Kind::kBool, true},
    {"enableJobViewAcls", Kind::kBool, true},
    {"enforceClusterViewAcls", Kind::kBool, true},
    {"enforceWorkspaceViewAcls", Kind::kBool, true},
    {"storeInteractiveNotebookResultsInCustomerAccount", Kind::kBool, true},
    {"enableResultsDownloading", Kind::kBool, true},
    {"enableNotebookTableClipboard", Kind::kBool, true},
    {"enableExportNotebook", Kind::kBool, true},
    {"enableUploadDataUis", Kind::kBool, true},
    {"enableDbfsFileBrowser", Kind::kBool, true},
    {"enableVerboseAuditLogs", Kind::kBool, true},
};

const Key* FindKey(const std::string& name) {
  for (const Key& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

absl::Status InvalidKeys(const std::vector<std::string>& bad) {
  return InvalidParameter(absl::StrCat("Invalid keys: ", Json(bad).dump()));
}

bool ValueAllowed(const Key& key, const std::string& value) {
  if (value.empty()) return key.empty_allowed;
  switch (key.kind) {
    case Kind::kBool: {
      std::string v = absl::AsciiStrToLower(value);
      return v == "true" || v == "false";
    }
    case Kind::kDays: {
      int days = 0;
      return absl::SimpleAtoi(value, &days) && days >= 1 && days <= 730;
    }
    case Kind::kAny: return true;
  }
  return false;
}

absl::StatusOr<Reply> Get(ServiceContext& ctx, const ApiRequest& req) {
  std::string raw = req.Query("keys");
  if (raw.empty()) return MissingField("keys");
  std::vector<std::string> keys = absl::StrSplit(raw, ',', absl::SkipWhitespace());
  std::vector<std::string> bad;
  for (const auto& k : keys) {
    if (FindKey(k) == nullptr) bad.push_back(k);
  }
  if (!bad.empty()) return InvalidKeys(bad);
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    Json body = Json::object();
    for (const auto& k : keys) {
      auto it = ws.conf.find(k);
      body[k] = it == ws.conf.end() ? Json() : Json(it->second);  // never-set keys read as null
    }
    return Reply::Ok(body);
  });
}

absl::StatusOr<Reply> Patch(ServiceContext& ctx, const ApiRequest& req) {
  std::vector<std::string> bad;
  Json refused = Json::object();
  for (const auto& [k, v] : req.body.items()) {
    const Key* key = FindKey(k);
    if (key == nullptr) {
      bad.push_back(k);
      continue;
    }
    if (!v.is_string()) {
      return InvalidParameter(absl::StrCat("Invalid value for field ", k, ": expected a string but got ",
                                           v.type_name()));
    }
    if (!ValueAllowed(*key, v.get<std::string>())) refused[k] = v;
  }
  if (!bad.empty()) return InvalidKeys(bad);
  if (!refused.empty()) {
    return InvalidParameter(absl::StrCat("Some values are not allowed: ", refused.dump()));
  }
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    for (const auto& [k, v] : req.body.items()) ws.conf[k] = v.get<std::string>();
    if (!req.body.empty()) ws.Touch();
    Reply r;
    r.status = 204;
    r.no_body = true;
    return r;
  });
}

}  // namespace

void RegisterWorkspaceConfRoutes(Router& router, ServiceContext& ctx) {
  router.Add("GET", "/api/2.0/workspace-conf", [&ctx](const ApiRequest& r) { return Get(ctx, r); });
  router.Add("PATCH", "/api/2.0/workspace-conf", [&ctx](const ApiRequest& r) { return Patch(ctx, r); });
}

}  // namespace dcs::emulator
