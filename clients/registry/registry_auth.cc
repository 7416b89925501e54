// RegistryClient: request dispatch with the challenge/token auth flow.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "clients/registry/registry_client.h"
#include "clients/registry/registry_util.h"

namespace dcs::registry {

using http::UrlEscape;

absl::StatusOr<Credentials> RegistryClient::ResolveCredentials() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (resolved_) return *resolved_;
  }
  Credentials c = options_.auth.credentials;
  if (c.empty() && options_.auth.discover) {
    const std::string path = options_.auth.docker_config_path.empty()
                                 ? CredentialStore::DefaultConfigPath()
                                 : options_.auth.docker_config_path;
    DCS_ASSIGN_OR_RETURN(CredentialStore store, CredentialStore::Load(path, options_.helper_runner));
    DCS_ASSIGN_OR_RETURN(std::optional<Credentials> found, store.Lookup(options_.host));
    if (found) c = *found;
  }
  dcs::log::RegisterSecret(c.password);
  dcs::log::RegisterSecret(c.identity_token);
  std::lock_guard<std::mutex> lock(mu_);
  resolved_ = c;
  return c;
}

absl::StatusOr<RegistryClient::CachedToken> RegistryClient::ParseTokenAnswer(
    const http::Response& r, const std::string& realm) const {
  if (r.status == 401 || r.status == 403) {
    return absl::UnauthenticatedError(absl::StrCat(
        "registry ", options_.host, ": the token server ", realm, " rejected the credentials",
        resolved_ && !resolved_->username.empty() ? " of user " + resolved_->username : "",
        " (HTTP ", r.status, ": ", DescribeRegistryBody(r), ")"));
  }
  if (r.status != 200) {
    return absl::UnavailableError(absl::StrCat("registry ", options_.host, ": token server ", realm,
                                               " answered HTTP ", r.status, ": ",
                                               DescribeRegistryBody(r)));
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string token;
  if (j.is_object()) {
    // Either field may be absent or, from a broken server, not a string.
    for (const char* field : {"token", "access_token"}) {
      if (token.empty() && j.contains(field) && j[field].is_string()) token = j[field].get<std::string>();
    }
  }
  if (token.empty()) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host, ": token server ", realm,
                                            " answered without a token: ", DescribeRegistryBody(r)));
  }
  dcs::log::RegisterSecret(token);
  int64_t expires_in = 60;
  if (j.contains("expires_in") && j["expires_in"].is_number()) {
    // Through double and clamped: a float like 1e300 cast to int64 is undefined.
    expires_in = static_cast<int64_t>(std::clamp(j["expires_in"].get<double>(), 1.0, 365.0 * 86400));
  }
  // Refresh a little early (10 s, or half the lifetime for short tokens).
  const int64_t margin = std::min<int64_t>(10, expires_in / 2);
  return CachedToken{"Bearer " + token,
                     options_.clock->Now() + std::chrono::seconds(expires_in - margin)};
}

absl::StatusOr<std::string> RegistryClient::AcrRefreshToken(const Challenge& ch) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!acr_refresh_token_.empty()) return acr_refresh_token_;
  }
  DCS_ASSIGN_OR_RETURN(std::string entra, options_.auth.entra_access_token());
  dcs::log::RegisterSecret(entra);
  // The exchange lives next to the token realm (https://<login>/oauth2/token
  // on ACR): scheme://host[:port] of the realm + /oauth2/exchange.
  const std::string realm = ch.Param("realm");
  const size_t host_start = realm.find("://");
  const size_t path_start = host_start == std::string::npos ? std::string::npos : realm.find('/', host_start + 3);
  const std::string origin = host_start == std::string::npos ? base_url_ : realm.substr(0, path_start);
  http::Request req = NewRequest("POST", origin + "/oauth2/exchange");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = absl::StrCat("grant_type=access_token&service=", UrlEscape(ch.Param("service")),
                          options_.auth.tenant.empty() ? "" : "&tenant=" + UrlEscape(options_.auth.tenant),
                          "&access_token=", UrlEscape(entra));
  DCS_ASSIGN_OR_RETURN(http::Response r, http_->Send(req));
  if (r.status != 200) {
    return absl::UnauthenticatedError(absl::StrCat("ACR ", options_.host,
                                                   ": exchanging the Entra ID token failed (HTTP ",
                                                   r.status, ": ", DescribeRegistryBody(r), ")"));
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string refresh = j.is_object() ? j.value("refresh_token", "") : "";
  if (refresh.empty()) {
    return absl::DataLossError(absl::StrCat("ACR ", options_.host,
                                            ": /oauth2/exchange answered without refresh_token"));
  }
  dcs::log::RegisterSecret(refresh);
  std::lock_guard<std::mutex> lock(mu_);
  acr_refresh_token_ = refresh;
  return refresh;
}

