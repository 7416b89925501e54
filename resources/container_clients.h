// Docker Engine and registry clients for dcs_image, built from the provider
// block (docker_host, docker_cert_path, docker_tls_verify, registry_auth) and
// the environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
// DOCKER_API_VERSION, ~/.docker/config.json).
//
// Credentials for a registry host, first match wins: the resource's
// registry_auth block, the provider's registry_auth entry for that host, the
// Docker CLI configuration (auths, credsStore, credHelpers); for Azure
// Container Registries (*.azurecr.io, or listed in acr_login_servers) then
// the provider's Azure identity through ACR's token exchange.
#ifndef DCS_RESOURCES_CONTAINER_CLIENTS_H_
#define DCS_RESOURCES_CONTAINER_CLIENTS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/docker/buildkitd_client.h"
#include "clients/docker/docker_client.h"
#include "clients/registry/reference.h"
#include "clients/registry/registry_client.h"
#include "provider/framework/context.h"
#include "provider/schema/diagnostics.h"

namespace dcs::resources {

struct ProviderConfig;

// Credentials given explicitly (resource block); empty = not given.
struct ExplicitCredentials {
  std::string username, password;
  bool empty() const { return username.empty() && password.empty(); }
};

// Azure Resource Manager URL: provider azure_resource_manager_endpoint, else
// ARM_RESOURCE_MANAGER_ENDPOINT, else https://management.azure.com.
std::string ResourceManagerEndpoint(const ProviderConfig* p);

// The provider configuration behind `ctx`, or nullptr (unconfigured).
const ProviderConfig* ProviderConfigOf(const framework::Context& ctx);

// Connects to the Docker daemon (negotiating the API version). Errors:
// Unavailable with a hint on how to set DOCKER_HOST / docker_host.
absl::StatusOr<std::unique_ptr<docker::DockerClient>> ConnectDocker(const framework::Context& ctx);

// The credentials for `host`: explicit, then the provider's registry_auth,
// then the Docker CLI config; nullopt when none is known.
absl::StatusOr<std::optional<registry::Credentials>> ResolveRegistryCredentials(
    const framework::Context& ctx, const std::string& host, const ExplicitCredentials& explicit_creds);

// A registry client for `host` with the resolved credentials (anonymous when
// none). Every password is registered with the log redaction. `retry`
// overrides the default (2 minutes, 5 attempts), e.g. for plan-time lookups.
absl::StatusOr<std::unique_ptr<registry::RegistryClient>> NewRegistryClient(
    const framework::Context& ctx, const std::string& host, const ExplicitCredentials& explicit_creds,
    const http::RetryPolicy* retry = nullptr);

// X-Registry-Auth for a push to `host` from the same resolution.
absl::StatusOr<docker::AuthConfig> PushAuth(const framework::Context& ctx, const std::string& host,
                                            const ExplicitCredentials& explicit_creds);

// The standalone buildkitd of the provider block (`buildkit_host`, else
// BUILDKIT_HOST; `buildkit_cert_path` for mTLS), or nullopt when none is
// configured. Errors: InvalidArgument / FailedPrecondition from parsing.
absl::StatusOr<std::optional<docker::BuildkitdEndpoint>> BuildkitdEndpointOf(const framework::Context& ctx);

// A user-facing diagnostic for a Docker / registry failure: the summary names
// the operation, the detail quotes the error and adds what to do about it
// (DOCKER_HOST for an unreachable daemon, credentials for 401/403). `secret`
// is scrubbed from the text.
void AddContainerError(schema::Diagnostics& diagnostics, const absl::Status& status,
                       std::string summary, std::optional<cty::Path> path,
                       const std::string& secret = "");

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_CONTAINER_CLIENTS_H_
