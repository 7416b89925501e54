// Databricks unified authentication: the credential chain and its token
// sources (the Authorization header value for each auth_type).
//
// Methods, in the order the chain tries them (the official SDKs' order):
//   pat                  static "Bearer <token>"
//   oauth-m2m            client credentials at {host}/oidc/v1/token, HTTP
//                        Basic client auth (id and secret form-encoded first,
//                        RFC 6749 §2.3.1), scope all-apis
//   databricks-cli       `databricks auth token --host <host>` (U2M login cache)
//   github-oidc          GitHub Actions ID token, exchanged at {host}/oidc/v1/token
//   env-oidc / file-oidc a JWT from an environment variable / a file, exchanged
//                        the same way (RFC 8693 token exchange, federation policy)
//   github-oidc-azure    GitHub Actions ID token as an Entra ID client assertion
//   azure-oidc           azurerm's ARM_OIDC_* token as an Entra ID client assertion
//   azure-msi            managed identity (instance metadata service)
//   azure-client-secret  Entra ID client credentials with a secret
//   azure-cli            `az account get-access-token`
// With auth_type set only that method is used; otherwise the first method
// that applies wins, and when none does the error lists every method and why
// it did not apply. Fetched tokens are cached and refreshed before expiry;
// every credential and token is registered with dcs::log::RegisterSecret.
//
// Thread-safety: Authorization() may be called from many threads; one
// refresh happens at a time.
#ifndef DCS_CLIENTS_DATABRICKS_AUTH_H_
#define DCS_CLIENTS_DATABRICKS_AUTH_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/azure/identity.h"
#include "clients/databricks/config.h"
#include "clients/http/http.h"
#include "clients/process/command.h"

namespace dcs::databricks {

inline constexpr std::chrono::seconds kRefreshMargin{60};
// Azure Databricks first-party application id (public, US Gov and China clouds).
inline constexpr char kAzureDatabricksScope[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";
// How long a CLI (az, databricks) may take before it is stopped.
inline constexpr std::chrono::seconds kCliTimeout{60};

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // "Bearer <token>". Errors: Unauthenticated when the token endpoint rejects
  // the credentials, Unavailable/DeadlineExceeded when it cannot be reached,
  // Internal for an unusable answer, Cancelled on `*stop`. Messages start
  // with the method's name.
  virtual absl::StatusOr<std::string> Authorization(const std::atomic<bool>* stop) = 0;
  virtual std::string method() const = 0;  // its auth_type name
};

// What the methods need besides the configuration.
struct AuthDeps {
  std::shared_ptr<http::Transport> transport;
  std::shared_ptr<http::Clock> clock;
  process::CommandRunner runner;  // default: process::DefaultRunner()
  Getenv getenv;                  // default: ProcessGetenv() (env-oidc reads its variable through it)
  std::chrono::milliseconds cli_timeout = kCliTimeout;
};

// Runs the chain (or the forced auth_type) and returns the first source that
// applies. CLI methods run their CLI once here to find out. Errors:
// InvalidArgument "no authentication method applies" listing every method
// and why it did not apply, or "auth_type X … cannot be used: why";
// the error of a forced CLI method.
absl::StatusOr<std::unique_ptr<TokenSource>> SelectTokenSource(const ResolvedConfig& config, AuthDeps deps);

// The Azure identity of the configuration for Azure Resource Manager and ACR:
// the Entra ID methods of the chain only (github-oidc-azure, azure-oidc,
// azure-msi, azure-client-secret, azure-cli), or the forced one when
// auth_type names one of them. Errors as SelectTokenSource.
absl::StatusOr<std::unique_ptr<azure::TokenCredential>> SelectAzureCredential(const ResolvedConfig& config,
                                                                              AuthDeps deps);

// SelectTokenSource with the default runner and environment; when nothing
// applies, a source whose every call returns that error.
std::unique_ptr<TokenSource> NewTokenSource(const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock);

// Standard base64 (with padding), and application/x-www-form-urlencoded escaping.
std::string Base64Encode(std::string_view data);
std::string FormEscape(std::string_view value);

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_AUTH_H_