absl::StatusOr<std::string> RegistryClient::AcrRefreshTokenForDocker() const {
  if (!options_.auth.entra_access_token) {
    return absl::FailedPreconditionError("no Entra ID identity configured for " + options_.host);
  }
  DCS_RETURN_IF_ERROR(Ping());
  std::lock_guard<std::mutex> lock(mu_);
  if (acr_refresh_token_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("registry ", options_.host,
                                                      " did not ask for a token (no Bearer challenge on /v2/); "
                                                      "it is not an Azure Container Registry"));
  }
  return acr_refresh_token_;
}

absl::StatusOr<RegistryClient::CachedToken> RegistryClient::FetchToken(
    const Challenge& ch, const std::string& scope) const {
  const std::string realm = ch.Param("realm");
  if (realm.empty()) {
    return absl::DataLossError(absl::StrCat("registry ", options_.host,
                                            ": Bearer challenge without a realm"));
  }
  std::string refresh;
  if (options_.auth.entra_access_token) {
    DCS_ASSIGN_OR_RETURN(refresh, AcrRefreshToken(ch));
  }
  DCS_ASSIGN_OR_RETURN(Credentials creds, ResolveCredentials());
  if (refresh.empty()) refresh = creds.identity_token;
  http::Request req;
  if (!refresh.empty()) {  // OAuth2 refresh-token grant (POST form)
    req = NewRequest("POST", realm);
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = absl::StrCat("grant_type=refresh_token&service=", UrlEscape(ch.Param("service")),
                            scope.empty() ? "" : "&scope=" + UrlEscape(scope),
                            "&client_id=dcs&refresh_token=", UrlEscape(refresh));
  } else {
    std::string url = absl::StrCat(realm, realm.find('?') == std::string::npos ? "?" : "&",
                                   "service=", UrlEscape(ch.Param("service")));
    if (!scope.empty()) absl::StrAppend(&url, "&scope=", UrlEscape(scope));
    req = NewRequest("GET", url);
    if (!creds.username.empty() || !creds.password.empty()) {
      req.headers.emplace_back("Authorization",
                               internal::BasicAuthValue(creds.username, creds.password));
    }
  }
  DCS_ASSIGN_OR_RETURN(http::Response r, http_->Send(req));
  return ParseTokenAnswer(r, realm);
}

absl::StatusOr<std::string> RegistryClient::Authorize(const Challenge& ch,
                                                      const std::string& scope) const {
  if (ch.scheme == "basic") {
    DCS_ASSIGN_OR_RETURN(Credentials creds, ResolveCredentials());
    if (creds.username.empty() && creds.password.empty()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "registry ", options_.host, " requires a username and password (Basic auth); none were ",
          "given and none were found in the Docker config"));
    }
    return internal::BasicAuthValue(creds.username, creds.password);
  }
  if (ch.scheme != "bearer") {
    return absl::UnimplementedError(absl::StrCat("registry ", options_.host,
                                                 ": unsupported auth scheme ", ch.scheme));
  }
  const std::string effective = ch.Param("scope").empty() ? scope : ch.Param("scope");
  DCS_ASSIGN_OR_RETURN(CachedToken token, FetchToken(ch, effective));
  std::lock_guard<std::mutex> lock(mu_);
  tokens_[scope] = token;
  return token.header;
}

absl::StatusOr<http::Response> RegistryClient::Do(http::Request req, const std::string& scope) const {
  const size_t plain_headers = req.headers.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(scope);
    if (it == tokens_.end()) it = tokens_.find("basic");
    if (it != tokens_.end() && options_.clock->Now() < it->second.expires) {
      req.headers.emplace_back("Authorization", it->second.header);
    }
  }
  DCS_ASSIGN_OR_RETURN(http::Response r, http_->Send(req));
  if (r.status != 401) return r;
  std::vector<Challenge> challenges = ParseChallenges(r.Header("WWW-Authenticate"));
  if (challenges.empty()) return r;
  const Challenge* pick = &challenges[0];
  for (const Challenge& c : challenges) {
    if (c.scheme == "bearer") pick = &c;
  }
  DCS_ASSIGN_OR_RETURN(std::string header, Authorize(*pick, scope));
  if (pick->scheme == "basic") {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_["basic"] = CachedToken{header, std::chrono::steady_clock::time_point::max()};
  }
  req.headers.resize(plain_headers);
  req.headers.emplace_back("Authorization", header);
  return http_->Send(req);
}

}  // namespace dcs::registry
