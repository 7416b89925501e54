// PAT, OAuth (client credentials / token exchange), Entra ID and Databricks
// CLI token sources.
#include "clients/databricks/token_sources.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "clients/http/text.h"

namespace dcs::databricks::internal {
namespace {

using Json = nlohmann::json;

class PatSource : public TokenSource {
 public:
  explicit PatSource(std::string token) : header_("Bearer " + token) {}
  absl::StatusOr<std::string> Authorization(const std::atomic<bool>*) override { return header_; }
  std::string method() const override { return "pat"; }

 private:
  std::string header_;
};

// A grant at a Databricks or Entra token endpoint: POSTs the form (with
// optional extra headers) and caches the access token until kRefreshMargin
// before expiry.
class OAuthSource : public TokenSource {
 public:
  OAuthSource(std::string method, std::string url, FormBuilder form, http::Headers headers, std::string hint,
              const ResolvedConfig& config, std::shared_ptr<http::Transport> transport,
              std::shared_ptr<http::Clock> clock)
      : method_(std::move(method)), url_(std::move(url)), form_(std::move(form)), headers_(std::move(headers)),
        hint_(std::move(hint)), timeout_(std::chrono::seconds(config.http_timeout_seconds)),
        clock_(clock), http_(std::move(transport), Policy(config), clock) {}

  absl::StatusOr<std::string> Authorization(const std::atomic<bool>* stop) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!header_.empty() && clock_->Now() + kRefreshMargin < expiry_) return header_;
    return Refresh(stop);
  }
  std::string method() const override { return method_; }

 private:
  static http::RetryPolicy Policy(const ResolvedConfig& config) {
    http::RetryPolicy p;
    p.total_deadline = std::chrono::seconds(config.retry_timeout_seconds);
    return p;
  }

  absl::StatusOr<std::string> Refresh(const std::atomic<bool>* stop) {
    auto form = form_(stop);
    if (!form.ok()) return form.status();
    http::Request req{.method = "POST", .url = url_, .headers = headers_, .body = *form, .timeout = timeout_};
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Accept", "application/json");
    const auto started = clock_->Now();
    auto resp = http_.Send(req, stop);
    if (!resp.ok()) {
      return absl::Status(resp.status().code(),
                          absl::StrCat(method_, ": token request to ", url_, " failed: ", resp.status().message()));
    }
    Json j = Json::parse(resp->body, nullptr, false);
    if (resp->status != 200) return Rejected(*resp, j);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
      return absl::InternalError(absl::StrCat(method_, ": token endpoint ", url_,
                                              " answered without an access_token (HTTP ", resp->status, ", ",
                                              j.is_discarded() ? "not JSON" : "JSON of another shape", ")"));
    }
    std::string token = j["access_token"].get<std::string>();
    dcs::log::RegisterSecret(token);
    std::string type = j.contains("token_type") && j["token_type"].is_string() ? j["token_type"].get<std::string>()
                                                                               : "Bearer";
    // Read through double and clamped to a day: 1e300 cast to int64, or a huge
    // lifetime added to a time point, would be undefined behaviour.
    double lifetime = 3600;
    if (j.contains("expires_in") && j["expires_in"].is_number()) {
      lifetime = j["expires_in"].get<double>();
    } else if (j.contains("expires_in") && j["expires_in"].is_string()) {  // Entra v1 sends strings
      lifetime = std::strtod(j["expires_in"].get<std::string>().c_str(), nullptr);
    }
    const int64_t expires_in = std::isfinite(lifetime) ? static_cast<int64_t>(std::clamp(lifetime, 0.0, 86400.0)) : 3600;
    expiry_ = started + std::chrono::seconds(expires_in);
    header_ = (type.empty() ? std::string("Bearer") : type) + " " + token;
    dcs::log::Debug("obtained access token", {{"@module", "databricks"}, {"auth", method_},
                                              {"expires_in", expires_in}});
    return header_;
  }

  absl::Status Rejected(const http::Response& resp, const Json& j) {
    std::string detail;
    if (j.is_object()) {
      if (j.contains("error") && j["error"].is_string()) detail = j["error"].get<std::string>();
      for (const char* k : {"error_description", "message"}) {
        if (j.contains(k) && j[k].is_string()) {
          detail += (detail.empty() ? "" : ": ") + j[k].get<std::string>();
          break;
        }
      }
    }
    if (detail.empty()) {
      detail = http::text::Utf8Prefix(resp.body, 200);  // whole characters only
      for (char& c : detail) {
        if (c == '\n' || c == '\r') c = ' ';
      }
    }
    std::string msg = absl::StrCat(method_, ": token request to ", url_, " was rejected (HTTP ", resp.status,
                                   "): ", detail);
    if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
      return absl::UnauthenticatedError(absl::StrCat(msg, ". ", hint_));
    }
    return absl::UnavailableError(msg);
  }

  const std::string method_, url_;
  const FormBuilder form_;
  const http::Headers headers_;
  const std::string hint_;
  const std::chrono::milliseconds timeout_;
  std::shared_ptr<http::Clock> clock_;
  http::RetryingClient http_;
  std::mutex mu_;
  std::string header_;
  std::chrono::steady_clock::time_point expiry_{};
};

