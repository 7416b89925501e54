// Secrets API 2.0: scopes, secrets (values stored, never returned) and ACLs.
#include <regex>

#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/ids.h"
#include "emulator/json_fields.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

constexpr size_t kMaxValueBytes = 128 * 1024;
constexpr size_t kMaxSecretsPerScope = 1000;
constexpr size_t kMaxScopes = 1000;

absl::Status CheckName(const std::string& value, absl::string_view field) {
  static const std::regex kName(R"(^[A-Za-z0-9_.\-]{1,128}$)");
  if (!std::regex_match(value, kName)) {
    return InvalidParameter(absl::StrCat(
        "Invalid value for field ", field, ": '", value,
        "' must consist of alphanumeric characters, dashes, underscores and periods, and may not "
        "exceed 128 characters."));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NamedField(const Json& body, absl::string_view field) {
  auto v = ReqString(body, field);
  if (!v.ok()) return v.status();
  if (auto s = CheckName(*v, field); !s.ok()) return s;
  return *v;
}

absl::Status ScopeMissing(const std::string& scope) {
  return NotFound(absl::StrCat("Scope ", scope, " does not exist!"));
}

absl::StatusOr<Reply> Empty() { return Reply::Ok(Json::object()); }

absl::StatusOr<SecretScope> ScopeFromRequest(const Json& body, const std::string& creator) {
  auto name = NamedField(body, "scope");
  if (!name.ok()) return name.status();
  auto principal = OptString(body, "initial_manage_principal");
  if (!principal.ok()) return principal.status();
  if (principal->has_value() && **principal != "users") {
    return InvalidParameter("initial_manage_principal must be 'users' when specified");
  }
  auto backend = OptString(body, "scope_backend_type");
  if (!backend.ok()) return backend.status();
  SecretScope scope;
  scope.name = *name;
  scope.backend_type = backend->value_or("DATABRICKS");
  if (scope.backend_type != "DATABRICKS" && scope.backend_type != "AZURE_KEYVAULT") {
    return InvalidParameter(absl::StrCat("Invalid value for field scope_backend_type: ", scope.backend_type));
  }
  if (scope.backend_type == "AZURE_KEYVAULT") {
    auto kv = OptObject(body, "backend_azure_keyvault");
    if (!kv.ok()) return kv.status();
    if (*kv == nullptr) return MissingField("backend_azure_keyvault");
    for (absl::string_view f : {"resource_id", "dns_name"}) {
      auto v = ReqString(**kv, f, absl::StrCat("backend_azure_keyvault.", f));
      if (!v.ok()) return v.status();
    }
    scope.keyvault_metadata = **kv;
  }
  scope.acls[creator] = "MANAGE";
  if (principal->has_value()) scope.acls["users"] = "MANAGE";
  return scope;
}

absl::StatusOr<Reply> CreateScope(ServiceContext& ctx, const ApiRequest& req) {
  auto scope = ScopeFromRequest(req.body, req.principal);
  if (!scope.ok()) return scope.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    if (ws.scopes.count(scope->name)) {
      return AlreadyExists(absl::StrCat("Scope ", scope->name, " already exists!"));
    }
    if (ws.scopes.size() >= kMaxScopes) {
      return ApiError(400, "RESOURCE_LIMIT_EXCEEDED", "Maximum number of secret scopes reached");
    }
    ws.scopes[scope->name] = *scope;
    ws.Touch();
    return Empty();
  });
}

absl::StatusOr<Reply> ListScopes(ServiceContext& ctx, const ApiRequest&) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    Json scopes = Json::array();
    for (const auto& [name, s] : ws.scopes) {
      Json j = {{"name", name}, {"backend_type", s.backend_type}};
      if (!s.keyvault_metadata.is_null()) j["keyvault_metadata"] = s.keyvault_metadata;
      scopes.push_back(j);
    }
    Json body = Json::object();
    if (!scopes.empty()) body["scopes"] = scopes;
    return Reply::Ok(body);
  });
}

absl::StatusOr<Reply> DeleteScope(ServiceContext& ctx, const ApiRequest& req) {
  auto name = ReqString(req.body, "scope");
  if (!name.ok()) return name.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    if (!ws.scopes.erase(*name)) return ScopeMissing(*name);
    ws.Touch();
    return Empty();
  });
}

