// Authentication: static Bearer tokens (PATs) given by flag; OAuth tokens
// issued by /oidc/v1/token for OAuth M2M (client credentials) and workload
// identity federation (RFC 8693 token exchange of an external JWT checked
// against a federation policy); and Entra ID tokens issued for the Azure
// Databricks resource (identities.h). Issued OAuth tokens live in the
// Workspace so they survive a restart with a state file.
//
// Thread-safe: the static maps are immutable after construction; issued tokens
// are read through the Store.
#ifndef DCS_EMULATOR_AUTH_H_
#define DCS_EMULATOR_AUTH_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "emulator/identities.h"
#include "emulator/router.h"
#include "emulator/store.h"

namespace dcs::emulator {

struct AuthConfig {
  std::map<std::string, std::string> tokens;         // bearer token -> user name
  std::map<std::string, std::string> oauth_clients;  // client_id -> client_secret
  int64_t oauth_token_ttl_seconds = 3600;
};

class Authenticator {
 public:
  Authenticator(AuthConfig config, Store* store, Identities* identities = nullptr)
      : config_(std::move(config)), store_(store), identities_(identities) {}

  // The user behind an `Authorization` header value, or 401 UNAUTHENTICATED.
  absl::StatusOr<std::string> Authenticate(const std::string& authorization) const;

  // OIDC discovery, the token endpoint and the current-user (SCIM Me) call.
  void RegisterRoutes(Router& router);

 private:
  absl::StatusOr<Reply> IssueToken(const ApiRequest& req);
  absl::StatusOr<Reply> ExchangeToken(const std::map<std::string, std::string>& form);
  absl::StatusOr<Reply> IssueOAuthToken(const std::string& principal, const std::string& scope);

  AuthConfig config_;
  Store* store_;
  Identities* identities_;
};

// Decodes application/x-www-form-urlencoded text into key/value pairs.
std::map<std::string, std::string> ParseForm(const std::string& body);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_AUTH_H_
