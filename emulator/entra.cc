// Microsoft Entra ID and the Azure instance metadata service, as far as the
// credential methods need them, plus the identity admin routes:
//
//   POST /entra/{tenant}/oauth2/v2.0/token   client_credentials with
//        client_secret, or with client_assertion_type=
//        urn:ietf:params:oauth:client-assertion-type:jwt-bearer and
//        client_assertion=<JWT> checked (RS256 against the issuer's JWKS,
//        exp/nbf, iss, aud, sub) against the app's federated credentials;
//        scope=<resource>/.default. Point AZURE_AUTHORITY_HOST /
//        ARM_ENVIRONMENT_AUTHORITY_URL at <emulator>/entra.
//   POST /entra/{tenant}/oauth2/token        the v1 form (resource=<resource>).
//   GET  /metadata/identity/oauth2/token?api-version=…&resource=…[&client_id=…]
//        with "Metadata: true": a managed identity's token (IMDS shape:
//        expires_in/expires_on as strings). Point ARM_MSI_ENDPOINT here.
//
// Admin (no auth):
//   POST /_emulator/identity/apps    {"tenant","client_id","client_secret"?,
//                                     "federated":[{"issuer","subject","audiences"}]}
//        (POST /_emulator/arm/clients is the older name, secret only)
//   POST /_emulator/identity/managed {"client_id"?: user-assigned id (absent = system-assigned), "principal"}
//   POST /_emulator/identity/federation-policies {"client_id"?, "issuer", "subject", "audiences"}
//
// Errors use Entra's shape {"error","error_description","error_codes"} with
// the AADSTS codes Entra documents for these cases (AADSTS700016 unknown
// app, AADSTS7000215 bad secret, AADSTS700211 issuer, AADSTS700212
// audience, AADSTS70021 subject, AADSTS700024 expired assertion).
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/auth.h"
#include "emulator/identities.h"
#include "emulator/ids.h"
#include "emulator/jwt.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

Reply EntraError(int status, const std::string& error, int code, const std::string& description) {
  Reply r;
  r.status = status;
  r.body = {{"error", error},
            {"error_description", absl::StrCat("AADSTS", code, ": ", description)},
            {"error_codes", {code}},
            {"timestamp", NowMs() / 1000}};
  return r;
}

std::vector<std::string> Audiences(const Json& body) {
  std::vector<std::string> out;
  if (body.contains("audiences") && body["audiences"].is_array()) {
    for (const Json& a : body["audiences"]) {
      if (a.is_string()) out.push_back(a.get<std::string>());
    }
  }
  return out;
}

TrustedIssuer TrustOf(const Json& body) {
  return TrustedIssuer{body.value("issuer", ""), body.value("subject", ""), Audiences(body)};
}

// Checks a client assertion against the app's federated credentials.
std::optional<Reply> CheckAssertion(const EntraApp& app, const std::string& client_id, const std::string& jwt) {
  auto peek = PeekJwt(jwt);
  if (!peek.ok()) {
    return EntraError(400, "invalid_client", 50027, absl::StrCat("JWT token is invalid or malformed (",
                                                                 peek.status().message(), ")."));
  }
  const std::string iss = peek->claims.value("iss", "");
  std::string last = "No matching federated identity record found for presented assertion issuer '" + iss + "'.";
  int code = 700211;
  for (const TrustedIssuer& t : app.federated) {
    if (t.issuer != iss) continue;
    auto verified = VerifyJwt(jwt, JwtExpectation{t.issuer, t.subject, t.audiences}, NowMs() / 1000);
    if (verified.ok()) return std::nullopt;
    const std::string why(verified.status().message());
    if (absl::StartsWith(why, "audience")) {
      code = 700212;
      last = absl::StrCat("No matching federated identity record found for presented assertion audience (", why, ").");
    } else if (absl::StartsWith(why, "subject")) {
      code = 70021;
      last = absl::StrCat("No matching federated identity record found for presented assertion (", why,
                          "). Check your federated identity credential Subject, Audience and Issuer against the "
                          "presented assertion.");
    } else if (absl::StartsWith(why, "expired")) {
      code = 700024;
      last = absl::StrCat("Client assertion is not within its valid time range (", why, ").");
    } else {
      code = 5002738;
      last = absl::StrCat("Client assertion failed validation (", why, ").");
    }
  }
  (void)client_id;
  return EntraError(401, "invalid_client", code, last);
}

