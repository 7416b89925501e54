#include "resources/container_clients.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/http/http.h"
#include "clients/registry/credentials.h"
#include "provider/log/log.h"
#include "resources/provider.h"

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

}  // namespace

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
    const framework::Context& ctx, const std::string& host, const ExplicitCredentials& e) {
  auto creds = ResolveRegistryCredentials(ctx, host, e);
  if (!creds.ok()) return creds.status();
  registry::RegistryOptions o;
  o.host = host;
  o.transport = SharedTransport(ctx);
  o.retry.total_deadline = std::chrono::minutes(2);
  o.retry.max_attempts = 5;
  if (creds->has_value()) o.auth.credentials = **creds;
  o.auth.discover = false;  // already resolved above
  return registry::RegistryClient::Create(std::move(o));
}

absl::StatusOr<docker::AuthConfig> PushAuth(const framework::Context& ctx, const std::string& host,
                                            const ExplicitCredentials& e) {
  auto creds = ResolveRegistryCredentials(ctx, host, e);
  if (!creds.ok()) return creds.status();
  docker::AuthConfig auth;
  auth.server_address = host;
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
