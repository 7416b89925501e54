// Instance Pools API 2.0: create/edit/get/list/delete. The pool object is
// JSON with the API's field names: its shape is the caller's to declare (dcs
// declares it once, in the resource's schema), not mirrored here.
#ifndef DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_
#define DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_

#include <atomic>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"

namespace dcs::databricks {

class InstancePoolsApi {
 public:
  explicit InstancePoolsApi(Client& client) : client_(client) {}
  // `pool` is the create body; returns instance_pool_id. Not retried (a
  // repeat would create a second pool).
  absl::StatusOr<std::string> Create(const nlohmann::json& pool, const std::atomic<bool>* stop);
  // `pool` holds the fields instance-pools/edit takes (the caller decides
  // which); the id is added.
  absl::Status Edit(const std::string& id, const nlohmann::json& pool, const std::atomic<bool>* stop);
  // The instance-pools/get answer (an object; Internal otherwise).
  absl::StatusOr<nlohmann::json> Get(const std::string& id, const std::atomic<bool>* stop);
  absl::StatusOr<std::vector<nlohmann::json>> List(const std::atomic<bool>* stop);
  absl::Status Delete(const std::string& id, const std::atomic<bool>* stop);

 private:
  Client& client_;
};

// The urls of a pool answer's preloaded_docker_images (empty when it has none).
std::vector<std::string> PreloadedImageUrls(const nlohmann::json& pool);

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_
