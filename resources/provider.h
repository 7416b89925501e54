// The dcs provider: configuration schema and the explicit registration list.
#ifndef DCS_RESOURCES_PROVIDER_H_
#define DCS_RESOURCES_PROVIDER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

#include "provider/framework/provider.h"

namespace dcs::databricks {
class Client;
}
namespace dcs::azure {
class TokenCredential;
}

namespace dcs::resources {

// What the provider block said, kept as given. Credentials are resolved
// lazily by the clients, only when a resource actually calls an API, so data
// sources and functions work offline with an empty `provider "dcs" {}`.
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

  // Built on first use by WorkspaceClient() (workspace_client.h); the answer,
  // client or error, is kept for the provider's lifetime.
  mutable std::mutex clients_mu;
  mutable bool workspace_client_built = false;
  mutable std::shared_ptr<databricks::Client> workspace_client;
  mutable absl::Status workspace_client_error;
  mutable bool azure_credential_built = false;
  mutable std::shared_ptr<azure::TokenCredential> azure_credential;
  mutable absl::Status azure_credential_error;
};

std::unique_ptr<framework::Provider> NewProvider(std::string version);

// Factories of everything the provider registers (one file each).
std::unique_ptr<framework::Resource> NewWorkspaceConfResource();
std::unique_ptr<framework::Resource> NewClusterResource();
std::unique_ptr<framework::Resource> NewInstancePoolResource();
std::unique_ptr<framework::DataSource> NewCompatibilityMatrixDataSource();
std::unique_ptr<framework::Function> NewCudaMinDriverFunction();
std::unique_ptr<framework::Function> NewCudaCompatibleFunction();
std::unique_ptr<framework::Resource> NewImageResource();
std::unique_ptr<framework::Resource> NewAcrRetentionPolicyResource();
std::unique_ptr<framework::Resource> NewAirImageRegistrationResource();

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_PROVIDER_H_
