// Instance Pools API 2.0: typed pool specs and answers with their JSON
// mapping (field names exactly as the API) and create/edit/get/list/delete.
#ifndef DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_
#define DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/databricks/clusters_api.h"
#include "clients/databricks/json_fields.h"

namespace dcs::databricks {

struct DiskSpec {
  std::optional<std::string> ebs_volume_type, azure_disk_volume_type;  // in "disk_type"
  std::optional<int> disk_count, disk_size, disk_iops, disk_throughput;
};

struct InstancePoolSpec {
  std::string instance_pool_name, node_type_id;  // required
  std::optional<int> min_idle_instances, max_capacity, idle_instance_autotermination_minutes;
  std::optional<StringMap> custom_tags;
  std::optional<bool> enable_elastic_disk;
  std::optional<DiskSpec> disk_spec;
  std::optional<std::vector<std::string>> preloaded_spark_versions;
  std::optional<std::vector<DockerImage>> preloaded_docker_images;
  std::optional<AwsAttributes> aws_attributes;
  std::optional<AzureAttributes> azure_attributes;
  std::optional<nlohmann::json> gcp_attributes;
};

struct InstancePoolInfo : InstancePoolSpec {
  std::string instance_pool_id;
  std::optional<std::string> state;  // ACTIVE, STOPPED, DELETED
  std::optional<StringMap> default_tags;
  std::optional<nlohmann::json> stats;
};

nlohmann::json ToJson(const InstancePoolSpec& spec);
void FromJson(const nlohmann::json& j, InstancePoolSpec& spec);
void FromJson(const nlohmann::json& j, InstancePoolInfo& info);

class InstancePoolsApi {
 public:
  explicit InstancePoolsApi(Client& client) : client_(client) {}
  // Returns instance_pool_id. Not retried (a repeat would create a second pool).
  absl::StatusOr<std::string> Create(const InstancePoolSpec& spec, const std::atomic<bool>* stop);
  // Sends only the editable fields: instance_pool_id, instance_pool_name,
  // node_type_id, min_idle_instances, max_capacity,
  // idle_instance_autotermination_minutes, custom_tags.
  absl::Status Edit(const std::string& id, const InstancePoolSpec& spec, const std::atomic<bool>* stop);
  absl::StatusOr<InstancePoolInfo> Get(const std::string& id, const std::atomic<bool>* stop);
  absl::StatusOr<std::vector<InstancePoolInfo>> List(const std::atomic<bool>* stop);
  absl::Status Delete(const std::string& id, const std::atomic<bool>* stop);

 private:
  Client& client_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_INSTANCE_POOLS_API_H_
