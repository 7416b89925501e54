#include "resources/provider_clients.h"

#include <chrono>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "clients/databricks/auth.h"
#include "clients/databricks/config.h"
#include "clients/docker/endpoint.h"

namespace dcs::resources {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string UserAgentOf(const ProviderConfig& p) {
  std::string agent = absl::StrCat("terraform-provider-dcs/", p.provider_version.empty() ? "dev" : p.provider_version);
  if (!p.terraform_version.empty()) absl::StrAppend(&agent, " terraform/", p.terraform_version);
  return agent;
}

// The provider block as the credential chain's configuration.
databricks::Config ChainConfigOf(const ProviderConfig& p) {
  databricks::Config c;
  c.host = p.host;
  c.token = p.token;
  c.client_id = p.client_id;
  c.client_secret = p.client_secret;
  c.azure_client_id = p.azure_client_id;
  c.azure_client_secret = p.azure_client_secret;
  c.azure_tenant_id = p.azure_tenant_id;
  c.profile = p.profile;
  c.config_file = p.config_file;
  c.auth_type = p.auth_type;
  if (p.azure_use_msi) c.azure_use_msi = *p.azure_use_msi ? "true" : "false";
  c.azure_workspace_resource_id = p.azure_workspace_resource_id;
  c.audience = p.audience;
  c.oidc_token_env = p.oidc_token_env;
  c.oidc_token_filepath = p.oidc_token_filepath;
  c.databricks_cli_path = p.databricks_cli_path;
  c.azure_authority_url = p.azure_authority_host;
  if (p.http_timeout_seconds) c.http_timeout_seconds = static_cast<int>(*p.http_timeout_seconds);
  if (p.retry_timeout_seconds) c.retry_timeout_seconds = static_cast<int>(*p.retry_timeout_seconds);
  c.rate_limit = p.rate_limit;
  c.skip_verify = p.skip_verify;
  return c;
}

constexpr char kAcrNullUser[] = "00000000-0000-0000-0000-000000000000";

// An Entra ID token for the registry exchange, from the provider's Azure
// identity. Audience: ACR's own (https://containerregistry.azure.net), as
// `az acr login` requests it; unlike an ARM-audience token it still works
// when a registry disables "authentication as ARM".
constexpr char kAcrScope[] = "https://containerregistry.azure.net/.default";

}  // namespace

ProviderClients::ProviderClients(ProviderConfig config, Injected injected)
    : config_(std::move(config)),
      user_agent_(UserAgentOf(config_)),
      transport_(injected.transport ? injected.transport : http::NewCurlTransport(user_agent_)),
      clock_(injected.clock ? injected.clock : http::RealClock()),
      workspace_(absl::UnknownError("not built")),
      azure_(absl::UnknownError("not built")),
      arm_(absl::UnknownError("not built")) {
  if (injected.workspace) std::call_once(workspace_once_, [&] { workspace_ = injected.workspace; });
  if (injected.azure) std::call_once(azure_once_, [&] { azure_ = injected.azure; });
}

absl::StatusOr<databricks::ResolvedConfig> ProviderClients::Resolve(databricks::HostRequirement host) const {
  return databricks::ResolveConfig(ChainConfigOf(config_), databricks::ProcessGetenv(), Env("HOME"), host);
}

absl::StatusOr<std::shared_ptr<databricks::Client>> ProviderClients::BuildWorkspace() const {
  DCS_ASSIGN_OR_RETURN(databricks::ResolvedConfig resolved, Resolve(databricks::HostRequirement::kRequired));
  DCS_ASSIGN_OR_RETURN(auto tokens,
                       databricks::SelectTokenSource(resolved, {.transport = transport_, .clock = clock_}));
  log::Info("Databricks authentication", {{"auth_type", tokens->method()}});
  return std::make_shared<databricks::Client>(std::move(resolved), std::move(tokens), transport_, clock_,
                                              user_agent_);
}

