#include "resources/provider.h"

#include "base/log.h"
#include "clients/databricks/config.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using schema::Attribute;
using schema::Mode;
namespace fw = framework;

// Docker, registry and ARM settings of dcs_image / dcs_acr_retention_policy.
void AddContainerSettings(schema::Schema& s) {
  const cty::Type S = cty::Type::String();
  auto& a = s.block.attributes;
  a.push_back(Attribute{.name = "docker_host", .type = S, .description = "Docker Engine endpoint for `dcs_image` builds: `unix:///path/docker.sock` or `tcp://host:port`. Environment: `DOCKER_HOST` (default `unix:///var/run/docker.sock`)."});
  a.push_back(Attribute{.name = "buildkit_host", .type = S, .description = "A standalone buildkitd for `dcs_image` builds (shared build fleets): `unix:///path/buildkitd.sock` or `tcp://host:port` (mutual TLS with `buildkit_cert_path`). When set, images whose `builder` is not `classic` are built and pushed by that buildkitd (its built-in Dockerfile frontend: heredocs, `RUN --mount`, registry cache with `cache_from`/`cache_to`) instead of the Docker engine. Environment: `BUILDKIT_HOST`."});
  a.push_back(Attribute{.name = "buildkit_cert_path", .type = S, .description = "Directory with `ca.pem` (the CA of buildkitd's certificate), `cert.pem` and `key.pem` (the client certificate buildkitd's `--tlscacert` trusts) for a `tcp://` `buildkit_host`."});
  a.push_back(Attribute{.name = "docker_cert_path", .type = S, .description = "Directory with `ca.pem`, `cert.pem` and `key.pem` for a TLS `tcp://` Docker host. Environment: `DOCKER_CERT_PATH`."});
  a.push_back(Attribute{.name = "docker_tls_verify", .type = cty::Type::Bool(), .description = "Use TLS and verify the Docker host against `ca.pem`. Environment: `DOCKER_TLS_VERIFY`."});
  a.push_back(Attribute{.name = "azure_resource_manager_endpoint", .type = S, .description = "Azure Resource Manager URL for `dcs_acr_retention_policy` (default `https://management.azure.com`). Environment: `ARM_RESOURCE_MANAGER_ENDPOINT`."});
  a.push_back(Attribute{.name = "azure_authority_host", .type = S, .description = "Microsoft Entra ID authority for every Entra ID token (workspace, ARM, ACR; default `https://login.microsoftonline.com`). Environment: `AZURE_AUTHORITY_HOST` or `ARM_ENVIRONMENT_AUTHORITY_URL`."});
  a.push_back(Attribute{.name = "acr_login_servers", .type = cty::Type::List(S), .description = "Registries (host[:port]) that `dcs_image` signs in to with the provider's Azure identity — an Entra ID token exchanged at the registry's `/oauth2/exchange` for an ACR refresh token, used as the password of user `00000000-0000-0000-0000-000000000000` — when no `registry_auth` or Docker credentials are given. Hosts ending in `.azurecr.io`, `.azurecr.cn` and `.azurecr.us` always do."});
  s.block.blocks.push_back(schema::NestedBlock{
      .name = "registry_auth",
      .nesting = schema::Nesting::kList,
      .block = schema::MakeBlock(
          {
              Attribute{.name = "address", .type = S, .mode = Mode::kRequired, .description = "Registry host, e.g. `myreg.azurecr.io` or `127.0.0.1:5000`."},
              Attribute{.name = "username", .type = S, .mode = Mode::kRequired, .description = "User name."},
              Attribute{.name = "password", .type = S, .mode = Mode::kRequired, .description = "Password or token.", .sensitive = true},
          },
          {}, "Credentials for a registry, used by `dcs_image` when the resource gives none (before `~/.docker/config.json`)."),
  });
}

void ConfigureContainerSettings(const cty::Value& c, ProviderConfig& config) {
  config.docker_host = GetString(c, "docker_host");
  config.docker_cert_path = GetString(c, "docker_cert_path");
  config.buildkit_host = GetString(c, "buildkit_host");
  config.buildkit_cert_path = GetString(c, "buildkit_cert_path");
  config.docker_tls_verify = GetBool(c, "docker_tls_verify");
  config.preflight = GetString(c, "preflight");
  if (auto drivers = GetKnown(c, "gpu_host_drivers")) {
    for (const auto& [node, driver] : drivers->Attributes()) {
      if (driver.IsKnown() && !driver.IsNull()) config.gpu_host_drivers[node] = driver.AsString();
    }
  }
  config.azure_resource_manager_endpoint = GetString(c, "azure_resource_manager_endpoint");
  config.azure_authority_host = GetString(c, "azure_authority_host");
  if (auto list = GetKnown(c, "acr_login_servers")) {
    for (const auto& e : list->Elements()) {
      if (e.IsKnown() && !e.IsNull()) config.acr_login_servers.push_back(e.AsString());
    }
  }
  if (auto list = GetKnown(c, "registry_auth")) {
    for (const auto& e : list->Elements()) {
      ProviderConfig::RegistryCredential cred{GetString(e, "address").value_or(""),
                                              GetString(e, "username").value_or(""),
                                              GetString(e, "password").value_or("")};
      config.registry_auth.push_back(std::move(cred));
    }
  }
}

