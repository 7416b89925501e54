#include "resources/workspace_client.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/http/http.h"
#include "provider/log/log.h"
#include "resources/provider.h"

namespace dcs::resources {
namespace {

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

}  // namespace

databricks::Config ClientConfigOf(const ProviderConfig& p) {
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

namespace {

absl::StatusOr<std::shared_ptr<databricks::Client>> Build(const ProviderConfig& p) {
  auto resolved = databricks::ResolveConfig(ClientConfigOf(p), databricks::ProcessGetenv(), HomeDir());
  if (!resolved.ok()) return resolved.status();
  std::string agent = absl::StrCat("terraform-provider-dcs/", p.provider_version);
  if (!p.terraform_version.empty()) absl::StrAppend(&agent, " terraform/", p.terraform_version);
  auto transport = http::NewCurlTransport(agent);
  auto tokens = databricks::SelectTokenSource(*resolved, {.transport = transport, .clock = http::RealClock()});
  if (!tokens.ok()) return tokens.status();
  log::Info("Databricks authentication", {{"auth_type", (*tokens)->method()}});
  return std::make_shared<databricks::Client>(*std::move(resolved), *std::move(tokens), std::move(transport),
                                              http::RealClock(), p.provider_version);
}

std::string HintFor(const absl::Status& status) {
  if (absl::StrContains(status.message(), "FEATURE_DISABLED") && absl::StrContains(status.message(), "enableDcs")) {
    return "Databricks Container Services is off in this workspace. Add a dcs_workspace_conf with "
           "enable_dcs = true and make this resource depend on it (depends_on), or ask a workspace admin to "
           "enable it.";
  }
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      return "Check the credentials of the authentication method named above (auth_type / "
             "DATABRICKS_AUTH_TYPE picks another): a token or client secret must belong to this workspace and "
             "not be expired; a federated token must match a federation policy or federated credential.";
    case absl::StatusCode::kPermissionDenied:
      return "The credentials are valid but lack permission for this operation; ask a workspace admin.";
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return "Check `host` / DATABRICKS_HOST and the network; raise `retry_timeout_seconds` or "
             "`http_timeout_seconds` if the workspace is slow.";
    case absl::StatusCode::kResourceExhausted:
      return "The workspace kept throttling requests; lower `rate_limit` or raise `retry_timeout_seconds`.";
    case absl::StatusCode::kInternal:
      if (absl::StrContains(status.message(), "INTERNAL_ERROR")) {
        return "The workspace reported an internal error of its own; run the apply again later. If it "
               "persists, the problem is on the workspace side (see the Databricks status page).";
      }
      return "The workspace answered something that is not the documented API response; check that `host` "
             "points at a Databricks workspace (not a proxy or login page).";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<databricks::Client>> WorkspaceClient(const framework::Context& ctx) {
  auto* config = static_cast<const ProviderConfig*>(ctx.provider.get());
  if (config == nullptr) {
    return absl::FailedPreconditionError("the provider was not configured before a resource call");
  }
  std::lock_guard<std::mutex> lock(config->clients_mu);
  if (!config->workspace_client_built) {
    auto built = Build(*config);
    config->workspace_client_built = true;
    if (built.ok()) {
      config->workspace_client = *std::move(built);
    } else {
      config->workspace_client_error = built.status();
    }
  }
  if (!config->workspace_client) return config->workspace_client_error;
  return config->workspace_client;
}

absl::StatusOr<std::shared_ptr<azure::TokenCredential>> AzureCredential(const framework::Context& ctx) {
  auto* config = static_cast<const ProviderConfig*>(ctx.provider.get());
  if (config == nullptr) {
    return absl::FailedPreconditionError("the provider was not configured before a resource call");
  }
  std::lock_guard<std::mutex> lock(config->clients_mu);
  if (!config->azure_credential_built) {
    config->azure_credential_built = true;
    auto resolved = databricks::ResolveConfig(ClientConfigOf(*config), databricks::ProcessGetenv(), HomeDir(),
                                              /*require_host=*/false);
    absl::StatusOr<std::unique_ptr<azure::TokenCredential>> cred =
        resolved.ok() ? databricks::SelectAzureCredential(
                            *resolved, {.transport = http::NewCurlTransport(absl::StrCat(
                                            "terraform-provider-dcs/", config->provider_version)),
                                        .clock = http::RealClock()})
                      : absl::StatusOr<std::unique_ptr<azure::TokenCredential>>(resolved.status());
    if (cred.ok()) {
      log::Info("Azure authentication", {{"auth_type", (*cred)->method()}});
      config->azure_credential = std::shared_ptr<azure::TokenCredential>(*std::move(cred));
    } else {
      config->azure_credential_error = cred.status();
    }
  }
  if (!config->azure_credential) return config->azure_credential_error;
  return config->azure_credential;
}

std::shared_ptr<databricks::Client> WorkspaceClientOrDiagnose(const framework::Context& ctx,
                                                               schema::Diagnostics& diagnostics) {
  auto client = WorkspaceClient(ctx);
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

void AddApiError(schema::Diagnostics& diagnostics, const absl::Status& status, std::string summary,
                 std::optional<cty::Path> path) {
  std::string detail(status.message());
  std::string hint = HintFor(status);
  if (!hint.empty()) absl::StrAppend(&detail, "\n\n", hint);
  diagnostics.AddError(std::move(summary), std::move(detail), std::move(path));
}

}  // namespace dcs::resources
