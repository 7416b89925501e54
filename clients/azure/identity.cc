// Entra ID credentials: client secret, client assertion, IMDS, Azure CLI.
#include "clients/azure/identity.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "clients/http/text.h"

namespace dcs::azure {
namespace {

using Json = nlohmann::json;

int64_t NumberOrString(const Json& j, const char* key, int64_t fallback) {
  if (!j.contains(key)) return fallback;
  if (j[key].is_number_integer()) return j[key].get<int64_t>();
  if (j[key].is_number()) {
    // Clamped first: a double such as 1e300 cast to int64 is undefined.
    const double d = j[key].get<double>();
    return std::isfinite(d) ? static_cast<int64_t>(std::clamp(d, -1e15, 1e15)) : fallback;
  }
  int64_t v = 0;
  if (j[key].is_string() && absl::SimpleAtoi(j[key].get<std::string>(), &v)) return v;
  return fallback;
}

std::string OAuthErrorText(const http::Response& r, const Json& j) {
  std::string text;
  if (j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) text = j["error"].get<std::string>();
    if (j.contains("error_description") && j["error_description"].is_string()) {
      absl::StrAppend(&text, text.empty() ? "" : ": ", j["error_description"].get<std::string>());
    }
  }
  if (text.empty()) {
    // Cut at a character boundary: a byte cut can split a multi-byte
    // character and leave invalid UTF-8 in the diagnostic (found by
    // fuzz/targets/arm_answers, repro_oauth_answer_cut_mid_character).
    std::string first = http::text::Utf8Prefix(r.body, 160);
    for (char& c : first) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    text = absl::StrCat("not an OAuth answer (", r.Header("Content-Type").empty() ? "no content type"
                                                                                   : r.Header("Content-Type"),
                        "): ", first);
  }
  return text;
}

// Reads {"access_token", "expires_in"} of a token endpoint answer.
absl::StatusOr<AccessToken> ParseTokenAnswer(const std::string& method, const std::string& url,
                                             const http::Response& r, std::chrono::steady_clock::time_point started,
                                             const std::string& hint) {
  Json j = Json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    std::string msg = absl::StrCat(method, ": token request to ", url, " was refused (HTTP ", r.status, "): ",
                                   OAuthErrorText(r, j));
    if (r.status >= 400 && r.status < 500 && r.status != 404 && r.status != 429) {
      return absl::UnauthenticatedError(absl::StrCat(msg, ". ", hint));
    }
    return absl::UnavailableError(msg);
  }
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get<std::string>().empty()) {
    return absl::InternalError(absl::StrCat(method, ": the token endpoint ", url,
                                            " answered HTTP 200 without an access_token (",
                                            j.is_object() ? "JSON of another shape" : "not JSON", ")"));
  }
  AccessToken t;
  t.token = j["access_token"].get<std::string>();
  dcs::log::RegisterSecret(t.token);
  int64_t ttl = NumberOrString(j, "expires_in", 3600);
  t.expires = started + std::chrono::seconds(std::clamp<int64_t>(ttl, 0, 86400));  // a day at most
  return t;
}

class EntraCredentialBase : public TokenCredential {
 public:
  EntraCredentialBase(std::string method, EntraOptions o, std::shared_ptr<http::Transport> transport,
                      std::shared_ptr<http::Clock> clock)
      : TokenCredential(std::move(method), clock), o_(std::move(o)), http_(std::move(transport), o_.retry, clock) {
    while (!o_.authority.empty() && o_.authority.back() == '/') o_.authority.pop_back();
  }

 protected:
  // The form fields that authenticate the client (secret or assertion).
  virtual absl::StatusOr<std::string> ClientAuth(const std::atomic<bool>* stop) = 0;
  virtual std::string Hint() const = 0;

  absl::StatusOr<AccessToken> Fetch(const std::string& scope, const std::atomic<bool>* stop) override {
    if (o_.tenant_id.empty() || o_.client_id.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          method(), ": azure_tenant_id (ARM_TENANT_ID) and azure_client_id (ARM_CLIENT_ID) are required"));
    }
    auto auth = ClientAuth(stop);
    if (!auth.ok()) return auth.status();
    const std::string url = absl::StrCat(o_.authority, "/", o_.tenant_id, "/oauth2/v2.0/token");
    http::Request req{.method = "POST", .url = url, .timeout = o_.timeout};
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    req.body = absl::StrCat("grant_type=client_credentials&client_id=", http::UrlEscape(o_.client_id), "&",
                            *auth, "&scope=", http::UrlEscape(scope));
    const auto started = clock().Now();
    auto r = http_.Send(req, stop);
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          absl::StrCat(method(), ": token request to ", url, " failed: ", r.status().message()));
    }
    return ParseTokenAnswer(method(), url, *r, started, Hint());
  }

  EntraOptions o_;
  http::RetryingClient http_;
};

