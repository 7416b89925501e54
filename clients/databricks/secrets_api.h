// Secrets API 2.0: scopes (create/list/delete) and secrets (put/list/delete).
// Secret values are only ever sent (put), never read back.
#ifndef DCS_CLIENTS_DATABRICKS_SECRETS_API_H_
#define DCS_CLIENTS_DATABRICKS_SECRETS_API_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"

namespace dcs::databricks {

struct SecretScope {
  std::string name;
  std::string backend_type;  // DATABRICKS or AZURE_KEYVAULT
};

struct SecretMetadata {
  std::string key;
  int64_t last_updated_timestamp = 0;  // epoch milliseconds
};

class SecretsApi {
 public:
  explicit SecretsApi(Client& client) : client_(client) {}
  // Not retried: a repeat would answer RESOURCE_ALREADY_EXISTS (AlreadyExists).
  absl::Status CreateScope(const std::string& scope, const std::optional<std::string>& initial_manage_principal,
                           const std::atomic<bool>* stop);
  absl::StatusOr<std::vector<SecretScope>> ListScopes(const std::atomic<bool>* stop);
  absl::Status DeleteScope(const std::string& scope, const std::atomic<bool>* stop);
  // Creates or overwrites a string secret (retried: overwriting is idempotent).
  absl::Status PutSecret(const std::string& scope, const std::string& key, const std::string& string_value,
                         const std::atomic<bool>* stop);
  absl::StatusOr<std::vector<SecretMetadata>> ListSecrets(const std::string& scope, const std::atomic<bool>* stop);
  absl::Status DeleteSecret(const std::string& scope, const std::string& key, const std::atomic<bool>* stop);

 private:
  Client& client_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_SECRETS_API_H_
