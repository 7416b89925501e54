// Azure: Microsoft Entra ID client-credentials tokens and the Azure Resource
// Manager calls of dcs_acr_retention_policy (the registry resource's
// properties.policies.retentionPolicy).
//
// Configuration as the azurerm provider reads it: ARM_CLIENT_ID,
// ARM_CLIENT_SECRET, ARM_TENANT_ID; endpoints overridable for sovereign
// clouds and tests: AZURE_AUTHORITY_HOST (default
// https://login.microsoftonline.com) and ARM_RESOURCE_MANAGER_ENDPOINT
// (default https://management.azure.com).
//
// Thread-safety: ArmClient is safe to share.
#ifndef DCS_CLIENTS_AZURE_AZURE_H_
#define DCS_CLIENTS_AZURE_AZURE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/azure/identity.h"
#include "clients/http/http.h"

namespace dcs::azure {

inline constexpr char kDefaultAuthority[] = "https://login.microsoftonline.com";
inline constexpr char kDefaultResourceManager[] = "https://management.azure.com";
// Stable ACR api-version carrying policies.retentionPolicy.
inline constexpr char kRegistryApiVersion[] = "2023-07-01";

struct AzureConfig {
  std::string client_id, client_secret, tenant_id;
  std::string authority = kDefaultAuthority;
  std::string resource_manager = kDefaultResourceManager;
};

using Getenv = std::function<const char*(const char*)>;

// Fills what `given` leaves empty from ARM_CLIENT_ID, ARM_CLIENT_SECRET,
// ARM_TENANT_ID, AZURE_AUTHORITY_HOST, ARM_RESOURCE_MANAGER_ENDPOINT.
// Errors: FailedPrecondition naming every missing setting.
absl::StatusOr<AzureConfig> ResolveAzureConfig(AzureConfig given, const Getenv& getenv = nullptr);

struct RegistryId {
  std::string subscription, resource_group, name;
  std::string Path() const;  // "/subscriptions/…/providers/Microsoft.ContainerRegistry/registries/…"
};

// Parses a registry resource id (case-insensitive segment names, as ARM
// treats them). Errors: InvalidArgument saying what the id should look like.
absl::StatusOr<RegistryId> ParseRegistryId(const std::string& id);

struct RetentionPolicy {
  int64_t days = 7;
  bool enabled = false;
};

struct RegistryInfo {
  std::string id;        // as ARM returns it
  std::string sku;       // Basic, Standard, Premium
  std::string login_server;
  RetentionPolicy retention;
};

class ArmClient {
 public:
  // As the service principal of `config` (client secret).
  ArmClient(AzureConfig config, std::shared_ptr<http::Transport> transport,
            http::RetryPolicy retry = {});
  // As any Entra ID identity (identity.h): managed identity, federated
  // token, Azure CLI, client secret. Tokens for {resource_manager}/.default.
  ArmClient(std::shared_ptr<TokenCredential> credential, std::string resource_manager,
            std::shared_ptr<http::Transport> transport, http::RetryPolicy retry = {});
  // GET the registry. Errors: NotFound for a missing registry / resource
  // group, Unauthenticated / PermissionDenied quoting ARM's error.
  absl::StatusOr<RegistryInfo> GetRegistry(const RegistryId& id);
  // PATCH properties.policies.retentionPolicy; returns the registry after
  // the update. Errors: as GetRegistry; InvalidArgument with ARM's message
  // (e.g. the policy needs the Premium SKU).
  absl::StatusOr<RegistryInfo> SetRetentionPolicy(const RegistryId& id, const RetentionPolicy& policy);

 private:
  absl::StatusOr<http::Response> Call(const std::string& method, const RegistryId& id,
                                      const std::string& body);
  std::string resource_manager_;
  std::shared_ptr<http::RetryingClient> http_;
  std::shared_ptr<TokenCredential> credential_;
};

// {"error":{"code","message"}} of an ARM / Entra answer as a status.
absl::Status ArmError(const http::Response& r, const std::string& what);

}  // namespace dcs::azure

#endif  // DCS_CLIENTS_AZURE_AZURE_H_
