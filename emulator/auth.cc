#include "emulator/auth.h"

#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/ids.h"

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
  if (form["grant_type"] != "client_credentials") {
    return OAuthError(400, "unsupported_grant_type", "Only client_credentials is supported");
  }
  auto client = config_.oauth_clients.find(id);
  if (client == config_.oauth_clients.end() || client->second != secret) {
    return OAuthError(401, "invalid_client", "Client authentication failed");
  }
  std::string scope = form.count("scope") ? form["scope"] : "all-apis";
  std::string token = "dose" + RandomToken(40, true);
  auto stored = store_->Run([&](Workspace& ws) -> absl::StatusOr<bool> {
    ws.oauth_tokens[token] = OAuthToken{id, NowMs() + config_.oauth_token_ttl_seconds * 1000};
    ws.Touch();
    return true;
  });
  if (!stored.ok()) return stored.status();
  return Reply::Ok({{"access_token", token}, {"token_type", "Bearer"},
                    {"expires_in", config_.oauth_token_ttl_seconds}, {"scope", scope}});
}

void Authenticator::RegisterRoutes(Router& router) {
  router.Add("GET", "/oidc/.well-known/oauth-authorization-server",
             [](const ApiRequest& req) -> absl::StatusOr<Reply> {
               std::string oidc = req.base_url + "/oidc";
               return Reply::Ok({{"issuer", oidc},
                                 {"authorization_endpoint", oidc + "/v1/authorize"},
                                 {"token_endpoint", oidc + "/v1/token"},
                                 {"jwks_uri", oidc + "/jwks.json"},
                                 {"grant_types_supported", {"client_credentials"}},
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
