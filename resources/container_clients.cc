#include "resources/container_clients.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/azure/azure.h"
#include "absl/strings/str_replace.h"
#include "clients/http/http.h"
#include "clients/registry/credentials.h"
#include "provider/log/log.h"
#include "resources/provider.h"
#include "resources/workspace_client.h"

namespace dcs::resources {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string UserAgent(const framework::Context& ctx) {
  const ProviderConfig* p = ProviderConfigOf(ctx);
  return absl::StrCat("terraform-provider-dcs/", p ? p->provider_version : "dev");
}

std::shared_ptr<http::Transport> SharedTransport(const framework::Context& ctx) {
  static std::shared_ptr<http::Transport> transport = http::NewCurlTransport(UserAgent(ctx));
  return transport;
}

constexpr char kAcrNullUser[] = "00000000-0000-0000-0000-000000000000";

// Whether `host` is an Azure Container Registry the provider's Azure identity signs in to.
bool UsesAzureIdentity(const ProviderConfig* p, const std::string& host) {
  const std::string name = host.substr(0, host.find(':'));
  for (const char* suffix : {".azurecr.io", ".azurecr.cn", ".azurecr.us"}) {
    if (absl::EndsWith(name, suffix)) return true;
  }
  if (p) {
    for (const auto& s : p->acr_login_servers) {
      if (s == host) return true;
    }
  }
  return false;
}

// An Entra ID token for the registry exchange, from the provider's Azure
// identity. Audience: ACR's own (https://containerregistry.azure.net), as
// `az acr login` requests it; unlike an ARM-audience token it still works
// when a registry disables "authentication as ARM".
constexpr char kAcrScope[] = "https://containerregistry.azure.net/.default";

std::function<absl::StatusOr<std::string>()> EntraTokenFor(const framework::Context& ctx) {
  const std::string scope = kAcrScope;
  framework::Context copy = ctx;
  return [copy, scope]() -> absl::StatusOr<std::string> {
    auto credential = AzureCredential(copy);
    if (!credential.ok()) return credential.status();
    return (*credential)->Token(scope, nullptr);
  };
}

}  // namespace