absl::StatusOr<std::shared_ptr<azure::TokenCredential>> ProviderClients::BuildAzure() const {
  DCS_ASSIGN_OR_RETURN(databricks::ResolvedConfig resolved, Resolve(databricks::HostRequirement::kOptional));
  DCS_ASSIGN_OR_RETURN(auto credential,
                       databricks::SelectAzureCredential(resolved, {.transport = transport_, .clock = clock_}));
  log::Info("Azure authentication", {{"auth_type", credential->method()}});
  return std::shared_ptr<azure::TokenCredential>(std::move(credential));
}

absl::StatusOr<std::shared_ptr<databricks::Client>> ProviderClients::Workspace() const {
  std::call_once(workspace_once_, [this] { workspace_ = BuildWorkspace(); });
  return workspace_;
}

bool ProviderClients::WorkspaceConfigured() const {
  auto resolved = Resolve(databricks::HostRequirement::kOptional);
  return !resolved.ok() || !resolved->host.empty();
}

absl::StatusOr<std::shared_ptr<azure::TokenCredential>> ProviderClients::Azure() const {
  std::call_once(azure_once_, [this] { azure_ = BuildAzure(); });
  return azure_;
}

absl::StatusOr<std::shared_ptr<azure::ArmClient>> ProviderClients::ResourceManager() const {
  std::call_once(arm_once_, [this] {
    auto credential = Azure();
    if (!credential.ok()) {
      arm_ = credential.status();
      return;
    }
    // Azure Resource Manager URL: provider azure_resource_manager_endpoint,
    // else ARM_RESOURCE_MANAGER_ENDPOINT, else the public cloud's.
    std::string endpoint = config_.azure_resource_manager_endpoint.value_or(Env("ARM_RESOURCE_MANAGER_ENDPOINT"));
    if (endpoint.empty()) endpoint = azure::kDefaultResourceManager;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    http::RetryPolicy retry;
    retry.total_deadline = std::chrono::minutes(2);
    arm_ = std::make_shared<azure::ArmClient>(*credential, endpoint, transport_, retry);
  });
  return arm_;
}

absl::StatusOr<std::unique_ptr<docker::DockerClient>> ProviderClients::ConnectDocker() const {
  const ProviderConfig& p = config_;
  std::string verify = Env("DOCKER_TLS_VERIFY");
  if (p.docker_tls_verify) verify = *p.docker_tls_verify ? "1" : "";
  auto endpoint = docker::ParseEndpoint(p.docker_host.value_or(Env("DOCKER_HOST")), verify,
                                        p.docker_cert_path.value_or(Env("DOCKER_CERT_PATH")), Env("HOME"));
  if (!endpoint.ok()) return endpoint.status();
  endpoint->pinned_api_version = Env("DOCKER_API_VERSION");
  return docker::DockerClient::Connect(*std::move(endpoint), transport_);
}

absl::StatusOr<std::optional<docker::BuildkitdEndpoint>> ProviderClients::Buildkitd() const {
  const std::string host = config_.buildkit_host.value_or(Env("BUILDKIT_HOST"));
  if (host.empty()) return std::optional<docker::BuildkitdEndpoint>();
  auto e = docker::ParseBuildkitdEndpoint(host, config_.buildkit_cert_path.value_or(""));
  if (!e.ok()) return e.status();
  return std::optional<docker::BuildkitdEndpoint>(*std::move(e));
}

bool ProviderClients::UsesAzureIdentity(const std::string& host) const {
  const std::string name = host.substr(0, host.find(':'));
  for (const char* suffix : {".azurecr.io", ".azurecr.cn", ".azurecr.us"}) {
    if (absl::EndsWith(name, suffix)) return true;
  }
  for (const auto& s : config_.acr_login_servers) {
    if (s == host) return true;
  }
  return false;
}

absl::StatusOr<std::optional<registry::Credentials>> ProviderClients::RegistryCredentials(
    const std::string& host, const ExplicitCredentials& e) const {
  if (!e.empty()) {
    log::RegisterSecret(e.password);
    return registry::Credentials{e.username, e.password, ""};
  }
  for (const auto& c : config_.registry_auth) {
    if (c.address == host) return registry::Credentials{c.username, c.password, ""};
  }
  auto store = registry::CredentialStore::Load(registry::CredentialStore::DefaultConfigPath());
  if (!store.ok()) return store.status();
  auto found = store->Lookup(host);
  if (found.ok() && found->has_value()) {
    log::RegisterSecret((*found)->password);
    log::RegisterSecret((*found)->identity_token);
  }
  return found;
}