schema::Schema ProviderSchema() {
  const cty::Type S = cty::Type::String();
  const cty::Type N = cty::Type::Number();
  schema::Schema s;
  s.block.description =
      "The dcs provider manages Databricks Container Services: workspace settings, clusters and "
      "pools running custom images, image builds and AI Runtime registrations, plus GPU "
      "compatibility checks. Data sources and functions work offline; credentials are only "
      "resolved when a resource calls an API.";
  s.block.attributes = {
      Attribute{.name = "host", .type = S, .description = "Workspace URL, e.g. `https://adb-123.4.azuredatabricks.net`. Environment: `DATABRICKS_HOST`."},
      Attribute{.name = "token", .type = S, .description = "Personal access token. Environment: `DATABRICKS_TOKEN`.", .sensitive = true},
      Attribute{.name = "client_id", .type = S, .description = "OAuth machine-to-machine client id. Environment: `DATABRICKS_CLIENT_ID`."},
      Attribute{.name = "client_secret", .type = S, .description = "OAuth machine-to-machine secret. Environment: `DATABRICKS_CLIENT_SECRET`.", .sensitive = true},
      Attribute{.name = "azure_client_id", .type = S, .description = "Microsoft Entra ID service principal id. Environment: `ARM_CLIENT_ID`."},
      Attribute{.name = "azure_client_secret", .type = S, .description = "Service principal secret. Environment: `ARM_CLIENT_SECRET`.", .sensitive = true},
      Attribute{.name = "azure_tenant_id", .type = S, .description = "Microsoft Entra ID tenant. Environment: `ARM_TENANT_ID`."},
      Attribute{.name = "auth_type", .type = S, .description = "Use only this authentication method instead of trying each in turn (the Databricks unified-auth names; see the Authentication section). Environment: `DATABRICKS_AUTH_TYPE`.", .validators = {fw::OneOf({std::begin(databricks::kAuthTypes), std::end(databricks::kAuthTypes)})}},
      Attribute{.name = "azure_use_msi", .type = cty::Type::Bool(), .description = "Authenticate as the Azure managed identity of the machine (`azure-msi`); a user-assigned one is chosen by `azure_client_id`. Environment: `ARM_USE_MSI`, endpoint override `ARM_MSI_ENDPOINT`."},
      Attribute{.name = "azure_workspace_resource_id", .type = S, .description = "Azure resource id of the workspace; its subscription is passed to `az` by `azure-cli`. Environment: `DATABRICKS_AZURE_RESOURCE_ID`."},
      Attribute{.name = "audience", .type = S, .description = "Audience requested for a federated token exchanged with Databricks (`github-oidc`; default: the workspace's `/oidc/v1/token` URL). Environment: `DATABRICKS_TOKEN_AUDIENCE`."},
      Attribute{.name = "oidc_token_env", .type = S, .description = "Environment variable holding the federated token for `env-oidc` (default `DATABRICKS_OIDC_TOKEN`). Environment: `DATABRICKS_OIDC_TOKEN_ENV`."},
      Attribute{.name = "databricks_id_token_filepath", .type = S, .description = "File holding the federated token for `file-oidc`, re-read on every refresh. Environment: `DATABRICKS_OIDC_TOKEN_FILEPATH`."},
      Attribute{.name = "databricks_cli_path", .type = S, .description = "The Databricks CLI used by `databricks-cli` (default `databricks` on PATH). Environment: `DATABRICKS_CLI_PATH`."},
      Attribute{.name = "profile", .type = S, .description = "Profile in `~/.databrickscfg`. Environment: `DATABRICKS_CONFIG_PROFILE`."},
      Attribute{.name = "config_file", .type = S, .description = "Path of the Databricks config file. Environment: `DATABRICKS_CONFIG_FILE`."},
      Attribute{.name = "http_timeout_seconds", .type = N, .description = "Timeout of one HTTP request (default 60).", .validators = {fw::IntBetween(1, 3600)}},
      Attribute{.name = "retry_timeout_seconds", .type = N, .description = "Total time spent retrying a throttled or failed request (default 300).", .validators = {fw::IntBetween(0, 86400)}},
      Attribute{.name = "rate_limit", .type = N, .description = "Maximum API requests per second (default 15). Environment: `DATABRICKS_RATE_LIMIT`.", .validators = {fw::NumberBetween(0.01, 10000)}},
      Attribute{.name = "skip_verify", .type = cty::Type::Bool(), .description = "Skip TLS certificate verification (insecure; for test workspaces only)."},
  };
  AddContainerSettings(s);
  s.block.attributes.push_back(Attribute{.name = "preflight", .type = S, .description = "Image preflight at plan for `dcs_cluster`, `dcs_instance_pool` and `dcs_air_image_registration` (a resource's own `preflight` wins): `error` (default) fails the plan when the registry proves an image cannot run — tag or digest missing, credentials that cannot pull, wrong platform, a CUDA toolkit the host driver cannot run; `warn` reports the same as warnings; `off` makes no registry call. A registry that cannot be reached or answers nonsense is always a warning. See the [image preflight guide](guides/image-preflight.md).", .validators = {fw::OneOf({"error", "warn", "off"})}});
  s.block.attributes.push_back(Attribute{.name = "gpu_host_drivers", .type = cty::Type::Map(S), .description = "NVIDIA driver version on the hosts of GPU node types, by node type id (`\"*\"` = every GPU node type), e.g. `{ \"Standard_NC6s_v3\" = \"550.54.15\" }`: the image preflight checks the CUDA toolkit of an image (`CUDA_VERSION`, `NV_CUDA_*`, `NCCL_VERSION` in its config) against it with the compatibility matrix. Unset: the node image driver the matrix lists for the node type's cloud (`Standard_*` = Azure, `family.size` = AWS)."});
  return s;
}

