// Azure Container Registry's token service, in front of a registry that uses
// token auth (Debian's docker-registry in the tests, configured with
//   auth.token.realm = <emulator>/oauth2/token, issuer = dcs-emulator-acr,
//   rootcertbundle = the PEM written by --acr-cert-out):
//
//   POST /oauth2/exchange  form grant_type=access_token, service, access_token
//        (an Entra ID token issued by this emulator for ARM, this emulator's
//        URL or https://containerregistry.azure.net), tenant optional
//        -> {"refresh_token": "<ACR refresh token>"} (3 h)
//   POST /oauth2/token     form grant_type=refresh_token, service, scope
//        (space-separated), refresh_token -> {"access_token": "<JWT>"}
//   GET  /oauth2/token?service=…&scope=…[&scope=…] with Basic
//        00000000-0000-0000-0000-000000000000:<refresh token> (what the
//        Docker daemon sends after `az acr login`) -> {"access_token", "token"}
//
// Access tokens are RS256 JWTs (header x5c = the signing certificate) with
// iss, sub (the Entra principal), aud (service), exp/nbf/iat, jti and the
// granted "access" list. Errors: {"errors":[{"code":"UNAUTHORIZED","message"}]}
// with 401, like ACR.
#include <openssl/x509.h>

#include <fstream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/auth.h"
#include "emulator/identities.h"
#include "emulator/ids.h"
#include "emulator/jwt.h"
#include "emulator/service.h"
#include "emulator/tls.h"

namespace dcs::emulator {
namespace {

constexpr char kAcrIssuer[] = "dcs-emulator-acr";
constexpr char kNullGuid[] = "00000000-0000-0000-0000-000000000000";

struct AcrState {
  std::mutex mu;
  TlsIdentity signer;
  std::string cert_der_b64;
  struct Refresh {
    std::string principal, service;
    int64_t expires_ms;
  };
  std::map<std::string, Refresh> refresh_tokens;
};

Reply AcrError(int status, const std::string& message) {
  Reply r;
  r.status = status;
  r.body = {{"errors", {{{"code", "UNAUTHORIZED"}, {"message", message}}}}};
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"acr\"");
  return r;
}

bool ArmOrAcrAudience(const std::string& resource, const std::string& base_url) {
  return resource == ResourceOf(base_url) || resource == "https://management.azure.com" ||
         resource == "https://management.core.windows.net" || resource == "https://containerregistry.azure.net";
}

absl::StatusOr<Reply> Exchange(AcrState& st, Identities& ids, const ApiRequest& req) {
  auto form = ParseForm(req.raw_body);
  if (form["grant_type"] != "access_token") {
    return AcrError(400, "grant_type must be access_token (the other exchange grants are deprecated)");
  }
  if (form["service"].empty()) return AcrError(400, "service is required");
  std::string principal;
  {
    std::lock_guard<std::mutex> lock(ids.mu);
    auto t = ids.FindLocked(form["access_token"]);
    if (!t) return AcrError(401, "the access token is invalid or expired");
    if (!ArmOrAcrAudience(t->resource, req.base_url)) {
      return AcrError(401, absl::StrCat("the access token's audience '", t->resource,
                                        "' is not accepted; request a token for Azure Resource Manager or "
                                        "https://containerregistry.azure.net"));
    }
    principal = t->principal;
  }
  const std::string refresh = "acr-refresh-" + RandomToken(48, true);
  std::lock_guard<std::mutex> lock(st.mu);
  st.refresh_tokens[refresh] = {principal, form["service"], NowMs() + 3 * 3600 * 1000};
  return Reply::Ok({{"refresh_token", refresh}});
}

Json AccessList(const std::vector<std::string>& scopes) {
  Json access = Json::array();
  for (const std::string& scope : scopes) {
    std::vector<std::string> parts = absl::StrSplit(scope, ':');
    if (parts.size() < 3) continue;
    std::string name = parts[1];
    for (size_t i = 2; i + 1 < parts.size(); ++i) name += ":" + parts[i];  // host:port/repo names
    std::vector<std::string> actions = absl::StrSplit(parts.back(), ',', absl::SkipEmpty());
    access.push_back({{"type", parts[0]}, {"name", name}, {"actions", actions}});
  }
  return access;
}

absl::StatusOr<Reply> Token(AcrState& st, const ApiRequest& req) {
  std::string refresh, service;
  std::vector<std::string> scopes;
  if (req.method == "GET") {
    std::string auth = req.Header("authorization"), decoded;
    if (!absl::StartsWithIgnoreCase(auth, "Basic ") ||
        !absl::Base64Unescape(absl::StripAsciiWhitespace(auth.substr(6)), &decoded)) {
      return AcrError(401, "basic authentication with the ACR refresh token is required");
    }
    auto colon = decoded.find(':');
    if (colon == std::string::npos || decoded.substr(0, colon) != kNullGuid) {
      return AcrError(401, absl::StrCat("the user name must be ", kNullGuid, " with an ACR refresh token"));
    }
    refresh = decoded.substr(colon + 1);
    service = req.Query("service");
    scopes = req.QueryAll("scope");
  } else {
    auto form = ParseForm(req.raw_body);
    if (form["grant_type"] != "refresh_token") return AcrError(400, "grant_type must be refresh_token");
    refresh = form["refresh_token"];
    service = form["service"];
    scopes = absl::StrSplit(form["scope"], ' ', absl::SkipEmpty());
  }
  std::lock_guard<std::mutex> lock(st.mu);
  auto it = st.refresh_tokens.find(refresh);
  if (it == st.refresh_tokens.end() || it->second.expires_ms <= NowMs()) {
    return AcrError(401, "the refresh token is invalid or expired");
  }
  if (it->second.service != service) {
    return AcrError(401, absl::StrCat("the refresh token was issued for service ", it->second.service,
                                      ", not ", service));
  }
  const int64_t now = NowMs() / 1000;
  Json claims = {{"iss", kAcrIssuer}, {"sub", it->second.principal}, {"aud", service},
                 {"exp", now + 3600}, {"nbf", now - 60}, {"iat", now}, {"jti", RandomToken(24)},
                 {"access", AccessList(scopes)}};
  auto jwt = SignRs256({{"typ", "JWT"}, {"x5c", {st.cert_der_b64}}}, claims, st.signer.key.get());
  if (!jwt.ok()) return jwt.status();
  return Reply::Ok({{"access_token", *jwt}, {"token", *jwt}, {"expires_in", 3600}});
}

}  // namespace

void RegisterAcrTokenRoutes(Router& router, ServiceContext& ctx) {
  auto st = std::make_shared<AcrState>();
  auto signer = GenerateRsaSigningIdentity();
  if (!signer.ok()) return;  // no ACR token service; every other API still works
  st->signer = *std::move(signer);
  unsigned char* der = nullptr;
  int len = i2d_X509(st->signer.cert.get(), &der);
  if (len > 0) {
    st->cert_der_b64 = absl::Base64Escape(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
  }
  if (!ctx.acr_cert_out.empty()) std::ofstream(ctx.acr_cert_out) << st->signer.cert_pem;
  Identities* ids = ctx.identities;
  router.Add("POST", "/oauth2/exchange", [st, ids](const ApiRequest& req) { return Exchange(*st, *ids, req); },
             Access::kPublic, false);
  router.Add("POST", "/oauth2/token", [st](const ApiRequest& req) { return Token(*st, req); }, Access::kPublic,
             false);
  router.Add("GET", "/oauth2/token", [st](const ApiRequest& req) { return Token(*st, req); }, Access::kPublic,
             false);
}

}  // namespace dcs::emulator
