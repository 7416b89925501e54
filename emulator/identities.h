// The identity side of the emulated cloud, shared by the Databricks
// workspace, Entra ID, Azure Resource Manager and the ACR token service:
//   - Entra ID applications (client secret and/or federated credentials),
//   - managed identities (system-assigned and user-assigned by client id),
//   - Databricks federation policies (which external JWTs the workspace's
//     /oidc/v1/token exchanges, for which service principal),
//   - every Entra ID access token issued, with its audience (resource), so
//     the workspace only accepts Azure Databricks tokens and ARM only
//     management tokens.
// Configured through /_emulator/identity/* (identity_routes in entra.cc).
// Thread-safe: everything behind `mu`.
#ifndef DCS_EMULATOR_IDENTITIES_H_
#define DCS_EMULATOR_IDENTITIES_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dcs::emulator {

// The Azure Databricks first-party application (the workspace's Entra audience).
inline constexpr char kAzureDatabricksResource[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

struct TrustedIssuer {  // an Entra federated credential, or a Databricks federation policy
  std::string issuer, subject;
  std::vector<std::string> audiences;
};

struct EntraApp {
  std::string tenant, secret;  // secret empty: no secret credential
  std::vector<TrustedIssuer> federated;
};

struct FederationPolicy {
  std::string client_id;  // the service principal; empty = account-wide (principal = subject)
  TrustedIssuer trust;
};

struct EntraToken {
  std::string principal, resource;
  int64_t expires_ms = 0;
};

struct Identities {
  std::mutex mu;
  std::map<std::string, EntraApp> apps;                // by client id
  std::map<std::string, std::string> managed;          // client id -> principal; "" = system-assigned
  std::vector<FederationPolicy> policies;
  std::map<std::string, EntraToken> tokens;            // issued Entra access tokens
  int64_t token_ttl_seconds = 3599;

  // Issues an Entra access token. REQUIRES: mu held.
  std::string IssueLocked(const std::string& principal, const std::string& resource);
  // A live token's record. REQUIRES: mu held.
  std::optional<EntraToken> FindLocked(const std::string& token) const;
};

// "https://management.azure.com/.default" -> "https://management.azure.com";
// trailing slashes dropped, so v1 resources and v2 scopes compare equal.
std::string ResourceOf(const std::string& scope_or_resource);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_IDENTITIES_H_
