// The token sources behind each auth_type (internal to the credential
// chain in auth.cc): a static PAT, an OAuth grant at a token endpoint (client
// credentials or RFC 8693 token exchange), an Entra ID credential for the
// Azure Databricks resource, and `databricks auth token`.
#ifndef DCS_CLIENTS_DATABRICKS_TOKEN_SOURCES_H_
#define DCS_CLIENTS_DATABRICKS_TOKEN_SOURCES_H_

#include <functional>
#include <memory>
#include <string>

#include "clients/azure/identity.h"
#include "clients/databricks/auth.h"

namespace dcs::databricks::internal {

// Builds the form body of one token request (re-run on every refresh so a
// rotated federated token is picked up).
using FormBuilder = std::function<absl::StatusOr<std::string>(const std::atomic<bool>* stop)>;

std::unique_ptr<TokenSource> NewPatSource(std::string token);
// POSTs `form` (plus `headers`) to `url` and caches the access token until
// kRefreshMargin before expiry; errors start with `method` and a rejection
// (400/401/403) ends with `hint`.
std::unique_ptr<TokenSource> NewOAuthSource(std::string method, std::string url, FormBuilder form,
                                            http::Headers headers, std::string hint, const ResolvedConfig& config,
                                            std::shared_ptr<http::Transport> transport,
                                            std::shared_ptr<http::Clock> clock);
// Tokens of `credential` for kAzureDatabricksScope.
std::unique_ptr<TokenSource> NewAzureSource(std::unique_ptr<azure::TokenCredential> credential);
// `<program> auth token --host <host>`; FailedPrecondition when the CLI is
// missing or not signed in for the host.
std::unique_ptr<TokenSource> NewDatabricksCliSource(std::string program, std::string host, const AuthDeps& deps);
// Every call returns `status`.
std::unique_ptr<TokenSource> NewFailingSource(absl::Status status);

}  // namespace dcs::databricks::internal

#endif  // DCS_CLIENTS_DATABRICKS_TOKEN_SOURCES_H_