// An Entra ID identity used for the Azure Databricks resource.
class AzureSource : public TokenSource {
 public:
  explicit AzureSource(std::unique_ptr<azure::TokenCredential> credential) : credential_(std::move(credential)) {}
  absl::StatusOr<std::string> Authorization(const std::atomic<bool>* stop) override {
    auto token = credential_->Token(kAzureDatabricksScope, stop);
    if (!token.ok()) return token.status();
    return "Bearer " + *token;
  }
  std::string method() const override { return credential_->method(); }

 private:
  std::unique_ptr<azure::TokenCredential> credential_;
};

// `databricks auth token --host H` prints {"access_token","token_type","expiry"}
// from the CLI's U2M login cache (refreshing it when needed).
class DatabricksCliSource : public TokenSource {
 public:
  DatabricksCliSource(std::string program, std::string host, const AuthDeps& deps)
      : program_(std::move(program)), host_(std::move(host)), runner_(deps.runner), clock_(deps.clock),
        timeout_(deps.cli_timeout) {}

  absl::StatusOr<std::string> Authorization(const std::atomic<bool>*) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!header_.empty() && clock_->Now() + kRefreshMargin < expiry_) return header_;
    const std::vector<std::string> argv = {program_, "auth", "token", "--host", host_};
    const auto wall = absl::Now();
    const auto started = clock_->Now();
    auto r = runner_(argv, timeout_);
    if (!r.ok()) {
      if (r.status().code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError(absl::StrCat(
            "databricks-cli: the Databricks CLI (", program_, ") is not installed or not on PATH; install it, "
            "run `databricks auth login --host ", host_, "`, or set databricks_cli_path (DATABRICKS_CLI_PATH)"));
      }
      return absl::Status(r.status().code(), absl::StrCat("databricks-cli: ", r.status().message()));
    }
    if (r->exit_code != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "databricks-cli: `databricks auth token --host ", host_, "` failed (exit ", r->exit_code, "): ",
          process::QuoteStderr(r->err), ". Run `databricks auth login --host ", host_, "`"));
    }
    Json j = Json::parse(r->out, nullptr, false);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
        j["access_token"].get<std::string>().empty()) {
      return absl::InternalError(absl::StrCat("databricks-cli: `databricks auth token` printed ", r->out.size(),
                                              " bytes that are not its JSON answer (no access_token); check the "
                                              "CLI (`databricks version`)"));
    }
    const std::string token = j["access_token"].get<std::string>();
    dcs::log::RegisterSecret(token);
    int64_t left = 300;  // unknown expiry: ask again in five minutes
    if (j.contains("expiry") && j["expiry"].is_string()) {
      auto at = azure::ParseExpiry(j["expiry"].get<std::string>());
      if (at.ok()) left = *at - absl::ToUnixSeconds(wall);
    }
    expiry_ = started + std::chrono::seconds(left);
    std::string type = j.contains("token_type") && j["token_type"].is_string() ? j["token_type"].get<std::string>()
                                                                               : "Bearer";
    header_ = (type.empty() ? "Bearer" : type) + " " + token;
    return header_;
  }
  std::string method() const override { return "databricks-cli"; }

 private:
  const std::string program_, host_;
  process::CommandRunner runner_;
  std::shared_ptr<http::Clock> clock_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::string header_;
  std::chrono::steady_clock::time_point expiry_{};
};

class FailingSource : public TokenSource {
 public:
  explicit FailingSource(absl::Status status) : status_(std::move(status)) {}
  absl::StatusOr<std::string> Authorization(const std::atomic<bool>*) override { return status_; }
  std::string method() const override { return "none"; }

 private:
  absl::Status status_;
};

}  // namespace

std::unique_ptr<TokenSource> NewPatSource(std::string token) { return std::make_unique<PatSource>(std::move(token)); }

std::unique_ptr<TokenSource> NewOAuthSource(std::string method, std::string url, FormBuilder form,
                                            http::Headers headers, std::string hint, const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock) {
  return std::make_unique<OAuthSource>(std::move(method), std::move(url), std::move(form), std::move(headers),
                                       std::move(hint), config, std::move(transport), std::move(clock));
}

std::unique_ptr<TokenSource> NewAzureSource(std::unique_ptr<azure::TokenCredential> credential) {
  return std::make_unique<AzureSource>(std::move(credential));
}

std::unique_ptr<TokenSource> NewDatabricksCliSource(std::string program, std::string host, const AuthDeps& deps) {
  return std::make_unique<DatabricksCliSource>(std::move(program), std::move(host), deps);
}

std::unique_ptr<TokenSource> NewFailingSource(absl::Status status) {
  return std::make_unique<FailingSource>(std::move(status));
}

}  // namespace dcs::databricks::internal
