// Clusters API 2.1: typed cluster specs and answers with their JSON mapping
// (field names exactly as the API), and the calls a provider needs.
// Unknown answer fields are ignored; unset optional fields are never sent.
#ifndef DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_
#define DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/databricks/json_fields.h"

namespace dcs::databricks {

struct Autoscale {
  int min_workers = 0, max_workers = 0;
};

// A storage destination (workspace/volumes/dbfs/abfss/gcs/file use only
// `destination`; s3 may add the rest).
struct StorageInfo {
  std::string destination;
  std::optional<std::string> region, endpoint, encryption_type, kms_key, canned_acl;
  std::optional<bool> enable_encryption;
};

// Exactly one destination should be set.
struct InitScript {
  std::optional<StorageInfo> workspace, volumes, dbfs, s3, abfss, gcs, file;
};

struct ClusterLogConf {
  std::optional<StorageInfo> dbfs, s3, volumes;
};

struct DockerBasicAuth {
  std::string username, password;
};

struct DockerImage {
  std::string url;
  std::optional<DockerBasicAuth> basic_auth;
};

struct AwsAttributes {
  std::optional<std::string> availability, zone_id, instance_profile_arn, ebs_volume_type;
  std::optional<int> first_on_demand, spot_bid_price_percent, ebs_volume_count, ebs_volume_size,
      ebs_volume_iops, ebs_volume_throughput;
};

struct AzureAttributes {
  std::optional<std::string> availability, capacity_reservation_group;
  std::optional<int> first_on_demand;
  std::optional<double> spot_bid_max_price;
  std::optional<nlohmann::json> log_analytics_info;
};

struct ClusterSpec {
  std::string spark_version;  // required on create/edit; omitted when empty
  std::optional<std::string> cluster_name, node_type_id, driver_node_type_id;
  std::optional<int> num_workers;
  std::optional<Autoscale> autoscale;
  std::optional<StringMap> spark_conf, spark_env_vars, custom_tags;
  std::optional<std::vector<InitScript>> init_scripts;
  std::optional<DockerImage> docker_image;
  std::optional<std::string> instance_pool_id, driver_instance_pool_id;
  std::optional<std::string> data_security_mode, single_user_name, runtime_engine, kind;
  std::optional<int> autotermination_minutes;
  std::optional<bool> enable_elastic_disk, enable_local_disk_encryption, is_single_node, use_ml_runtime;
  std::optional<AzureAttributes> azure_attributes;
  std::optional<AwsAttributes> aws_attributes;
  std::optional<nlohmann::json> gcp_attributes, workload_type;
  std::optional<ClusterLogConf> cluster_log_conf;
  std::optional<std::vector<std::string>> ssh_public_keys;
  std::optional<std::string> policy_id;
  std::optional<bool> apply_policy_default_values;
  std::optional<std::string> idempotency_token;
};

struct TerminationReason {
  std::optional<std::string> code, type;
  std::optional<StringMap> parameters;
};

// A clusters/get or clusters/list entry: the spec fields as echoed (possibly
// with server defaults) plus read-only fields.
struct ClusterInfo : ClusterSpec {
  std::string cluster_id;
  std::string state;  // PENDING, RUNNING, RESTARTING, RESIZING, TERMINATING, TERMINATED, ERROR, UNKNOWN
  std::optional<std::string> state_message, creator_user_name, cluster_source;
  std::optional<StringMap> default_tags;
  std::optional<int64_t> start_time, terminated_time;
  std::optional<TerminationReason> termination_reason;
  std::optional<ClusterSpec> spec;  // last user-submitted spec (get only)
};

// JSON mapping (also used by instance_pools_api).
nlohmann::json ToJson(const DockerImage& v);
void FromJson(const nlohmann::json& j, DockerImage& v);
nlohmann::json ToJson(const AwsAttributes& v);
void FromJson(const nlohmann::json& j, AwsAttributes& v);
nlohmann::json ToJson(const AzureAttributes& v);
void FromJson(const nlohmann::json& j, AzureAttributes& v);
nlohmann::json ToJson(const ClusterSpec& spec);
void FromJson(const nlohmann::json& j, ClusterSpec& spec);
void FromJson(const nlohmann::json& j, ClusterInfo& info);

// Thin typed wrapper over a Client; `stop` may be null. Errors are those of
// Client::Call (NotFound for a missing cluster, FailedPrecondition for
// INVALID_STATE, …) plus Internal for an answer of the wrong shape.
class ClustersApi {
 public:
  explicit ClustersApi(Client& client) : client_(client) {}
  // Returns the new cluster_id. Retried only when spec.idempotency_token is set.
  absl::StatusOr<std::string> Create(const ClusterSpec& spec, const std::atomic<bool>* stop);
  absl::Status Edit(const std::string& cluster_id, const ClusterSpec& spec, const std::atomic<bool>* stop);
  absl::StatusOr<ClusterInfo> Get(const std::string& cluster_id, const std::atomic<bool>* stop);
  // Every page (follows next_page_token).
  absl::StatusOr<std::vector<ClusterInfo>> List(const std::atomic<bool>* stop);
  absl::Status Delete(const std::string& cluster_id, const std::atomic<bool>* stop);  // terminate
  absl::Status PermanentDelete(const std::string& cluster_id, const std::atomic<bool>* stop);
  absl::Status Start(const std::string& cluster_id, const std::atomic<bool>* stop);

 private:
  absl::Status Post(const char* path, const std::string& cluster_id, const std::atomic<bool>* stop);
  Client& client_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_
