// Microsoft Entra ID credentials for any Azure resource: one identity serves
// the Azure Databricks workspace, Azure Resource Manager and (through the
// token exchange) Azure Container Registry.
//
//   ClientSecretCredential     client-credentials grant with a secret
//   ClientAssertionCredential  client-credentials grant with a federated JWT
//                              (workload identity federation: GitHub Actions,
//                              Azure DevOps, Kubernetes, any OIDC issuer)
//   ManagedIdentityCredential  the instance metadata service (IMDS)
//   AzureCliCredential         `az account get-access-token`
//
// Tokens are cached per scope and fetched again kAzureRefreshMargin before
// they expire (one fetch at a time per credential). Every secret, assertion
// and token is registered with dcs::log::RegisterSecret. Errors name the
// method (its Databricks auth_type name) and the settings to fix.
//
// Thread-safety: Token() may be called from many threads.
#ifndef DCS_CLIENTS_AZURE_IDENTITY_H_
#define DCS_CLIENTS_AZURE_IDENTITY_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "clients/http/http.h"
#include "clients/process/command.h"

namespace dcs::azure {

inline constexpr std::chrono::seconds kAzureRefreshMargin{120};
inline constexpr char kImdsEndpoint[] = "http://169.254.169.254/metadata/identity/oauth2/token";
// The audience Entra ID expects in a federated assertion.
inline constexpr char kEntraFederationAudience[] = "api://AzureADTokenExchange";

struct AccessToken {
  std::string token;
  std::chrono::steady_clock::time_point expires;
};

class TokenCredential {
 public:
  explicit TokenCredential(std::string method, std::shared_ptr<http::Clock> clock)
      : method_(std::move(method)), clock_(std::move(clock)) {}
  virtual ~TokenCredential() = default;
  // A bearer token for `scope` ("<resource>/.default"), cached per scope.
  // Errors: Unauthenticated when the identity is refused, Unavailable /
  // DeadlineExceeded when the endpoint cannot be reached, Internal for an
  // unusable answer, FailedPrecondition when a CLI is missing or signed out.
  absl::StatusOr<std::string> Token(const std::string& scope, const std::atomic<bool>* stop);
  const std::string& method() const { return method_; }

 protected:
  virtual absl::StatusOr<AccessToken> Fetch(const std::string& scope, const std::atomic<bool>* stop) = 0;
  http::Clock& clock() { return *clock_; }

 private:
  const std::string method_;
  std::shared_ptr<http::Clock> clock_;
  std::mutex mu_;
  std::map<std::string, AccessToken> cache_;
};

// Supplies a federated JWT (re-read on every fetch: files and CI tokens rotate).
using AssertionSupplier = std::function<absl::StatusOr<std::string>(const std::atomic<bool>* stop)>;

struct EntraOptions {
  std::string authority = "https://login.microsoftonline.com";
  std::string tenant_id, client_id;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  http::RetryPolicy retry;
};

std::unique_ptr<TokenCredential> NewClientSecretCredential(EntraOptions options, std::string secret,
                                                           std::shared_ptr<http::Transport> transport,
                                                           std::shared_ptr<http::Clock> clock);
// `method` names it in errors (e.g. "github-oidc-azure", "azure-oidc").
std::unique_ptr<TokenCredential> NewClientAssertionCredential(std::string method, EntraOptions options,
                                                              AssertionSupplier assertion,
                                                              std::shared_ptr<http::Transport> transport,
                                                              std::shared_ptr<http::Clock> clock);

struct ManagedIdentityOptions {
  std::string endpoint = kImdsEndpoint;  // ARM_MSI_ENDPOINT overrides it
  std::string client_id;                 // user-assigned identity; empty = system-assigned
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  http::RetryPolicy retry;
};
std::unique_ptr<TokenCredential> NewManagedIdentityCredential(ManagedIdentityOptions options,
                                                              std::shared_ptr<http::Transport> transport,
                                                              std::shared_ptr<http::Clock> clock);

struct AzureCliOptions {
  std::string program = "az";
  std::string tenant_id, subscription_id;  // --tenant wins (az refuses both)
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};
std::unique_ptr<TokenCredential> NewAzureCliCredential(AzureCliOptions options, process::CommandRunner runner,
                                                       std::shared_ptr<http::Clock> clock);

// "https://management.azure.com/.default" -> "https://management.azure.com".
std::string ResourceOfScope(const std::string& scope);

// Whether `text` has the shape of a compact JWS (three base64url parts, the
// first two decoding to JSON objects). Used to refuse garbage early with a
// message that names the setting instead of sending it to a token endpoint.
bool LooksLikeJwt(const std::string& text);

// Parses an RFC 3339 / "YYYY-MM-DD HH:MM:SS[.ffffff]" time (az's expiresOn,
// local time when there is no zone) into seconds since the epoch.
absl::StatusOr<int64_t> ParseExpiry(const std::string& text);

}  // namespace dcs::azure

#endif  // DCS_CLIENTS_AZURE_IDENTITY_H_
