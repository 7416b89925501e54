// Where a federated identity token (an OIDC JWT minted by the CI system or
// the platform) comes from, for workload identity federation with Databricks
// or Entra ID:
//   - an environment variable (env-oidc: DATABRICKS_OIDC_TOKEN, azure-oidc: ARM_OIDC_TOKEN),
//   - a file re-read on every use, since platforms rotate it (file-oidc,
//     ARM_OIDC_TOKEN_FILE_PATH, Kubernetes projected tokens),
//   - the GitHub Actions token service: GET $ACTIONS_ID_TOKEN_REQUEST_URL
//     &audience=<aud> with "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"
//     answers {"value": "<jwt>"} (ARM_OIDC_REQUEST_URL / _TOKEN are the
//     azurerm names of the same pair).
// Each supplier checks that what it got looks like a JWT and names the
// setting otherwise; every token is registered with the log redaction.
#ifndef DCS_CLIENTS_AZURE_ID_TOKEN_H_
#define DCS_CLIENTS_AZURE_ID_TOKEN_H_

#include <memory>
#include <string>

#include "clients/azure/identity.h"
#include "clients/http/http.h"

namespace dcs::azure {

// `method` and `setting` only shape error messages, e.g. ("env-oidc", "DATABRICKS_OIDC_TOKEN").
AssertionSupplier IdTokenFromEnv(std::string method, std::string variable, std::string value);
AssertionSupplier IdTokenFromFile(std::string method, std::string setting, std::string path);
AssertionSupplier IdTokenFromRequestUrl(std::string method, std::string url, std::string bearer,
                                        std::string audience, std::shared_ptr<http::Transport> transport,
                                        std::chrono::milliseconds timeout);

}  // namespace dcs::azure

#endif  // DCS_CLIENTS_AZURE_ID_TOKEN_H_
