// The provider's Databricks client, built once from the provider block on the
// first resource call that needs it and shared by every resource afterwards
// (clients are thread-safe; Terraform calls resources in parallel).
#ifndef DCS_RESOURCES_WORKSPACE_CLIENT_H_
#define DCS_RESOURCES_WORKSPACE_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "clients/azure/identity.h"
#include "clients/databricks/client.h"
#include "provider/framework/context.h"
#include "provider/schema/diagnostics.h"

namespace dcs::resources {

struct ProviderConfig;

// The workspace client for `ctx`, resolving credentials (provider block >
// environment > ~/.databrickscfg profile) on first use. Errors:
// FailedPrecondition when the provider was not configured, or the
// resolution error, which lists what was tried. The answer (client or error)
// is cached for the provider's lifetime.
absl::StatusOr<std::shared_ptr<databricks::Client>> WorkspaceClient(const framework::Context& ctx);

// The provider block as the clients' configuration (credential chain settings included).
databricks::Config ClientConfigOf(const ProviderConfig& p);

// The provider's Azure identity (the Entra ID methods of the chain) for ARM
// and ACR; built once and shared. Errors: the chain's error listing each
// Entra ID method and why it did not apply.
absl::StatusOr<std::shared_ptr<azure::TokenCredential>> AzureCredential(const framework::Context& ctx);

// WorkspaceClient, or an error diagnostic "Databricks workspace not
// configured" that says which settings to provide; nullptr then.
std::shared_ptr<databricks::Client> WorkspaceClientOrDiagnose(const framework::Context& ctx,
                                                               schema::Diagnostics& diagnostics);

// A user-facing diagnostic for a failed API call: `summary` names the
// operation, the detail quotes the API answer and adds a hint for the
// status code (401/403 → credentials, Unavailable → host/network, …).
void AddApiError(schema::Diagnostics& diagnostics, const absl::Status& status, std::string summary,
                 std::optional<cty::Path> path = std::nullopt);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_WORKSPACE_CLIENT_H_