// Returns the secret value to store (string_value, or validated base64 bytes_value).
absl::StatusOr<Secret> SecretFromRequest(const Json& body, const std::string& key) {
  auto str = OptString(body, "string_value");
  if (!str.ok()) return str.status();
  auto bytes = OptString(body, "bytes_value");
  if (!bytes.ok()) return bytes.status();
  if (str->has_value() == bytes->has_value()) {
    return InvalidParameter("Exactly one of string_value or bytes_value must be specified");
  }
  Secret s;
  s.key = key;
  s.is_bytes = bytes->has_value();
  s.value = s.is_bytes ? **bytes : **str;
  std::string decoded;
  if (s.is_bytes && !absl::Base64Unescape(s.value, &decoded)) {
    return InvalidParameter("Invalid value for field bytes_value: not valid base64");
  }
  size_t size = s.is_bytes ? decoded.size() : s.value.size();
  if (size > kMaxValueBytes) {
    return InvalidParameter(absl::StrCat("Secret value of ", size, " bytes exceeds the limit of ",
                                         kMaxValueBytes, " bytes"));
  }
  s.last_updated_timestamp = NowMs();
  return s;
}

absl::StatusOr<Reply> PutSecret(ServiceContext& ctx, const ApiRequest& req) {
  auto scope = ReqString(req.body, "scope");
  if (!scope.ok()) return scope.status();
  auto key = NamedField(req.body, "key");
  if (!key.ok()) return key.status();
  auto secret = SecretFromRequest(req.body, *key);
  if (!secret.ok()) return secret.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(*scope);
    if (it == ws.scopes.end()) return ScopeMissing(*scope);
    if (it->second.backend_type != "DATABRICKS") {
      return ApiError(400, "BAD_REQUEST", "Azure Key Vault-backed scopes are read-only through this API");
    }
    std::string lower = absl::AsciiStrToLower(*key);
    auto& secrets = it->second.secrets;
    if (!secrets.count(lower) && secrets.size() >= kMaxSecretsPerScope) {
      return ApiError(400, "RESOURCE_LIMIT_EXCEEDED", "Maximum number of secrets in the scope reached");
    }
    if (secrets.count(lower)) secret->key = secrets[lower].key;  // names are case-insensitive
    secrets[lower] = *secret;
    ws.Touch();
    return Empty();
  });
}

absl::StatusOr<Reply> ListSecrets(ServiceContext& ctx, const ApiRequest& req) {
  std::string scope = req.Query("scope");
  if (scope.empty()) return MissingField("scope");
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(scope);
    if (it == ws.scopes.end()) return ScopeMissing(scope);
    Json list = Json::array();
    for (const auto& [k, s] : it->second.secrets) {
      list.push_back({{"key", s.key}, {"last_updated_timestamp", s.last_updated_timestamp}});
    }
    Json body = Json::object();
    if (!list.empty()) body["secrets"] = list;
    return Reply::Ok(body);
  });
}

absl::StatusOr<Reply> DeleteSecret(ServiceContext& ctx, const ApiRequest& req) {
  auto scope = ReqString(req.body, "scope");
  if (!scope.ok()) return scope.status();
  auto key = ReqString(req.body, "key");
  if (!key.ok()) return key.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.scopes.find(*scope);
    if (it == ws.scopes.end()) return ScopeMissing(*scope);
    if (!it->second.secrets.erase(absl::AsciiStrToLower(*key))) {
      return NotFound(absl::StrCat("Secret ", *key, " does not exist in scope ", *scope, "!"));
    }
    ws.Touch();
    return Empty();
  });
}

absl::StatusOr<Reply> GetSecret(ServiceContext&, const ApiRequest&) {
  // Values are only readable from inside a cluster (dbutils); never over this API.
  return ApiError(400, "BAD_REQUEST",
                  "Secret values can only be read from within a command on a cluster");
}

}  // namespace

void RegisterSecretAclRoutes(Router& router, ServiceContext& ctx);

void RegisterSecretRoutes(Router& router, ServiceContext& ctx) {
  auto bind = [&ctx](absl::StatusOr<Reply> (*fn)(ServiceContext&, const ApiRequest&)) {
    return [&ctx, fn](const ApiRequest& req) { return fn(ctx, req); };
  };
  router.Add("POST", "/api/2.0/secrets/scopes/create", bind(CreateScope));
  router.Add("GET", "/api/2.0/secrets/scopes/list", bind(ListScopes));
  router.Add("POST", "/api/2.0/secrets/scopes/delete", bind(DeleteScope));
  router.Add("POST", "/api/2.0/secrets/put", bind(PutSecret));
  router.Add("GET", "/api/2.0/secrets/list", bind(ListSecrets));
  router.Add("POST", "/api/2.0/secrets/delete", bind(DeleteSecret));
  router.Add("GET", "/api/2.0/secrets/get", bind(GetSecret));
  RegisterSecretAclRoutes(router, ctx);
}

}  // namespace dcs::emulator