class DcsProvider : public fw::Provider {
 public:
  explicit DcsProvider(std::string version) : version_(std::move(version)), schema_(ProviderSchema()) {}

  std::string TypeName() const override { return "dcs"; }
  std::string Version() const override { return version_; }
  const schema::Schema& GetSchema() const override { return schema_; }

  // Sensitive settings (token, client secrets, registry passwords) are
  // registered for log redaction by the framework before this runs.
  std::shared_ptr<const fw::ProviderData> Configure(const fw::ConfigureRequest& req, fw::Diagnostics& d) override {
    ProviderConfig config;
    const cty::Value& c = req.config;
    config.host = GetString(c, "host");
    config.token = GetString(c, "token");
    config.client_id = GetString(c, "client_id");
    config.client_secret = GetString(c, "client_secret");
    config.azure_client_id = GetString(c, "azure_client_id");
    config.azure_client_secret = GetString(c, "azure_client_secret");
    config.azure_tenant_id = GetString(c, "azure_tenant_id");
    config.auth_type = GetString(c, "auth_type");
    config.azure_use_msi = GetBool(c, "azure_use_msi");
    config.azure_workspace_resource_id = GetString(c, "azure_workspace_resource_id");
    config.audience = GetString(c, "audience");
    config.oidc_token_env = GetString(c, "oidc_token_env");
    config.oidc_token_filepath = GetString(c, "databricks_id_token_filepath");
    config.databricks_cli_path = GetString(c, "databricks_cli_path");
    config.profile = GetString(c, "profile");
    config.config_file = GetString(c, "config_file");
    config.http_timeout_seconds = GetInt(c, "http_timeout_seconds");
    config.retry_timeout_seconds = GetInt(c, "retry_timeout_seconds");
    if (auto rate = GetKnown(c, "rate_limit")) config.rate_limit = rate->AsNumber().ToDouble();
    config.skip_verify = GetBool(c, "skip_verify").value_or(false);
    ConfigureContainerSettings(c, config);
    config.terraform_version = req.terraform_version;
    config.provider_version = version_;
    if (config.skip_verify) {
      d.AddWarning("TLS verification disabled",
                   "skip_verify = true accepts any certificate from the workspace. Use it only "
                   "against test workspaces.",
                   cty::Path::Root("skip_verify"));
    }
    log::Debug("provider configured", {{"terraform_version", req.terraform_version}});
    return std::make_shared<const ProviderClients>(std::move(config));
  }

  std::vector<std::unique_ptr<fw::Resource>> Resources() const override {
    std::vector<std::unique_ptr<fw::Resource>> out;
    out.push_back(NewWorkspaceConfResource());
    out.push_back(NewClusterResource());
    out.push_back(NewInstancePoolResource());
    out.push_back(NewImageResource());
    out.push_back(NewAcrRetentionPolicyResource());
    out.push_back(NewAirImageRegistrationResource());
    return out;
  }

  std::vector<std::unique_ptr<fw::DataSource>> DataSources() const override {
    std::vector<std::unique_ptr<fw::DataSource>> out;
    out.push_back(NewCompatibilityMatrixDataSource());
    return out;
  }

  std::vector<std::unique_ptr<fw::Function>> Functions() const override {
    std::vector<std::unique_ptr<fw::Function>> out;
    out.push_back(NewCudaMinDriverFunction());
    out.push_back(NewCudaCompatibleFunction());
    return out;
  }

 private:
  std::string version_;
  schema::Schema schema_;
};

}  // namespace

std::unique_ptr<framework::Provider> NewProvider(std::string version) {
  return std::make_unique<DcsProvider>(std::move(version));
}

}  // namespace dcs::resources
