// Workspace configuration API: GET /api/2.0/workspace-conf?keys=a,b and
// PATCH /api/2.0/workspace-conf with a flat map. Values are strings
// ("true"/"false" for booleans), stored verbatim by the server.
#ifndef DCS_CLIENTS_DATABRICKS_WORKSPACE_CONF_API_H_
#define DCS_CLIENTS_DATABRICKS_WORKSPACE_CONF_API_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/databricks/json_fields.h"

namespace dcs::databricks {

class WorkspaceConfApi {
 public:
  explicit WorkspaceConfApi(Client& client) : client_(client) {}
  // Keys the server returns with a string value; null/absent keys are left
  // out. Non-string values (should not happen) are returned as JSON text.
  // REQUIRES: keys is not empty.
  absl::StatusOr<StringMap> Get(const std::vector<std::string>& keys, const std::atomic<bool>* stop);
  // Writes all `values`; an empty or 204 answer is success.
  absl::Status Set(const StringMap& values, const std::atomic<bool>* stop);

 private:
  Client& client_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_WORKSPACE_CONF_API_H_
