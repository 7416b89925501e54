// Token sources: the Authorization header value for each auth type.
//
// PAT: static "Bearer <token>". OAuth M2M: client-credentials grant at
// {host}/oidc/v1/token (HTTP Basic client auth, scope all-apis). Azure SP:
// Microsoft Entra ID client-credentials grant at
// {authority}/{tenant}/oauth2/v2.0/token for the Azure Databricks resource.
// Fetched tokens are cached and refreshed kRefreshMargin before expiry, and
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
#include "clients/databricks/config.h"
#include "clients/http/http.h"

namespace dcs::databricks {

inline constexpr std::chrono::seconds kRefreshMargin{60};
// Azure Databricks first-party application id (public, US Gov and China clouds).
inline constexpr char kAzureDatabricksScope[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // "Bearer <token>". Errors: Unauthenticated when the token endpoint rejects
  // the credentials, Unavailable/DeadlineExceeded when it cannot be reached,
  // Internal for an unusable answer, Cancelled on `*stop`.
  virtual absl::StatusOr<std::string> Authorization(const std::atomic<bool>* stop) = 0;
};

// The source for `config.auth_type`. Token requests go through `transport`
// with retries on 429/5xx/connection errors bounded by retry_timeout_seconds.
std::unique_ptr<TokenSource> NewTokenSource(const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock);

// Standard base64 (with padding), and application/x-www-form-urlencoded escaping.
std::string Base64Encode(std::string_view data);
std::string FormEscape(std::string_view value);

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_AUTH_H_
