// Databricks client configuration: explicit settings, environment variables
// and ~/.databrickscfg profiles resolved into one ResolvedConfig.
//
// Precedence per attribute: explicit > environment > config-file profile.
// Like the official SDKs, the config file is not read when no profile is
// named (explicitly or via DATABRICKS_CONFIG_PROFILE) and a host or any
// credential is already set: this keeps a token from a DEFAULT profile from
// being sent to a host configured elsewhere.
#ifndef DCS_CLIENTS_DATABRICKS_CONFIG_H_
#define DCS_CLIENTS_DATABRICKS_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dcs::databricks {

struct Config {
  std::optional<std::string> host, token, client_id, client_secret;
  std::optional<std::string> azure_client_id, azure_client_secret, azure_tenant_id;
  // Microsoft Entra ID authority (default https://login.microsoftonline.com;
  // env ARM_ENVIRONMENT_AUTHORITY_URL, else AZURE_AUTHORITY_HOST). Tests point
  // it at a local server.
  std::optional<std::string> azure_authority_url;
  // One method of the chain (kAuthTypes), env DATABRICKS_AUTH_TYPE.
  std::optional<std::string> auth_type;
  // "true" enables azure-msi (ARM_USE_MSI); the metadata endpoint (ARM_MSI_ENDPOINT).
  std::optional<std::string> azure_use_msi, azure_msi_endpoint;
  std::optional<std::string> azure_workspace_resource_id, azure_subscription_id;
  // Workload identity federation: audience of the federated token
  // (DATABRICKS_TOKEN_AUDIENCE), the variable holding it for env-oidc
  // (DATABRICKS_OIDC_TOKEN_ENV, default DATABRICKS_OIDC_TOKEN), the file for
  // file-oidc (DATABRICKS_OIDC_TOKEN_FILEPATH).
  std::optional<std::string> audience, oidc_token_env, oidc_token_filepath;
  // azure-oidc (azurerm's names): ARM_USE_OIDC, ARM_OIDC_TOKEN_FILE_PATH.
  std::optional<std::string> azure_use_oidc, azure_oidc_token_file_path;
  std::optional<std::string> databricks_cli_path;  // DATABRICKS_CLI_PATH
  std::optional<std::string> profile, config_file;
  std::optional<int> http_timeout_seconds, retry_timeout_seconds;
  std::optional<double> rate_limit;  // requests per second
  bool skip_verify = false;
};

// The auth_type names of Databricks unified authentication that dcs
// implements, in the order the chain tries them (the SDKs' order; azure-oidc
// is dcs's name for azurerm's OIDC settings).
inline constexpr const char* kAuthTypes[] = {
    "pat",       "oauth-m2m",         "databricks-cli", "github-oidc", "env-oidc",            "file-oidc",
    "github-oidc-azure", "azure-oidc", "azure-msi",      "azure-client-secret", "azure-cli"};
bool IsAuthType(std::string_view name);
// "pat, oauth-m2m, …" for error messages.
std::string AuthTypeList();

struct ResolvedConfig {
  std::string host;  // "https://name.cloud.databricks.com", no trailing slash
  std::string auth_type;  // a forced method (kAuthTypes); empty = try the chain
  std::string token, client_id, client_secret;
  std::string azure_client_id, azure_client_secret, azure_tenant_id;
  std::string azure_authority_url = "https://login.microsoftonline.com";
  bool azure_use_msi = false;
  std::string azure_msi_endpoint;  // empty = the instance metadata service
  std::string azure_workspace_resource_id, azure_subscription_id;
  std::string audience, oidc_token_env, oidc_token_filepath;
  std::string actions_id_token_request_url, actions_id_token_request_token;
  bool azure_use_oidc = false;
  std::string azure_oidc_token, azure_oidc_token_file_path, azure_oidc_request_url, azure_oidc_request_token;
  std::string databricks_cli_path;
  int http_timeout_seconds = 60;
  int retry_timeout_seconds = 300;
  double rate_limit = 15;
  bool skip_verify = false;
  // Where the settings came from, without values, e.g.
  // "host: environment (DATABRICKS_HOST); token: profile DEFAULT in /h/.databrickscfg".
  std::string sources;
  // Why the config file contributed nothing, if it did not (e.g. "config
  // file /h/.databrickscfg not read (settings already given and no profile named)").
  std::string config_file_note;
};

using Getenv = std::function<std::optional<std::string>(std::string_view name)>;

// Resolves the configuration. `home_dir` locates ~/.databrickscfg when
// neither config_file nor DATABRICKS_CONFIG_FILE is set. Which credential is
// used is decided later by the chain (auth.h). Errors: InvalidArgument when
// the host is missing and required (the message also lists incomplete
// credential sets and, per source, what it provided, never a value), for an
// unknown auth_type and for malformed or out-of-range numbers; NotFound for a
// named profile or explicit config file that does not exist.
// Whether a workspace host must be found: the Azure identity alone (ARM,
// ACR) needs none.
enum class HostRequirement { kRequired, kOptional };

absl::StatusOr<ResolvedConfig> ResolveConfig(const Config& explicit_config, const Getenv& getenv,
                                             std::string_view home_dir,
                                             HostRequirement host_requirement = HostRequirement::kRequired);

// "example.com/" -> "https://example.com"; keeps an explicit http(s) scheme.
std::string NormalizeHost(std::string_view host);

// A Getenv over the process environment.
Getenv ProcessGetenv();

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CONFIG_H_
