#include "emulator/auth.h"

#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/ids.h"
#include "emulator/jwt.h"

namespace dcs::emulator {
namespace {

std::string UrlDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() &&
               absl::ascii_isxdigit(in[i + 1]) && absl::ascii_isxdigit(in[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

constexpr char kTokenExchangeGrant[] = "urn:ietf:params:oauth:grant-type:token-exchange";

// OAuth errors use the RFC 6749 shape, not the Databricks one.
Reply OAuthError(int status, const std::string& error, const std::string& description) {
  Reply r;
  r.status = status;
  r.body = {{"error", error}, {"error_description", description}};
  return r;
}

}  // namespace

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(body, '&', absl::SkipEmpty())) {
    auto eq = pair.find('=');
    absl::string_view k = pair.substr(0, eq);
    absl::string_view v = eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1);
    out[UrlDecode(k)] = UrlDecode(v);
  }
  return out;
}

absl::StatusOr<std::string> Authenticator::Authenticate(const std::string& authorization) const {
  if (!absl::StartsWithIgnoreCase(authorization, "Bearer ")) {
    return ApiError(401, "UNAUTHENTICATED",
                    "Credential was not sent or was of an unsupported type for this API.");
  }
  std::string token(absl::StripAsciiWhitespace(authorization.substr(7)));
  if (auto it = config_.tokens.find(token); it != config_.tokens.end()) return it->second;
  if (identities_ != nullptr) {  // an Entra ID token issued for Azure Databricks
    std::lock_guard<std::mutex> lock(identities_->mu);
    if (auto t = identities_->FindLocked(token)) {
      if (t->resource != kAzureDatabricksResource) {
        return ApiError(401, "UNAUTHENTICATED",
                        absl::StrCat("Invalid access token: the Microsoft Entra ID token was issued for '",
                                     t->resource, "', not for Azure Databricks (", kAzureDatabricksResource, ")."));
      }
      return t->principal;
    }
  }
  auto principal = store_->Run([&](Workspace& ws) -> absl::StatusOr<std::string> {
    auto it = ws.oauth_tokens.find(token);
    if (it == ws.oauth_tokens.end() || it->second.expires_ms <= NowMs()) {
      return ApiError(401, "UNAUTHENTICATED", "Invalid access token.");
    }
    return it->second.principal;
  });
  return principal;
}

absl::StatusOr<Reply> Authenticator::IssueToken(const ApiRequest& req) {
  auto form = ParseForm(req.raw_body);
  std::string id = form["client_id"], secret = form["client_secret"];
  std::string header = req.Header("authorization");
  if (absl::StartsWithIgnoreCase(header, "Basic ")) {
    std::string decoded;
    if (absl::Base64Unescape(absl::StripAsciiWhitespace(header.substr(6)), &decoded)) {
      auto colon = decoded.find(':');
      id = UrlDecode(decoded.substr(0, colon));
      secret = colon == std::string::npos ? "" : UrlDecode(decoded.substr(colon + 1));
    }
  }
  if (form["grant_type"] == kTokenExchangeGrant) return ExchangeToken(form);
  if (form["grant_type"] != "client_credentials") {
    return OAuthError(400, "unsupported_grant_type",
                      "Only client_credentials and urn:ietf:params:oauth:grant-type:token-exchange are supported");
  }
  auto client = config_.oauth_clients.find(id);
  if (client == config_.oauth_clients.end() || client->second != secret) {
    return OAuthError(401, "invalid_client", "Client authentication failed");
  }
  return IssueOAuthToken(id, form.count("scope") ? form["scope"] : "all-apis");
}

