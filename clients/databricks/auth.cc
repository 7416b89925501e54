// PAT, OAuth M2M and Azure client-secret token sources.
#include "clients/databricks/auth.h"

#include <cctype>
#include <cstdlib>
#include <mutex>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "provider/log/log.h"

namespace dcs::databricks {
namespace {

class PatSource : public TokenSource {
 public:
  explicit PatSource(std::string token) : header_("Bearer " + token) {}
  absl::StatusOr<std::string> Authorization(const std::atomic<bool>*) override { return header_; }

 private:
  std::string header_;
};

// A client-credentials grant: POSTs `form` to `url` (with optional extra
// headers) and caches the access token until kRefreshMargin before expiry.
class ClientCredentialsSource : public TokenSource {
 public:
  ClientCredentialsSource(std::string what, std::string url, std::string form, http::Headers headers,
                          std::string hint, const ResolvedConfig& config,
                          std::shared_ptr<http::Transport> transport, std::shared_ptr<http::Clock> clock)
      : what_(std::move(what)), url_(std::move(url)), form_(std::move(form)), headers_(std::move(headers)),
        hint_(std::move(hint)), timeout_(std::chrono::seconds(config.http_timeout_seconds)),
        clock_(clock), http_(std::move(transport), Policy(config), clock) {}

  absl::StatusOr<std::string> Authorization(const std::atomic<bool>* stop) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!header_.empty() && clock_->Now() + kRefreshMargin < expiry_) return header_;
    return Refresh(stop);
  }

 private:
  static http::RetryPolicy Policy(const ResolvedConfig& config) {
    http::RetryPolicy p;
    p.total_deadline = std::chrono::seconds(config.retry_timeout_seconds);
    return p;
  }

  absl::StatusOr<std::string> Refresh(const std::atomic<bool>* stop) {
    http::Request req{.method = "POST", .url = url_, .headers = headers_, .body = form_, .timeout = timeout_};
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Accept", "application/json");
    const auto started = clock_->Now();
    auto resp = http_.Send(req, stop);
    if (!resp.ok()) {
      return absl::Status(resp.status().code(),
                          absl::StrCat(what_, " token request to ", url_, " failed: ", resp.status().message()));
    }
    nlohmann::json j = nlohmann::json::parse(resp->body, nullptr, false);
    if (resp->status != 200) return Rejected(*resp, j);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
      return absl::InternalError(absl::StrCat(what_, " token endpoint ", url_,
                                              " answered without an access_token (HTTP ", resp->status, ")"));
    }
    std::string token = j["access_token"].get<std::string>();
    dcs::log::RegisterSecret(token);
    std::string type = j.value("token_type", std::string("Bearer"));
    int64_t expires_in = 3600;
    if (j.contains("expires_in") && j["expires_in"].is_number()) {
      expires_in = j["expires_in"].get<int64_t>();
    } else if (j.contains("expires_in") && j["expires_in"].is_string()) {  // Entra v1 sends strings
      expires_in = std::atoll(j["expires_in"].get<std::string>().c_str());
    }
    expiry_ = started + std::chrono::seconds(expires_in);
    header_ = (type.empty() ? std::string("Bearer") : type) + " " + token;
    dcs::log::Debug("obtained access token", {{"@module", "databricks"}, {"auth", what_},
                                              {"expires_in", expires_in}});
    return header_;
  }

  absl::Status Rejected(const http::Response& resp, const nlohmann::json& j) {
    std::string detail;
    if (j.is_object()) {
      detail = j.value("error", std::string());
      std::string description = j.value("error_description", std::string());
      if (!description.empty()) detail += (detail.empty() ? "" : ": ") + description;
    }
    if (detail.empty()) detail = resp.body.substr(0, 200);
    std::string msg = absl::StrCat(what_, " token request to ", url_, " was rejected (HTTP ", resp.status,
                                   "): ", detail);
    if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
      return absl::UnauthenticatedError(absl::StrCat(msg, ". ", hint_));
    }
    return absl::UnavailableError(msg);
  }

  const std::string what_, url_, form_;
  const http::Headers headers_;
  const std::string hint_;
  const std::chrono::milliseconds timeout_;
  std::shared_ptr<http::Clock> clock_;
  http::RetryingClient http_;
  std::mutex mu_;
  std::string header_;
  std::chrono::steady_clock::time_point expiry_{};
};

}  // namespace

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(n >> s) & 63];
  }
  if (i < data.size()) {
    uint32_t n = uint8_t(data[i]) << 16;
    if (i + 1 < data.size()) n |= uint8_t(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string FormEscape(std::string_view value) { return http::UrlEscape(value); }

std::unique_ptr<TokenSource> NewTokenSource(const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock) {
  switch (config.auth_type) {
    case AuthType::kPat:
      dcs::log::RegisterSecret(config.token);
      return std::make_unique<PatSource>(config.token);
    case AuthType::kOAuthM2M:
      dcs::log::RegisterSecret(config.client_secret);
      dcs::log::RegisterSecret(Base64Encode(config.client_id + ":" + config.client_secret));
      return std::make_unique<ClientCredentialsSource>(
          "OAuth M2M", config.host + "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis",
          http::Headers{{"Authorization",
                         "Basic " + Base64Encode(config.client_id + ":" + config.client_secret)}},
          "Check client_id / client_secret (DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET) of the "
          "service principal.",
          config, std::move(transport), std::move(clock));
    case AuthType::kAzureClientSecret:
      dcs::log::RegisterSecret(config.azure_client_secret);
      return std::make_unique<ClientCredentialsSource>(
          "Azure service principal",
          config.azure_authority_url + "/" + config.azure_tenant_id + "/oauth2/v2.0/token",
          "grant_type=client_credentials&client_id=" + FormEscape(config.azure_client_id) +
              "&client_secret=" + FormEscape(config.azure_client_secret) +
              "&scope=" + FormEscape(kAzureDatabricksScope),
          http::Headers{},
          "Check azure_client_id / azure_client_secret / azure_tenant_id (ARM_CLIENT_ID / "
          "ARM_CLIENT_SECRET / ARM_TENANT_ID).",
          config, std::move(transport), std::move(clock));
  }
  return nullptr;
}

}  // namespace dcs::databricks
