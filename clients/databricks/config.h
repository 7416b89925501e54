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
  // env ARM_ENVIRONMENT_AUTHORITY_URL). Tests point it at a local server.
  std::optional<std::string> azure_authority_url;
  std::optional<std::string> profile, config_file;
  std::optional<int> http_timeout_seconds, retry_timeout_seconds;
  std::optional<double> rate_limit;  // requests per second
  bool skip_verify = false;
};

enum class AuthType { kPat, kOAuthM2M, kAzureClientSecret };
std::string_view AuthTypeName(AuthType type);  // "pat", "oauth-m2m", "azure-client-secret"

struct ResolvedConfig {
  std::string host;  // "https://name.cloud.databricks.com", no trailing slash
  AuthType auth_type = AuthType::kPat;
  std::string token, client_id, client_secret;
  std::string azure_client_id, azure_client_secret, azure_tenant_id;
  std::string azure_authority_url = "https://login.microsoftonline.com";
  int http_timeout_seconds = 60;
  int retry_timeout_seconds = 300;
  double rate_limit = 15;
  bool skip_verify = false;
  // Where the settings came from, without values, e.g.
  // "host: environment (DATABRICKS_HOST); token: profile DEFAULT in /h/.databrickscfg".
  std::string sources;
};

using Getenv = std::function<std::optional<std::string>(std::string_view name)>;

// Resolves the configuration. `home_dir` locates ~/.databrickscfg when
// neither config_file nor DATABRICKS_CONFIG_FILE is set. Auth type: PAT if a
// token is set; else OAuth M2M with client_id + client_secret; else Azure SP
// with the azure_* triple. Errors: InvalidArgument when the host or usable
// credentials are missing (the message lists each source and what it
// lacked, never a value), NotFound for a named profile or explicit config
// file that does not exist, InvalidArgument for malformed numbers.
absl::StatusOr<ResolvedConfig> ResolveConfig(const Config& explicit_config, const Getenv& getenv,
                                             std::string_view home_dir);

// "example.com/" -> "https://example.com"; keeps an explicit http(s) scheme.
std::string NormalizeHost(std::string_view host);

// A Getenv over the process environment.
Getenv ProcessGetenv();

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CONFIG_H_