class ClientSecretCredential : public EntraCredentialBase {
 public:
  ClientSecretCredential(EntraOptions o, std::string secret, std::shared_ptr<http::Transport> t,
                         std::shared_ptr<http::Clock> c)
      : EntraCredentialBase("azure-client-secret", std::move(o), std::move(t), std::move(c)),
        secret_(std::move(secret)) {
    dcs::log::RegisterSecret(secret_);
    dcs::log::RegisterSecret(http::UrlEscape(secret_));
  }

 private:
  absl::StatusOr<std::string> ClientAuth(const std::atomic<bool>*) override {
    return "client_secret=" + http::UrlEscape(secret_);
  }
  std::string Hint() const override {
    return "Check azure_client_id / azure_client_secret / azure_tenant_id (ARM_CLIENT_ID / ARM_CLIENT_SECRET / "
           "ARM_TENANT_ID)";
  }
  std::string secret_;
};

class ClientAssertionCredential : public EntraCredentialBase {
 public:
  ClientAssertionCredential(std::string method, EntraOptions o, AssertionSupplier a,
                            std::shared_ptr<http::Transport> t, std::shared_ptr<http::Clock> c)
      : EntraCredentialBase(std::move(method), std::move(o), std::move(t), std::move(c)), assertion_(std::move(a)) {}

 private:
  absl::StatusOr<std::string> ClientAuth(const std::atomic<bool>* stop) override {
    auto jwt = assertion_(stop);
    if (!jwt.ok()) return jwt.status();
    dcs::log::RegisterSecret(*jwt);
    return "client_assertion_type=" + http::UrlEscape("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
           "&client_assertion=" + http::UrlEscape(*jwt);
  }
  std::string Hint() const override {
    return "The Entra ID application (azure_client_id / ARM_CLIENT_ID) needs a federated credential whose issuer, "
           "subject and audience (api://AzureADTokenExchange) match the token";
  }
  AssertionSupplier assertion_;
};

class ManagedIdentityCredential : public TokenCredential {
 public:
  ManagedIdentityCredential(ManagedIdentityOptions o, std::shared_ptr<http::Transport> t,
                            std::shared_ptr<http::Clock> c)
      : TokenCredential("azure-msi", c), o_(std::move(o)), http_(std::move(t), o_.retry, c) {}

 private:
  absl::StatusOr<AccessToken> Fetch(const std::string& scope, const std::atomic<bool>* stop) override {
    std::string url = absl::StrCat(o_.endpoint, o_.endpoint.find('?') == std::string::npos ? "?" : "&",
                                   "api-version=2018-02-01&resource=", http::UrlEscape(ResourceOfScope(scope)));
    if (!o_.client_id.empty()) absl::StrAppend(&url, "&client_id=", http::UrlEscape(o_.client_id));
    http::Request req{.method = "GET", .url = url, .timeout = o_.timeout};
    req.headers = {{"Metadata", "true"}, {"Accept", "application/json"}};
    const auto started = clock().Now();
    auto r = http_.Send(req, stop);
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          absl::StrCat("azure-msi: the managed identity endpoint ", o_.endpoint,
                                       " cannot be reached (", r.status().message(),
                                       "); managed identities only exist on Azure VMs, scale sets, AKS and build "
                                       "agents hosted there. Set ARM_MSI_ENDPOINT for a non-default endpoint"));
    }
    return ParseTokenAnswer("azure-msi", o_.endpoint, *r, started,
                            o_.client_id.empty()
                                ? "Check that the machine has a system-assigned managed identity, or set "
                                  "azure_client_id (ARM_CLIENT_ID) to a user-assigned one"
                                : "Check that the user-assigned identity azure_client_id (ARM_CLIENT_ID) is "
                                  "attached to this machine");
  }
  ManagedIdentityOptions o_;
  http::RetryingClient http_;
};

class AzureCliCredential : public TokenCredential {
 public:
  AzureCliCredential(AzureCliOptions o, process::CommandRunner runner, std::shared_ptr<http::Clock> c)
      : TokenCredential("azure-cli", c), o_(std::move(o)), runner_(std::move(runner)) {}

