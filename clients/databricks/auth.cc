// The credential chain: which auth_type applies, in the SDKs' order.
#include "clients/databricks/auth.h"

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/log.h"
#include "clients/azure/id_token.h"
#include "clients/databricks/token_sources.h"

namespace dcs::databricks {
namespace {

// A method either configures a source, or says why it does not apply
// (`*why` set, nullptr returned), or fails (an error).
template <typename T>
using Configure = std::function<absl::StatusOr<std::unique_ptr<T>>(const ResolvedConfig&, const AuthDeps&,
                                                                   std::string* why)>;

template <typename T>
struct Method {
  const char* name;
  Configure<T> configure;
};

std::string TokenEndpoint(const ResolvedConfig& c) { return c.host + "/oidc/v1/token"; }

// The audience requested for a federated token meant for Databricks: the
// configured one, else the workspace's token endpoint (the SDKs' default).
std::string DatabricksAudience(const ResolvedConfig& c) {
  return c.audience.empty() ? TokenEndpoint(c) : c.audience;
}

// RFC 8693 token exchange of a federated JWT at the workspace.
std::unique_ptr<TokenSource> TokenExchange(const char* method, azure::AssertionSupplier subject,
                                           const ResolvedConfig& c, const AuthDeps& deps,
                                           bool requests_audience = false) {
  const std::string client_id = c.client_id;
  internal::FormBuilder form = [subject, client_id](const std::atomic<bool>* stop) -> absl::StatusOr<std::string> {
    auto jwt = subject(stop);
    if (!jwt.ok()) return jwt.status();
    std::string body = absl::StrCat(
        "grant_type=", FormEscape("urn:ietf:params:oauth:grant-type:token-exchange"),
        "&subject_token_type=", FormEscape("urn:ietf:params:oauth:token-type:jwt"),
        "&subject_token=", FormEscape(*jwt), "&scope=all-apis");
    if (!client_id.empty()) absl::StrAppend(&body, "&client_id=", FormEscape(client_id));
    return body;
  };
  return internal::NewOAuthSource(
      method, TokenEndpoint(c), std::move(form), http::Headers{},
      absl::StrCat("The workspace refused the federated token: a federation policy of the service principal",
                   client_id.empty() ? "" : " " + client_id + " (client_id / DATABRICKS_CLIENT_ID)",
                   " or of the account must trust its issuer, audience and subject",
                   requests_audience ? absl::StrCat(" (requested audience ", DatabricksAudience(c),
                                                    ", audience / DATABRICKS_TOKEN_AUDIENCE)")
                                     : std::string(" (the token's aud claim; the workspace's default is ") +
                                           TokenEndpoint(c) + ")",
                   ", and the token must not be expired"),
      c, deps.transport, deps.clock);
}

azure::EntraOptions EntraOptionsOf(const ResolvedConfig& c) {
  azure::EntraOptions o;
  o.authority = c.azure_authority_url;
  o.tenant_id = c.azure_tenant_id;
  o.client_id = c.azure_client_id;
  o.timeout = std::chrono::seconds(c.http_timeout_seconds);
  o.retry.total_deadline = std::chrono::seconds(c.retry_timeout_seconds);
  return o;
}

// Why an Entra app method cannot run: the app id and tenant are needed.
std::string MissingEntraApp(const ResolvedConfig& c) {
  std::vector<std::string> missing;
  if (c.azure_client_id.empty()) missing.push_back("azure_client_id (ARM_CLIENT_ID)");
  if (c.azure_tenant_id.empty()) missing.push_back("azure_tenant_id (ARM_TENANT_ID)");
  return missing.empty() ? "" : "needs " + absl::StrJoin(missing, " and ");
}

azure::AssertionSupplier GithubToken(const char* method, const ResolvedConfig& c, const std::string& audience,
                                     const AuthDeps& deps) {
  return azure::IdTokenFromRequestUrl(method, c.actions_id_token_request_url, c.actions_id_token_request_token,
                                      audience, deps.transport, std::chrono::seconds(c.http_timeout_seconds));
}

std::vector<Method<azure::TokenCredential>> AzureMethods() {
  using Cred = std::unique_ptr<azure::TokenCredential>;
  return {
      {"github-oidc-azure",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Cred> {
         if (c.actions_id_token_request_url.empty() || c.actions_id_token_request_token.empty()) {
           *why = "not running in GitHub Actions with `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL / "
                  "ACTIONS_ID_TOKEN_REQUEST_TOKEN unset)";
           return nullptr;
         }
         if (*why = MissingEntraApp(c); !why->empty()) return nullptr;
         return azure::NewClientAssertionCredential(
             "github-oidc-azure", EntraOptionsOf(c),
             GithubToken("github-oidc-azure", c, azure::kEntraFederationAudience, d), d.transport, d.clock);
       }},
      {"azure-oidc",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Cred> {
         const std::string request_url =
             c.azure_oidc_request_url.empty() ? c.actions_id_token_request_url : c.azure_oidc_request_url;
         const std::string request_token =
             c.azure_oidc_request_token.empty() ? c.actions_id_token_request_token : c.azure_oidc_request_token;
         azure::AssertionSupplier supplier;
         if (!c.azure_oidc_token.empty()) {
           supplier = azure::IdTokenFromEnv("azure-oidc", "ARM_OIDC_TOKEN", c.azure_oidc_token);
         } else if (!c.azure_oidc_token_file_path.empty()) {
           supplier = azure::IdTokenFromFile("azure-oidc", "ARM_OIDC_TOKEN_FILE_PATH", c.azure_oidc_token_file_path);
         } else if (c.azure_use_oidc && !request_url.empty() && !request_token.empty()) {
           supplier = azure::IdTokenFromRequestUrl("azure-oidc", request_url, request_token,
                                                   azure::kEntraFederationAudience, d.transport,
                                                   std::chrono::seconds(c.http_timeout_seconds));
         } else {
           *why = c.azure_use_oidc ? "ARM_USE_OIDC is set but there is no token: set ARM_OIDC_TOKEN, "
                                     "ARM_OIDC_TOKEN_FILE_PATH or ARM_OIDC_REQUEST_URL + ARM_OIDC_REQUEST_TOKEN"
                                   : "no ARM_OIDC_TOKEN / ARM_OIDC_TOKEN_FILE_PATH, and ARM_USE_OIDC is not true";
           return nullptr;
         }
         if (*why = MissingEntraApp(c); !why->empty()) return nullptr;
         return azure::NewClientAssertionCredential("azure-oidc", EntraOptionsOf(c), std::move(supplier),
                                                    d.transport, d.clock);
       }},
      {"azure-msi",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Cred> {
         if (!c.azure_use_msi) {
           *why = "azure_use_msi (ARM_USE_MSI) is not true";
           return nullptr;
         }
         azure::ManagedIdentityOptions o;
         if (!c.azure_msi_endpoint.empty()) o.endpoint = c.azure_msi_endpoint;
         o.client_id = c.azure_client_id;
         o.timeout = std::chrono::seconds(std::min(c.http_timeout_seconds, 30));
         o.retry.total_deadline = std::chrono::seconds(std::min(c.retry_timeout_seconds, 60));
         return azure::NewManagedIdentityCredential(o, d.transport, d.clock);
       }},
      {"azure-client-secret",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Cred> {
         if (c.azure_client_secret.empty()) {
           *why = "no azure_client_secret (ARM_CLIENT_SECRET)";
           return nullptr;
         }
         if (*why = MissingEntraApp(c); !why->empty()) return nullptr;
         return azure::NewClientSecretCredential(EntraOptionsOf(c), c.azure_client_secret, d.transport, d.clock);
       }},
      {"azure-cli",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Cred> {
         azure::AzureCliOptions o;
         o.tenant_id = c.azure_tenant_id;
         o.subscription_id = c.azure_subscription_id;
         o.timeout = d.cli_timeout;
         auto cred = azure::NewAzureCliCredential(o, d.runner, d.clock);
         // Like the SDKs, find out now whether az is installed and signed in.
         auto probe = cred->Token(kAzureDatabricksScope, nullptr);
         if (!probe.ok()) {
           if (probe.status().code() == absl::StatusCode::kFailedPrecondition) {
             *why = std::string(probe.status().message());
             return nullptr;
           }
           return probe.status();
         }
         return cred;
       }},
  };
}

std::vector<Method<TokenSource>> WorkspaceMethods() {
  using Src = std::unique_ptr<TokenSource>;
  std::vector<Method<TokenSource>> methods = {
      {"pat",
       [](const ResolvedConfig& c, const AuthDeps&, std::string* why) -> absl::StatusOr<Src> {
         if (c.token.empty()) {
           *why = "no token (DATABRICKS_TOKEN)";
           return nullptr;
         }
         dcs::log::RegisterSecret(c.token);
         return internal::NewPatSource(c.token);
       }},
      {"oauth-m2m",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Src> {
         if (c.client_id.empty() || c.client_secret.empty()) {
           *why = c.client_id.empty() ? "no client_id + client_secret (DATABRICKS_CLIENT_ID / "
                                        "DATABRICKS_CLIENT_SECRET)"
                                      : "client_id is set but client_secret (DATABRICKS_CLIENT_SECRET) is not";
           return nullptr;
         }
         // RFC 6749 §2.3.1: form-encode id and secret, then base64 "id:secret".
         const std::string basic = Base64Encode(FormEscape(c.client_id) + ":" + FormEscape(c.client_secret));
         dcs::log::RegisterSecret(c.client_secret);
         dcs::log::RegisterSecret(FormEscape(c.client_secret));
         dcs::log::RegisterSecret(basic);
         return internal::NewOAuthSource(
             "oauth-m2m", TokenEndpoint(c),
             [](const std::atomic<bool>*) -> absl::StatusOr<std::string> {
               return std::string("grant_type=client_credentials&scope=all-apis");
             },
             http::Headers{{"Authorization", "Basic " + basic}},
             "Check client_id / client_secret (DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET) of the "
             "service principal.",
             c, d.transport, d.clock);
       }},
      {"databricks-cli",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Src> {
         const std::string program = c.databricks_cli_path.empty() ? "databricks" : c.databricks_cli_path;
         auto src = internal::NewDatabricksCliSource(program, c.host, d);
         auto probe = src->Authorization(nullptr);
         if (!probe.ok()) {
           if (probe.status().code() == absl::StatusCode::kFailedPrecondition) {
             *why = std::string(probe.status().message());
             return nullptr;
           }
           return probe.status();
         }
         return src;
       }},
      {"github-oidc",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Src> {
         if (c.actions_id_token_request_url.empty() || c.actions_id_token_request_token.empty()) {
           *why = "not running in GitHub Actions with `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL / "
                  "ACTIONS_ID_TOKEN_REQUEST_TOKEN unset)";
           return nullptr;
         }
         if (c.client_id.empty()) {
           *why = "needs client_id (DATABRICKS_CLIENT_ID) of the service principal with the federation policy";
           return nullptr;
         }
         return TokenExchange("github-oidc", GithubToken("github-oidc", c, DatabricksAudience(c), d), c, d,
                              /*requests_audience=*/true);
       }},
      {"env-oidc",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Src> {
         const std::string variable = c.oidc_token_env.empty() ? "DATABRICKS_OIDC_TOKEN" : c.oidc_token_env;
         auto value = d.getenv(variable);
         if (!value || value->empty()) {
           *why = absl::StrCat("the environment variable ", variable, " is not set",
                               c.oidc_token_env.empty() ? " (DATABRICKS_OIDC_TOKEN_ENV can name another variable)" : "");
           return nullptr;
         }
         return TokenExchange("env-oidc", azure::IdTokenFromEnv("env-oidc", variable, *value), c, d);
       }},
      {"file-oidc",
       [](const ResolvedConfig& c, const AuthDeps& d, std::string* why) -> absl::StatusOr<Src> {
         if (c.oidc_token_filepath.empty()) {
           *why = "no databricks_id_token_filepath (DATABRICKS_OIDC_TOKEN_FILEPATH)";
           return nullptr;
         }
         return TokenExchange("file-oidc",
                              azure::IdTokenFromFile("file-oidc", "DATABRICKS_OIDC_TOKEN_FILEPATH",
                                                     c.oidc_token_filepath),
                              c, d);
       }},
  };
  for (auto& m : AzureMethods()) {
    auto configure = m.configure;
    methods.push_back({m.name, [configure](const ResolvedConfig& c, const AuthDeps& d,
                                           std::string* why) -> absl::StatusOr<Src> {
                         auto cred = configure(c, d, why);
                         if (!cred.ok()) return cred.status();
                         if (*cred == nullptr) return nullptr;
                         return internal::NewAzureSource(*std::move(cred));
                       }});
  }
  return methods;
}

AuthDeps WithDefaults(AuthDeps d) {
  if (!d.runner) d.runner = process::DefaultRunner();
  if (!d.getenv) d.getenv = ProcessGetenv();
  if (!d.clock) d.clock = http::RealClock();
  return d;
}

template <typename T>
absl::StatusOr<std::unique_ptr<T>> Select(const std::vector<Method<T>>& methods, const ResolvedConfig& c,
                                          const AuthDeps& deps, const char* what) {
  std::vector<std::string> tried;
  for (const auto& m : methods) {
    if (!c.auth_type.empty() && c.auth_type != m.name) continue;
    std::string why;
    auto got = m.configure(c, deps, &why);
    if (!got.ok()) return got.status();
    if (*got != nullptr) {
      dcs::log::Debug("authentication method selected", {{"@module", "databricks"}, {"auth_type", m.name}});
      return std::move(*got);
    }
    if (!c.auth_type.empty()) {
      if (why.rfind(std::string(m.name) + ": ", 0) == 0) why = why.substr(std::string(m.name).size() + 2);
      return absl::InvalidArgumentError(absl::StrCat("auth_type \"", c.auth_type, "\" was requested for ", what,
                                                     " (provider auth_type or DATABRICKS_AUTH_TYPE) but cannot be "
                                                     "used: ", why));
    }
    // Reasons from a probe already start with the method's name.
    if (why.rfind(std::string(m.name) + ": ", 0) == 0) why = why.substr(std::string(m.name).size() + 2);
    tried.push_back(absl::StrCat(m.name, ": ", why));
  }
  if (!c.auth_type.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("auth_type \"", c.auth_type, "\" cannot be used for ", what));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "no authentication method applies for ", what, ". Tried, in order:\n  - ", absl::StrJoin(tried, "\n  - "),
      "\nSettings found: ", c.sources.empty() ? "none" : c.sources,
      c.config_file_note.empty() ? "" : "; " + c.config_file_note,
      ".\nSet up one of them, or force one with auth_type / DATABRICKS_AUTH_TYPE."));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenSource>> SelectTokenSource(const ResolvedConfig& config, AuthDeps deps) {
  return Select(WorkspaceMethods(), config, WithDefaults(std::move(deps)),
                ("the Databricks workspace " + config.host).c_str());
}

absl::StatusOr<std::unique_ptr<azure::TokenCredential>> SelectAzureCredential(const ResolvedConfig& config,
                                                                              AuthDeps deps) {
  ResolvedConfig c = config;
  bool azure_forced = false;
  for (const auto& m : AzureMethods()) azure_forced |= c.auth_type == m.name;
  if (!azure_forced) c.auth_type.clear();  // e.g. pat for the workspace, the Azure chain for ARM/ACR
  return Select(AzureMethods(), c, WithDefaults(std::move(deps)), "Azure (Microsoft Entra ID)");
}

std::unique_ptr<TokenSource> NewTokenSource(const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock) {
  auto selected = SelectTokenSource(config, AuthDeps{.transport = std::move(transport), .clock = std::move(clock)});
  if (!selected.ok()) return internal::NewFailingSource(selected.status());
  return *std::move(selected);
}

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

}  // namespace dcs::databricks