std::string ResourceManagerEndpoint(const ProviderConfig* p) {
  std::string endpoint = azure::kDefaultResourceManager;
  if (p && p->azure_resource_manager_endpoint) {
    endpoint = *p->azure_resource_manager_endpoint;
  } else if (const char* env = std::getenv("ARM_RESOURCE_MANAGER_ENDPOINT"); env && *env) {
    endpoint = env;
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

const ProviderConfig* ProviderConfigOf(const framework::Context& ctx) {
  return static_cast<const ProviderConfig*>(ctx.provider.get());
}

absl::StatusOr<std::unique_ptr<docker::DockerClient>> ConnectDocker(const framework::Context& ctx) {
  const ProviderConfig* p = ProviderConfigOf(ctx);
  std::string host = p && p->docker_host ? *p->docker_host : Env("DOCKER_HOST");
  std::string verify = Env("DOCKER_TLS_VERIFY");
  if (p && p->docker_tls_verify) verify = *p->docker_tls_verify ? "1" : "";
  std::string cert_path = p && p->docker_cert_path ? *p->docker_cert_path : Env("DOCKER_CERT_PATH");
  auto endpoint = docker::ParseEndpoint(host, verify, cert_path, Env("HOME"));
  if (!endpoint.ok()) return endpoint.status();
  endpoint->pinned_api_version = Env("DOCKER_API_VERSION");
  return docker::DockerClient::Connect(*std::move(endpoint), SharedTransport(ctx));
}

absl::StatusOr<std::optional<docker::BuildkitdEndpoint>> BuildkitdEndpointOf(const framework::Context& ctx) {
  const ProviderConfig* p = ProviderConfigOf(ctx);
  const std::string host = p && p->buildkit_host ? *p->buildkit_host : Env("BUILDKIT_HOST");
  if (host.empty()) return std::optional<docker::BuildkitdEndpoint>();
  auto e = docker::ParseBuildkitdEndpoint(host, p && p->buildkit_cert_path ? *p->buildkit_cert_path : "");
  if (!e.ok()) return e.status();
  return std::optional<docker::BuildkitdEndpoint>(*std::move(e));
}

absl::StatusOr<std::optional<registry::Credentials>> ResolveRegistryCredentials(
    const framework::Context& ctx, const std::string& host, const ExplicitCredentials& e) {
  if (!e.empty()) {
    log::RegisterSecret(e.password);
    return registry::Credentials{e.username, e.password, ""};
  }
  if (const ProviderConfig* p = ProviderConfigOf(ctx)) {
    for (const auto& c : p->registry_auth) {
      if (c.address == host) return registry::Credentials{c.username, c.password, ""};
    }
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

absl::StatusOr<std::unique_ptr<registry::RegistryClient>> NewRegistryClient(
    const framework::Context& ctx, const std::string& host, const ExplicitCredentials& e,
    const http::RetryPolicy* retry) {
  auto creds = ResolveRegistryCredentials(ctx, host, e);
  if (!creds.ok()) return creds.status();
  registry::RegistryOptions o;
  o.host = host;
  o.transport = SharedTransport(ctx);
  o.retry.total_deadline = std::chrono::minutes(2);
  o.retry.max_attempts = 5;
  if (retry) o.retry = *retry;
  if (creds->has_value()) {
    o.auth.credentials = **creds;
  } else if (UsesAzureIdentity(ProviderConfigOf(ctx), host)) {
    o.auth.entra_access_token = EntraTokenFor(ctx);
  }
  o.auth.discover = false;  // already resolved above
  return registry::RegistryClient::Create(std::move(o));
}

absl::StatusOr<docker::AuthConfig> PushAuth(const framework::Context& ctx, const std::string& host,
                                            const ExplicitCredentials& e) {
  auto creds = ResolveRegistryCredentials(ctx, host, e);
  if (!creds.ok()) return creds.status();
  docker::AuthConfig auth;
  auth.server_address = host;
  if (!creds->has_value() && UsesAzureIdentity(ProviderConfigOf(ctx), host)) {
    // What `az acr login` hands Docker: the null-GUID user with an ACR refresh token.
    auto client = NewRegistryClient(ctx, host, e);
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

void AddContainerError(schema::Diagnostics& d, const absl::Status& status, std::string summary,
                       std::optional<cty::Path> path, const std::string& secret) {
  std::string detail(status.message());
  if (!secret.empty()) absl::StrReplaceAll({{secret, "<redacted>"}}, &detail);
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (detail.find("Docker daemon") != std::string::npos) {
        absl::StrAppend(&detail, "\n\nSet `docker_host` in the provider block or the DOCKER_HOST ",
                        "environment variable (unix:///path/to/docker.sock, or tcp://host:2376 with ",
                        "DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH).");
      }
      break;
    case absl::StatusCode::kFailedPrecondition:
      if (detail.find("DOCKER_CERT_PATH") != std::string::npos) {
        absl::StrAppend(&detail, "\n\nIn the provider block these settings are `docker_host`, ",
                        "`docker_tls_verify` and `docker_cert_path`; they take precedence over DOCKER_HOST, ",
                        "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.");
      }
      break;
    case absl::StatusCode::kUnauthenticated:
      absl::StrAppend(&detail, "\n\nThe registry answered 401 Unauthorized: check the user name and ",
                      "password of `registry_auth` (resource or provider block) or the entry in ",
                      "~/.docker/config.json for this registry.");
      break;
    case absl::StatusCode::kPermissionDenied:
      absl::StrAppend(&detail, "\n\nThe credentials were accepted but lack the permission for this ",
                      "repository (403): grant push/pull (and delete for retention) on it.");
      break;
    default:
      break;
  }
  d.AddError(std::move(summary), std::move(detail), std::move(path));
}

}  // namespace dcs::resources