 private:
  absl::StatusOr<AccessToken> Fetch(const std::string& scope, const std::atomic<bool>*) override {
    std::vector<std::string> argv = {o_.program, "account", "get-access-token", "--resource",
                                     ResourceOfScope(scope), "--output", "json"};
    if (!o_.tenant_id.empty()) {
      argv.insert(argv.end(), {"--tenant", o_.tenant_id});
    } else if (!o_.subscription_id.empty()) {
      argv.insert(argv.end(), {"--subscription", o_.subscription_id});
    }
    const auto started_wall = absl::Now();
    const auto started = clock().Now();
    auto r = runner_(argv, o_.timeout);
    if (!r.ok()) {
      if (r.status().code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError(absl::StrCat(
            "azure-cli: the Azure CLI (", o_.program, ") is not installed or not on PATH; install it and run "
            "`az login`"));
      }
      return absl::Status(r.status().code(), absl::StrCat("azure-cli: ", r.status().message()));
    }
    if (r->exit_code != 0) {
      const bool signed_out = absl::StrContains(r->err, "az login") || absl::StrContains(r->err, "login");
      return absl::FailedPreconditionError(absl::StrCat(
          "azure-cli: `az account get-access-token` failed (exit ", r->exit_code, "): ",
          process::QuoteStderr(r->err), signed_out ? ". Run `az login`" : ". Run `az login` and check the tenant",
          o_.tenant_id.empty() ? "" : " (--tenant " + o_.tenant_id + " from azure_tenant_id)",
          o_.subscription_id.empty() ? "" : " and subscription " + o_.subscription_id));
    }
    Json j = Json::parse(r->out, nullptr, false);
    if (!j.is_object() || !j.contains("accessToken") || !j["accessToken"].is_string()) {
      return absl::InternalError(absl::StrCat("azure-cli: `az account get-access-token` printed ", r->out.size(),
                                              " bytes that are not its JSON answer (no accessToken); check the "
                                              "Azure CLI installation (`az version`)"));
    }
    AccessToken t;
    t.token = j["accessToken"].get<std::string>();
    dcs::log::RegisterSecret(t.token);
    int64_t expires_on = NumberOrString(j, "expires_on", 0);
    if (expires_on == 0 && j.contains("expiresOn") && j["expiresOn"].is_string()) {
      auto parsed = ParseExpiry(j["expiresOn"].get<std::string>());
      if (parsed.ok()) expires_on = *parsed;
    }
    if (expires_on == 0) expires_on = absl::ToUnixSeconds(started_wall) + 300;  // unknown: re-ask soon
    t.expires = started + std::chrono::seconds(expires_on - absl::ToUnixSeconds(started_wall));
    return t;
  }
  AzureCliOptions o_;
  process::CommandRunner runner_;
};

}  // namespace

absl::StatusOr<std::string> TokenCredential::Token(const std::string& scope, const std::atomic<bool>* stop) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(scope);
  if (it != cache_.end() && clock_->Now() + kAzureRefreshMargin < it->second.expires) return it->second.token;
  auto fetched = Fetch(scope, stop);
  if (!fetched.ok()) return fetched.status();
  dcs::log::Debug("obtained Entra ID token", {{"@module", "azure"}, {"auth", method_}, {"scope", scope}});
  cache_[scope] = *fetched;
  return fetched->token;
}

std::unique_ptr<TokenCredential> NewClientSecretCredential(EntraOptions options, std::string secret,
                                                           std::shared_ptr<http::Transport> transport,
                                                           std::shared_ptr<http::Clock> clock) {
  return std::make_unique<ClientSecretCredential>(std::move(options), std::move(secret), std::move(transport),
                                                  std::move(clock));
}

std::unique_ptr<TokenCredential> NewClientAssertionCredential(std::string method, EntraOptions options,
                                                              AssertionSupplier assertion,
                                                              std::shared_ptr<http::Transport> transport,
                                                              std::shared_ptr<http::Clock> clock) {
  return std::make_unique<ClientAssertionCredential>(std::move(method), std::move(options), std::move(assertion),
                                                     std::move(transport), std::move(clock));
}

std::unique_ptr<TokenCredential> NewManagedIdentityCredential(ManagedIdentityOptions options,
                                                              std::shared_ptr<http::Transport> transport,
                                                              std::shared_ptr<http::Clock> clock) {
  return std::make_unique<ManagedIdentityCredential>(std::move(options), std::move(transport), std::move(clock));
}

std::unique_ptr<TokenCredential> NewAzureCliCredential(AzureCliOptions options, process::CommandRunner runner,
                                                       std::shared_ptr<http::Clock> clock) {
  return std::make_unique<AzureCliCredential>(std::move(options), std::move(runner), std::move(clock));
}

std::string ResourceOfScope(const std::string& scope) {
  constexpr absl::string_view kSuffix = "/.default";
  if (absl::EndsWith(scope, kSuffix)) return scope.substr(0, scope.size() - kSuffix.size());
  return scope;
}

bool LooksLikeJwt(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) return false;
  for (int i = 0; i < 2; ++i) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(parts[i], &decoded)) return false;
    Json j = Json::parse(decoded, nullptr, false);
    if (!j.is_object()) return false;
  }
  return true;
}

absl::StatusOr<int64_t> ParseExpiry(const std::string& text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return absl::ToUnixSeconds(t);
  absl::TimeZone local;
  if (!absl::LoadTimeZone("localtime", &local)) local = absl::UTCTimeZone();
  for (const char* format : {"%Y-%m-%d %H:%M:%E*S", "%Y-%m-%dT%H:%M:%E*S"}) {
    if (absl::ParseTime(format, text, local, &t, &err)) return absl::ToUnixSeconds(t);
  }
  return absl::InvalidArgumentError(absl::StrCat("unrecognised expiry time \"", text, "\""));
}

}  // namespace dcs::azure
