// Secrets API 2.0 ACLs: put, get, list, delete (principal -> READ/WRITE/MANAGE).
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/json_fields.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

absl::Status ScopeMissing(const std::string& scope) {
  return NotFound(absl::StrCat("Scope ", scope, " does not exist!"));
}

absl::StatusOr<Reply> PutAcl(ServiceContext& ctx, const ApiRequest& req) {
  auto scope = ReqString(req.body, "scope");
  if (!scope.ok()) return scope.status();
  auto principal = ReqString(req.body, "principal");
  if (!principal.ok()) return principal.status();
  auto permission = ReqString(req.body, "permission");
  if (!permission.ok()) return permission.status();
  if (*permission != "READ" && *permission != "WRITE" && *permission != "MANAGE") {
    return InvalidParameter(absl::StrCat("Invalid value for field permission: ", *permission,
                                         " (expected READ, WRITE or MANAGE)"));
  }
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(*scope);
    if (it == ws.scopes.end()) return ScopeMissing(*scope);
    it->second.acls[*principal] = *permission;
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> GetAcl(ServiceContext& ctx, const ApiRequest& req) {
  std::string scope = req.Query("scope"), principal = req.Query("principal");
  if (scope.empty()) return MissingField("scope");
  if (principal.empty()) return MissingField("principal");
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(scope);
    if (it == ws.scopes.end()) return ScopeMissing(scope);
    auto acl = it->second.acls.find(principal);
    if (acl == it->second.acls.end()) {
      return NotFound(absl::StrCat("ACL for principal ", principal, " does not exist in scope ", scope));
    }
    return Reply::Ok({{"principal", principal}, {"permission", acl->second}});
  });
}

absl::StatusOr<Reply> ListAcls(ServiceContext& ctx, const ApiRequest& req) {
  std::string scope = req.Query("scope");
  if (scope.empty()) return MissingField("scope");
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(scope);
    if (it == ws.scopes.end()) return ScopeMissing(scope);
    Json items = Json::array();
    for (const auto& [p, perm] : it->second.acls) items.push_back({{"principal", p}, {"permission", perm}});
    return Reply::Ok({{"items", items}});
  });
}

absl::StatusOr<Reply> DeleteAcl(ServiceContext& ctx, const ApiRequest& req) {
  auto scope = ReqString(req.body, "scope");
  if (!scope.ok()) return scope.status();
  auto principal = ReqString(req.body, "principal");
  if (!principal.ok()) return principal.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(*scope);
    if (it == ws.scopes.end()) return ScopeMissing(*scope);
    if (!it->second.acls.erase(*principal)) {
      return NotFound(absl::StrCat("ACL for principal ", *principal, " does not exist in scope ", *scope));
    }
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

}  // namespace

void RegisterSecretAclRoutes(Router& router, ServiceContext& ctx) {
  auto bind = [&ctx](absl::StatusOr<Reply> (*fn)(ServiceContext&, const ApiRequest&)) {
    return [&ctx, fn](const ApiRequest& req) { return fn(ctx, req); };
  };
  router.Add("POST", "/api/2.0/secrets/acls/put", bind(PutAcl));
  router.Add("GET", "/api/2.0/secrets/acls/get", bind(GetAcl));
  router.Add("GET", "/api/2.0/secrets/acls/list", bind(ListAcls));
  router.Add("POST", "/api/2.0/secrets/acls/delete", bind(DeleteAcl));
}

}  // namespace dcs::emulator
