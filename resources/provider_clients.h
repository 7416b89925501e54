// The typed provider data: every client the resources use, built once by
// ConfigureProvider from the provider block and handed to resources through
// framework::Context (ClientsOf). One object, one lifetime: the HTTP
// transport (one User-Agent for all APIs), the Databricks workspace client,
// the Azure identity, Docker/buildkitd endpoints and registry sign-in.
//
// Credentials are resolved on first use, once, so data sources and functions
// work offline with an empty `provider "dcs" {}`: building the workspace
// client may run `az`/`databricks` CLIs or read token files, which only a
// resource that calls the API should pay for. The answer, client or error, is
// kept for the provider's lifetime. Thread-safe: Terraform calls resources in
// parallel.
//
// Credentials for a registry host, first match wins: the resource's
// registry_auth block, the provider's registry_auth entry for that host, the
// Docker CLI configuration (auths, credsStore, credHelpers); for Azure
// Container Registries (*.azurecr.io, or listed in acr_login_servers) then
// the provider's Azure identity through ACR's token exchange.
#ifndef DCS_RESOURCES_PROVIDER_CLIENTS_H_
#define DCS_RESOURCES_PROVIDER_CLIENTS_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/azure/azure.h"
#include "clients/azure/identity.h"
#include "clients/databricks/client.h"
#include "clients/databricks/config.h"
#include "clients/docker/buildkitd_client.h"
#include "clients/docker/docker_client.h"
#include "clients/http/http.h"
#include "clients/registry/credentials.h"
#include "clients/registry/registry_client.h"
#include "resources/provider_config.h"
#include "sdk/framework/context.h"
#include "sdk/framework/diagnostics.h"

namespace dcs::resources {

// Credentials given explicitly (resource block); empty = not given.
struct ExplicitCredentials {
  std::string username, password;
  bool empty() const { return username.empty() && password.empty(); }
};

class ProviderClients : public framework::ProviderData {
 public:
  // The test seam: what a unit test puts in place of the real thing. Unset
  // members are built from the configuration as in production.
  struct Injected {
    std::shared_ptr<http::Transport> transport;  // every HTTP client's transport
    std::shared_ptr<http::Clock> clock;
    std::shared_ptr<databricks::Client> workspace;
    std::shared_ptr<azure::TokenCredential> azure;
  };

  explicit ProviderClients(ProviderConfig config, Injected injected = {});

  const ProviderConfig& config() const { return config_; }
  // "terraform-provider-dcs/<version> terraform/<client version>".
  const std::string& user_agent() const { return user_agent_; }

  // The Databricks workspace client. Errors: the credential chain's, which
  // list what was tried.
  absl::StatusOr<std::shared_ptr<databricks::Client>> Workspace() const;

  // Whether any Databricks host is configured (provider block, environment,
  // ~/.databrickscfg profile); a resolution error counts as configured, so
  // that it is reported rather than taken for "no workspace".
  bool WorkspaceConfigured() const;

  // The provider's Azure identity (the Entra ID methods of the chain) for
  // ARM and ACR. Errors: the chain's, listing each method and why it did
  // not apply.
  absl::StatusOr<std::shared_ptr<azure::TokenCredential>> Azure() const;

  // The Azure Resource Manager client for dcs_acr_retention_policy.
  absl::StatusOr<std::shared_ptr<azure::ArmClient>> ResourceManager() const;

  // Connects to the Docker daemon (negotiating the API version: a
  // connection, made per build). Errors: Unavailable with a hint on how to
  // set DOCKER_HOST / docker_host.
  absl::StatusOr<std::unique_ptr<docker::DockerClient>> ConnectDocker() const;

  // The standalone buildkitd of the provider block (`buildkit_host`, else
  // BUILDKIT_HOST; `buildkit_cert_path` for mTLS), or nullopt when none is
  // configured. Errors: InvalidArgument / FailedPrecondition from parsing.
  absl::StatusOr<std::optional<docker::BuildkitdEndpoint>> Buildkitd() const;

  // The credentials for registry `host`: explicit, then the provider's
  // registry_auth, then the Docker CLI config; nullopt when none is known.
  // Every password found is registered with the log redaction.
  absl::StatusOr<std::optional<registry::Credentials>> RegistryCredentials(
      const std::string& host, const ExplicitCredentials& explicit_creds) const;

  // A registry client for `host` with those credentials (anonymous when
  // none, the Azure identity for ACR). One per repository operation: it
  // caches the registry's bearer tokens for that host and credentials.
  // `retry` overrides the default (2 minutes, 5 attempts), e.g. for
  // plan-time lookups.
  absl::StatusOr<std::unique_ptr<registry::RegistryClient>> Registry(
      const std::string& host, const ExplicitCredentials& explicit_creds,
      const http::RetryPolicy* retry = nullptr) const;

  // X-Registry-Auth for a push to `host` from the same resolution.
  absl::StatusOr<docker::AuthConfig> PushAuth(const std::string& host,
                                              const ExplicitCredentials& explicit_creds) const;

  // Whether registry `host` is signed in to with the provider's Azure
  // identity when nothing else is configured (*.azurecr.io/.cn/.us, or
  // listed in acr_login_servers).
  bool UsesAzureIdentity(const std::string& host) const;

 private:
  absl::StatusOr<databricks::ResolvedConfig> Resolve(databricks::HostRequirement host) const;
  absl::StatusOr<std::shared_ptr<databricks::Client>> BuildWorkspace() const;
  absl::StatusOr<std::shared_ptr<azure::TokenCredential>> BuildAzure() const;

  const ProviderConfig config_;
  const std::string user_agent_;
  const std::shared_ptr<http::Transport> transport_;
  const std::shared_ptr<http::Clock> clock_;

  mutable std::once_flag workspace_once_, azure_once_, arm_once_;
  mutable absl::StatusOr<std::shared_ptr<databricks::Client>> workspace_;
  mutable absl::StatusOr<std::shared_ptr<azure::TokenCredential>> azure_;
  mutable absl::StatusOr<std::shared_ptr<azure::ArmClient>> arm_;
};

// The clients ConfigureProvider built for `ctx`. Errors: FailedPrecondition
// when the provider was not configured (validation and functions run
// unconfigured).
absl::StatusOr<const ProviderClients*> ClientsOf(const framework::Context& ctx);

// ClientsOf, or an error diagnostic "Provider not configured"; nullptr then.
const ProviderClients* ClientsOrDiagnose(const framework::Context& ctx, framework::Diagnostics& diagnostics);

// The workspace client, or an error diagnostic "Databricks workspace not
// configured" that says which settings to provide; nullptr then.
std::shared_ptr<databricks::Client> WorkspaceClientOrDiagnose(const framework::Context& ctx,
                                                               framework::Diagnostics& diagnostics);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_PROVIDER_CLIENTS_H_