absl::StatusOr<Reply> Authenticator::IssueOAuthToken(const std::string& principal, const std::string& scope) {
  std::string token = "dose" + RandomToken(40, true);
  auto stored = store_->Run([&](Workspace& ws) -> absl::StatusOr<bool> {
    ws.oauth_tokens[token] = OAuthToken{principal, NowMs() + config_.oauth_token_ttl_seconds * 1000};
    ws.Touch();
    return true;
  });
  if (!stored.ok()) return stored.status();
  return Reply::Ok({{"access_token", token}, {"token_type", "Bearer"},
                    {"expires_in", config_.oauth_token_ttl_seconds}, {"scope", scope}});
}

// Workload identity federation: the subject token must verify (RS256 against
// the issuer's published keys) and match a federation policy — the service
// principal's (client_id given) or an account-wide one (principal = subject).
absl::StatusOr<Reply> Authenticator::ExchangeToken(const std::map<std::string, std::string>& form) {
  auto get = [&](const char* k) {
    auto it = form.find(k);
    return it == form.end() ? std::string() : it->second;
  };
  if (get("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt" &&
      get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token") {
    return OAuthError(400, "invalid_request", "subject_token_type must be urn:ietf:params:oauth:token-type:jwt");
  }
  const std::string subject_token = get("subject_token"), client_id = get("client_id");
  auto peek = PeekJwt(subject_token);
  if (!peek.ok()) return OAuthError(400, "invalid_request", absl::StrCat("subject_token is not a JWT (", peek.status().message(), ")"));
  const std::string iss = peek->claims.value("iss", "");
  std::vector<FederationPolicy> candidates;
  if (identities_ != nullptr) {
    std::lock_guard<std::mutex> lock(identities_->mu);
    for (const FederationPolicy& p : identities_->policies) {
      if (p.client_id == client_id && p.trust.issuer == iss) candidates.push_back(p);
    }
  }
  if (candidates.empty()) {
    return OAuthError(401, "invalid_client",
                      absl::StrCat("No federation policy ", client_id.empty() ? "of the account" : "of service principal " + client_id,
                                   " trusts the issuer '", iss, "'"));
  }
  std::string why;
  for (const FederationPolicy& p : candidates) {
    auto verified = VerifyJwt(subject_token, JwtExpectation{p.trust.issuer, p.trust.subject, p.trust.audiences},
                              NowMs() / 1000);
    if (verified.ok()) {
      return IssueOAuthToken(p.client_id.empty() ? p.trust.subject : p.client_id, get("scope").empty() ? "all-apis" : get("scope"));
    }
    why = std::string(verified.status().message());
  }
  return OAuthError(401, "invalid_client", absl::StrCat("The subject token does not satisfy the federation policy: ", why));
}

void Authenticator::RegisterRoutes(Router& router) {
  router.Add("GET", "/oidc/.well-known/oauth-authorization-server",
             [](const ApiRequest& req) -> absl::StatusOr<Reply> {
               std::string oidc = req.base_url + "/oidc";
               return Reply::Ok({{"issuer", oidc},
                                 {"authorization_endpoint", oidc + "/v1/authorize"},
                                 {"token_endpoint", oidc + "/v1/token"},
                                 {"jwks_uri", oidc + "/jwks.json"},
                                 {"grant_types_supported", {"client_credentials", kTokenExchangeGrant}},
                                 {"token_endpoint_auth_methods_supported",
                                  {"client_secret_basic", "client_secret_post"}}});
             },
             Access::kPublic, false);
  router.Add("POST", "/oidc/v1/token", [this](const ApiRequest& req) { return IssueToken(req); },
             Access::kPublic, false);
  router.Add("GET", "/api/2.0/preview/scim/v2/Me", [](const ApiRequest& req) -> absl::StatusOr<Reply> {
    return Reply::Ok({{"id", absl::StrCat(std::hash<std::string>{}(req.principal) % 10000000000000000ULL)},
                      {"userName", req.principal},
                      {"displayName", req.principal},
                      {"active", true},
                      {"emails", {{{"value", req.principal}, {"primary", true}}}},
                      {"groups", {{{"display", "admins"}}}},
                      {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}}});
  });
}

}  // namespace dcs::emulator
