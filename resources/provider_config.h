// The provider block's settings, as given (unset = the environment or the
// default decides when a client is built; see provider_clients.h).
#ifndef DCS_RESOURCES_PROVIDER_CONFIG_H_
#define DCS_RESOURCES_PROVIDER_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dcs::resources {

struct ProviderConfig {
  std::optional<std::string> host, token, client_id, client_secret;
  std::optional<std::string> azure_client_id, azure_client_secret, azure_tenant_id;
  std::optional<std::string> profile, config_file;
  // Credential chain (databricks::kAuthTypes): a forced method and the
  // settings of managed identity, workload identity federation and the CLIs.
  std::optional<std::string> auth_type, audience, oidc_token_env, oidc_token_filepath, databricks_cli_path;
  std::optional<std::string> azure_workspace_resource_id;
  std::optional<bool> azure_use_msi;
  std::optional<int64_t> http_timeout_seconds, retry_timeout_seconds;
  std::optional<double> rate_limit;
  bool skip_verify = false;
  // --- Docker / registry / Azure Resource Manager (dcs_image,
  // dcs_acr_retention_policy). Unset = the environment (DOCKER_*, ARM_*,
  // ~/.docker/config.json) decides when a resource needs them.
  std::optional<std::string> docker_host, docker_cert_path;
  std::optional<std::string> buildkit_host, buildkit_cert_path;  // standalone buildkitd
  std::optional<bool> docker_tls_verify;
  struct RegistryCredential {
    std::string address;  // registry host[:port]
    std::string username, password;
  };
  std::vector<RegistryCredential> registry_auth;
  std::optional<std::string> azure_resource_manager_endpoint, azure_authority_host;
  // Registries signed in to with the provider's Azure identity (Entra ID
  // token -> ACR /oauth2/exchange) besides *.azurecr.io / .cn / .us hosts.
  std::vector<std::string> acr_login_servers;
  // --- end of Docker / registry / ARM settings

  // Image preflight at plan (resources/image_preflight.h): "error" (default),
  // "warn" or "off", and the NVIDIA host driver per GPU node type ("*" = any).
  std::optional<std::string> preflight;
  std::map<std::string, std::string> gpu_host_drivers;

  std::string terraform_version;
  std::string provider_version;  // for the User-Agent
};

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_PROVIDER_CONFIG_H_