absl::StatusOr<Reply> IssueEntraToken(Identities& ids, const ApiRequest& req) {
  // /entra/{tenant}/oauth2/v2.0/token or /entra/{tenant}/oauth2/token
  std::vector<std::string> parts = absl::StrSplit(req.path, '/', absl::SkipEmpty());
  const bool v2 = parts.size() == 5 && parts[2] == "oauth2" && parts[3] == "v2.0" && parts[4] == "token";
  const bool v1 = parts.size() == 4 && parts[2] == "oauth2" && parts[3] == "token";
  if (!v1 && !v2) return EntraError(404, "not_found", 90002, "unknown Entra ID endpoint");
  const std::string tenant = parts[1];
  auto form = ParseForm(req.raw_body);
  if (form["grant_type"] != "client_credentials") {
    return EntraError(400, "unsupported_grant_type", 70003, "Only client_credentials is supported here.");
  }
  const std::string resource = ResourceOf(v2 ? form["scope"] : form["resource"]);
  if (resource.empty()) {
    return EntraError(400, "invalid_request", 90014,
                      absl::StrCat("The request body must contain the following parameter: '",
                                   v2 ? "scope" : "resource", "'."));
  }
  const std::string client_id = form["client_id"];
  std::lock_guard<std::mutex> lock(ids.mu);
  auto app = ids.apps.find(client_id);
  if (app == ids.apps.end() || app->second.tenant != tenant) {
    return EntraError(400, "unauthorized_client", 700016,
                      absl::StrCat("Application with identifier '", client_id, "' was not found in the directory '",
                                   tenant, "'."));
  }
  if (!form["client_assertion"].empty()) {
    if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return EntraError(400, "invalid_request", 50012, "Invalid client_assertion_type.");
    }
    if (auto refused = CheckAssertion(app->second, client_id, form["client_assertion"])) return *refused;
  } else if (app->second.secret.empty() || app->second.secret != form["client_secret"]) {
    return EntraError(401, "invalid_client", 7000215, "Invalid client secret provided.");
  }
  const std::string token = ids.IssueLocked(client_id, resource);
  Json body = {{"token_type", "Bearer"}, {"expires_in", ids.token_ttl_seconds},
               {"ext_expires_in", ids.token_ttl_seconds}, {"access_token", token}};
  if (v1) {
    body["expires_in"] = std::to_string(ids.token_ttl_seconds);
    body["resource"] = resource;
  }
  return Reply::Ok(body);
}

absl::StatusOr<Reply> ManagedIdentityToken(Identities& ids, const ApiRequest& req) {
  if (req.Header("metadata") != "true") {
    return EntraError(400, "invalid_request", 0, "Required metadata header not specified");
  }
  if (req.Query("api-version").empty()) return EntraError(400, "invalid_request", 0, "Required api-version missing");
  const std::string resource = ResourceOf(req.Query("resource"));
  if (resource.empty()) return EntraError(400, "invalid_request", 0, "Required resource parameter missing");
  const std::string client_id = req.Query("client_id");
  std::lock_guard<std::mutex> lock(ids.mu);
  auto it = ids.managed.find(client_id);
  if (it == ids.managed.end()) {
    return EntraError(400, "invalid_request", 0,
                      client_id.empty() ? "Identity not found" : "Identity not found for client_id " + client_id);
  }
  const std::string token = ids.IssueLocked(it->second, resource);
  const int64_t ttl = ids.token_ttl_seconds;
  return Reply::Ok({{"access_token", token},
                    {"client_id", client_id.empty() ? "system-assigned" : client_id},
                    {"expires_in", std::to_string(ttl)},
                    {"expires_on", std::to_string(NowMs() / 1000 + ttl)},
                    {"ext_expires_in", std::to_string(ttl)},
                    {"not_before", std::to_string(NowMs() / 1000)},
                    {"resource", resource},
                    {"token_type", "Bearer"}});
}