absl::StatusOr<std::unique_ptr<registry::RegistryClient>> ProviderClients::Registry(
    const std::string& host, const ExplicitCredentials& e, const http::RetryPolicy* retry) const {
  auto creds = RegistryCredentials(host, e);
  if (!creds.ok()) return creds.status();
  registry::RegistryOptions o;
  o.host = host;
  o.transport = transport_;
  o.retry.total_deadline = std::chrono::minutes(2);
  o.retry.max_attempts = 5;
  if (retry) o.retry = *retry;
  if (creds->has_value()) {
    o.auth.credentials = **creds;
  } else if (UsesAzureIdentity(host)) {
    o.auth.entra_access_token = [this]() -> absl::StatusOr<std::string> {
      auto credential = Azure();
      if (!credential.ok()) return credential.status();
      return (*credential)->Token(kAcrScope, nullptr);
    };
  }
  o.auth.discover = false;  // already resolved above
  return registry::RegistryClient::Create(std::move(o));
}

absl::StatusOr<docker::AuthConfig> ProviderClients::PushAuth(const std::string& host,
                                                             const ExplicitCredentials& e) const {
  auto creds = RegistryCredentials(host, e);
  if (!creds.ok()) return creds.status();
  docker::AuthConfig auth;
  auth.server_address = host;
  if (!creds->has_value() && UsesAzureIdentity(host)) {
    // What `az acr login` hands Docker: the null-GUID user with an ACR refresh token.
    auto client = Registry(host, e);
    if (!client.ok()) return client.status();
    auto refresh = (*client)->AcrRefreshTokenForDocker();
    if (!refresh.ok()) {
      return absl::Status(refresh.status().code(),
                          absl::StrCat("signing in to ", host, " with the provider's Azure identity: ",
                                       refresh.status().message()));
    }
    log::RegisterSecret(*refresh);
    auth.username = kAcrNullUser;
    auth.password = *refresh;
    return auth;
  }
  if (creds->has_value()) {
    auth.username = (*creds)->username;
    auth.password = (*creds)->password;
    auth.identity_token = (*creds)->identity_token;
  }
  return auth;
}

absl::StatusOr<const ProviderClients*> ClientsOf(const framework::Context& ctx) {
  const auto* clients = framework::ProviderDataAs<ProviderClients>(ctx);
  if (clients == nullptr) {
    return absl::FailedPreconditionError("the provider was not configured before a resource call");
  }
  return clients;
}

const ProviderClients* ClientsOrDiagnose(const framework::Context& ctx, framework::Diagnostics& diagnostics) {
  auto clients = ClientsOf(ctx);
  if (clients.ok()) return *clients;
  diagnostics.AddError("Provider not configured",
                       absl::StrCat(clients.status().message(),
                                    ". This is a bug in the client or the provider: please report it."));
  return nullptr;
}

std::shared_ptr<databricks::Client> WorkspaceClientOrDiagnose(const framework::Context& ctx,
                                                               framework::Diagnostics& diagnostics) {
  auto clients = ClientsOf(ctx);
  auto client = clients.ok() ? (*clients)->Workspace()
                             : absl::StatusOr<std::shared_ptr<databricks::Client>>(clients.status());
  if (client.ok()) return *client;
  diagnostics.AddError(
      "Databricks workspace not configured",
      absl::StrCat(client.status().message(),
                   "\n\nSet `host` (DATABRICKS_HOST) and one way to authenticate: a token, an OAuth or Entra ID "
                   "client secret, a managed identity (azure_use_msi), a federated token (GitHub Actions, "
                   "DATABRICKS_OIDC_TOKEN, ARM_OIDC_TOKEN), or sign in with `az login` / `databricks auth login`; "
                   "in the provider block, the environment or a ~/.databrickscfg profile."));
  return nullptr;
}

}  // namespace dcs::resources