void RegisterIdentityAdmin(Router& router, Identities* ids) {
  auto add_app = [ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
    const std::string id = req.body.value("client_id", "");
    if (id.empty()) return EntraError(400, "invalid_request", 0, "client_id is required");
    EntraApp app{req.body.value("tenant", ""), req.body.value("client_secret", ""), {}};
    if (req.body.contains("federated") && req.body["federated"].is_array()) {
      for (const Json& f : req.body["federated"]) app.federated.push_back(TrustOf(f));
    }
    std::lock_guard<std::mutex> lock(ids->mu);
    ids->apps[id] = std::move(app);
    return Reply::Ok({{"client_id", id}});
  };
  router.Add("POST", "/_emulator/identity/apps", add_app, Access::kPublic);
  router.Add("POST", "/_emulator/arm/clients", add_app, Access::kPublic);
  router.Add("POST", "/_emulator/identity/managed", [ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
    const std::string principal = req.body.value("principal", "");
    if (principal.empty()) return EntraError(400, "invalid_request", 0, "principal is required");
    std::lock_guard<std::mutex> lock(ids->mu);
    ids->managed[req.body.value("client_id", "")] = principal;
    return Reply::Ok({{"principal", principal}});
  }, Access::kPublic);
  router.Add("POST", "/_emulator/identity/federation-policies",
             [ids](const ApiRequest& req) -> absl::StatusOr<Reply> {
               FederationPolicy p{req.body.value("client_id", ""), TrustOf(req.body)};
               if (p.trust.issuer.empty() || p.trust.subject.empty() || p.trust.audiences.empty()) {
                 return EntraError(400, "invalid_request", 0, "issuer, subject and audiences are required");
               }
               std::lock_guard<std::mutex> lock(ids->mu);
               ids->policies.push_back(std::move(p));
               return Reply::Ok({{"policies", ids->policies.size()}});
             },
             Access::kPublic);
}

}  // namespace

std::string Identities::IssueLocked(const std::string& principal, const std::string& resource) {
  std::string token = "entra-" + RandomToken(48, true);
  tokens[token] = EntraToken{principal, resource, NowMs() + token_ttl_seconds * 1000};
  return token;
}

std::optional<EntraToken> Identities::FindLocked(const std::string& token) const {
  auto it = tokens.find(token);
  if (it == tokens.end() || it->second.expires_ms <= NowMs()) return std::nullopt;
  return it->second;
}

std::string ResourceOf(const std::string& scope_or_resource) {
  std::string r = scope_or_resource;
  if (absl::EndsWith(r, "/.default")) r.resize(r.size() - 9);
  while (!r.empty() && r.back() == '/') r.pop_back();
  return r;
}

namespace {

// GET /entra/{tenant}/v2.0/.well-known/openid-configuration (and the v1
// /entra/{tenant}/.well-known/openid-configuration): what MSAL reads first.
absl::StatusOr<Reply> OpenIdConfiguration(const ApiRequest& req) {
  std::vector<std::string> parts = absl::StrSplit(req.path, '/', absl::SkipEmpty());
  const bool v2 = parts.size() == 5 && parts[2] == "v2.0" && parts[3] == ".well-known" &&
                  parts[4] == "openid-configuration";
  const bool v1 = parts.size() == 4 && parts[2] == ".well-known" && parts[3] == "openid-configuration";
  if (!v1 && !v2) return EntraError(404, "not_found", 90002, "unknown Entra ID endpoint");
  // Answer in the form the client asked for (/entra/{tenant} or /{tenant}).
  const std::string base = absl::StrCat(req.base_url, req.Header("x-dcs-root-entra").empty() ? "/entra/" : "/",
                                        parts[1]);
  const std::string oauth = v2 ? base + "/oauth2/v2.0" : base + "/oauth2";
  return Reply::Ok({{"issuer", v2 ? base + "/v2.0" : base + "/"},
                    {"authorization_endpoint", oauth + "/authorize"},
                    {"token_endpoint", oauth + "/token"},
                    {"device_authorization_endpoint", oauth + "/devicecode"},
                    {"jwks_uri", base + "/discovery/v2.0/keys"},
                    {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
                    {"subject_types_supported", {"pairwise"}},
                    {"id_token_signing_alg_values_supported", {"RS256"}},
                    {"token_endpoint_auth_methods_supported", {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
                    {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
                    {"tenant_region_scope", nullptr},
                    {"cloud_instance_name", "dcs-emulator"}});
}

}  // namespace

void RegisterEntraRoutes(Router& router, ServiceContext& ctx) {
  Identities* ids = ctx.identities;
  RegisterIdentityAdmin(router, ids);
  router.AddPrefix("GET", "/entra/", OpenIdConfiguration, Access::kPublic, false);
  router.AddPrefix("POST", "/entra/", [ids](const ApiRequest& req) { return IssueEntraToken(*ids, req); },
                   Access::kPublic, false);
  router.Add("GET", "/metadata/identity/oauth2/token",
             [ids](const ApiRequest& req) { return ManagedIdentityToken(*ids, req); }, Access::kPublic, false);
}

}  // namespace dcs::emulator
