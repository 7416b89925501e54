// Clusters API JSON mapping and calls.
#include "clients/databricks/clusters_api.h"

namespace dcs::databricks {
namespace {
constexpr char kPrefix[] = "/api/2.1/clusters/";
}  // namespace

nlohmann::json ToJson(const Autoscale& v) { return {{"min_workers", v.min_workers}, {"max_workers", v.max_workers}}; }
void FromJson(const nlohmann::json& j, Autoscale& v) {
  v.min_workers = j.value("min_workers", 0);
  v.max_workers = j.value("max_workers", 0);
}

nlohmann::json ToJson(const StorageInfo& v) {
  nlohmann::json j = {{"destination", v.destination}};
  Put(j, "region", v.region);
  Put(j, "endpoint", v.endpoint);
  Put(j, "enable_encryption", v.enable_encryption);
  Put(j, "encryption_type", v.encryption_type);
  Put(j, "kms_key", v.kms_key);
  Put(j, "canned_acl", v.canned_acl);
  return j;
}
void FromJson(const nlohmann::json& j, StorageInfo& v) {
  v.destination = j.value("destination", std::string());
  Get(j, "region", v.region);
  Get(j, "endpoint", v.endpoint);
  Get(j, "enable_encryption", v.enable_encryption);
  Get(j, "encryption_type", v.encryption_type);
  Get(j, "kms_key", v.kms_key);
  Get(j, "canned_acl", v.canned_acl);
}

nlohmann::json ToJson(const InitScript& v) {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "workspace", v.workspace);
  Put(j, "volumes", v.volumes);
  Put(j, "dbfs", v.dbfs);
  Put(j, "s3", v.s3);
  Put(j, "abfss", v.abfss);
  Put(j, "gcs", v.gcs);
  Put(j, "file", v.file);
  return j;
}
void FromJson(const nlohmann::json& j, InitScript& v) {
  Get(j, "workspace", v.workspace);
  Get(j, "volumes", v.volumes);
  Get(j, "dbfs", v.dbfs);
  Get(j, "s3", v.s3);
  Get(j, "abfss", v.abfss);
  Get(j, "gcs", v.gcs);
  Get(j, "file", v.file);
}

nlohmann::json ToJson(const ClusterLogConf& v) {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "dbfs", v.dbfs);
  Put(j, "s3", v.s3);
  Put(j, "volumes", v.volumes);
  return j;
}
void FromJson(const nlohmann::json& j, ClusterLogConf& v) {
  Get(j, "dbfs", v.dbfs);
  Get(j, "s3", v.s3);
  Get(j, "volumes", v.volumes);
}

nlohmann::json ToJson(const DockerImage& v) {
  nlohmann::json j = {{"url", v.url}};
  if (v.basic_auth) j["basic_auth"] = {{"username", v.basic_auth->username}, {"password", v.basic_auth->password}};
  return j;
}
void FromJson(const nlohmann::json& j, DockerImage& v) {
  v.url = j.value("url", std::string());
  if (j.contains("basic_auth") && j["basic_auth"].is_object()) {
    const auto& a = j["basic_auth"];
    v.basic_auth = DockerBasicAuth{a.value("username", std::string()), a.value("password", std::string())};
  }
}

nlohmann::json ToJson(const AwsAttributes& v) {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "availability", v.availability);
  Put(j, "zone_id", v.zone_id);
  Put(j, "instance_profile_arn", v.instance_profile_arn);
  Put(j, "first_on_demand", v.first_on_demand);
  Put(j, "spot_bid_price_percent", v.spot_bid_price_percent);
  Put(j, "ebs_volume_type", v.ebs_volume_type);
  Put(j, "ebs_volume_count", v.ebs_volume_count);
  Put(j, "ebs_volume_size", v.ebs_volume_size);
  Put(j, "ebs_volume_iops", v.ebs_volume_iops);
  Put(j, "ebs_volume_throughput", v.ebs_volume_throughput);
  return j;
}
void FromJson(const nlohmann::json& j, AwsAttributes& v) {
  Get(j, "availability", v.availability);
  Get(j, "zone_id", v.zone_id);
  Get(j, "instance_profile_arn", v.instance_profile_arn);
  Get(j, "first_on_demand", v.first_on_demand);
  Get(j, "spot_bid_price_percent", v.spot_bid_price_percent);
  Get(j, "ebs_volume_type", v.ebs_volume_type);
  Get(j, "ebs_volume_count", v.ebs_volume_count);
  Get(j, "ebs_volume_size", v.ebs_volume_size);
  Get(j, "ebs_volume_iops", v.ebs_volume_iops);
  Get(j, "ebs_volume_throughput", v.ebs_volume_throughput);
}

nlohmann::json ToJson(const AzureAttributes& v) {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "availability", v.availability);
  Put(j, "first_on_demand", v.first_on_demand);
  Put(j, "spot_bid_max_price", v.spot_bid_max_price);
  Put(j, "log_analytics_info", v.log_analytics_info);
  Put(j, "capacity_reservation_group", v.capacity_reservation_group);
  return j;
}
void FromJson(const nlohmann::json& j, AzureAttributes& v) {
  Get(j, "availability", v.availability);
  Get(j, "first_on_demand", v.first_on_demand);
  Get(j, "spot_bid_max_price", v.spot_bid_max_price);
  Get(j, "log_analytics_info", v.log_analytics_info);
  Get(j, "capacity_reservation_group", v.capacity_reservation_group);
}

nlohmann::json ToJson(const TerminationReason& v) {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "code", v.code);
  Put(j, "type", v.type);
  Put(j, "parameters", v.parameters);
  return j;
}
void FromJson(const nlohmann::json& j, TerminationReason& v) {
  Get(j, "code", v.code);
  Get(j, "type", v.type);
  Get(j, "parameters", v.parameters);
}

namespace {

// Every optional ClusterSpec field with its API name, for both directions.
template <class Spec, class F>
void VisitSpec(Spec& s, F&& f) {
  f("cluster_name", s.cluster_name);
  f("node_type_id", s.node_type_id);
  f("driver_node_type_id", s.driver_node_type_id);
  f("num_workers", s.num_workers);
  f("autoscale", s.autoscale);
  f("spark_conf", s.spark_conf);
  f("spark_env_vars", s.spark_env_vars);
  f("custom_tags", s.custom_tags);
  f("init_scripts", s.init_scripts);
  f("docker_image", s.docker_image);
  f("instance_pool_id", s.instance_pool_id);
  f("driver_instance_pool_id", s.driver_instance_pool_id);
  f("data_security_mode", s.data_security_mode);
  f("single_user_name", s.single_user_name);
  f("runtime_engine", s.runtime_engine);
  f("kind", s.kind);
  f("autotermination_minutes", s.autotermination_minutes);
  f("enable_elastic_disk", s.enable_elastic_disk);
  f("enable_local_disk_encryption", s.enable_local_disk_encryption);
  f("is_single_node", s.is_single_node);
  f("use_ml_runtime", s.use_ml_runtime);
  f("azure_attributes", s.azure_attributes);
  f("aws_attributes", s.aws_attributes);
  f("gcp_attributes", s.gcp_attributes);
  f("workload_type", s.workload_type);
  f("cluster_log_conf", s.cluster_log_conf);
  f("ssh_public_keys", s.ssh_public_keys);
  f("policy_id", s.policy_id);
  f("apply_policy_default_values", s.apply_policy_default_values);
  f("idempotency_token", s.idempotency_token);
}

}  // namespace

nlohmann::json ToJson(const ClusterSpec& spec) {
  nlohmann::json j = nlohmann::json::object();
  if (!spec.spark_version.empty()) j["spark_version"] = spec.spark_version;
  VisitSpec(spec, [&](const char* key, const auto& field) { Put(j, key, field); });
  return j;
}

void FromJson(const nlohmann::json& j, ClusterSpec& spec) {
  spec.spark_version = j.value("spark_version", std::string());
  VisitSpec(spec, [&](const char* key, auto& field) { Get(j, key, field); });
}

void FromJson(const nlohmann::json& j, ClusterInfo& info) {
  FromJson(j, static_cast<ClusterSpec&>(info));
  info.cluster_id = j.value("cluster_id", std::string());
  info.state = j.value("state", std::string());
  Get(j, "state_message", info.state_message);
  Get(j, "creator_user_name", info.creator_user_name);
  Get(j, "cluster_source", info.cluster_source);
  Get(j, "default_tags", info.default_tags);
  Get(j, "start_time", info.start_time);
  Get(j, "terminated_time", info.terminated_time);
  Get(j, "termination_reason", info.termination_reason);
  Get(j, "spec", info.spec);
}

absl::StatusOr<std::string> ClustersApi::Create(const ClusterSpec& spec, const std::atomic<bool>* stop) {
  const bool idempotent = spec.idempotency_token.has_value() && !spec.idempotency_token->empty();
  auto answer = client_.Call("POST", std::string(kPrefix) + "create", ToJson(spec), stop, idempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::string>(*answer, "clusters/create", [](const nlohmann::json& j) {
    return j.at("cluster_id").get<std::string>();
  });
}

absl::Status ClustersApi::Edit(const std::string& cluster_id, const ClusterSpec& spec,
                               const std::atomic<bool>* stop) {
  nlohmann::json body = ToJson(spec);
  body.erase("idempotency_token");  // create-only
  body["cluster_id"] = cluster_id;
  return client_.Call("POST", std::string(kPrefix) + "edit", body, stop, /*idempotent=*/true).status();
}

absl::StatusOr<ClusterInfo> ClustersApi::Get(const std::string& cluster_id, const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "get", {{"cluster_id", cluster_id}}, stop, true);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<ClusterInfo>(*answer, "clusters/get", [](const nlohmann::json& j) {
    ClusterInfo info;
    FromJson(j, info);
    return info;
  });
}

absl::StatusOr<std::vector<ClusterInfo>> ClustersApi::List(const std::atomic<bool>* stop) {
  std::vector<ClusterInfo> all;
  nlohmann::json query = {{"page_size", 100}};
  for (int page = 0; page < 10000; ++page) {
    auto answer = client_.Call("GET", std::string(kPrefix) + "list", query, stop, true);
    if (!answer.ok()) return answer.status();
    auto token = ParseAnswer<std::string>(*answer, "clusters/list", [&](const nlohmann::json& j) {
      std::vector<ClusterInfo> clusters;
      if (j.contains("clusters")) FromJson(j.at("clusters"), clusters);
      for (auto& c : clusters) all.push_back(std::move(c));
      return j.value("next_page_token", std::string());
    });
    if (!token.ok()) return token.status();
    if (token->empty()) break;
    query["page_token"] = *token;
  }
  return all;
}

absl::Status ClustersApi::Post(const char* path, const std::string& cluster_id, const std::atomic<bool>* stop) {
  return client_.Call("POST", std::string(kPrefix) + path, {{"cluster_id", cluster_id}}, stop, true).status();
}

absl::Status ClustersApi::Delete(const std::string& id, const std::atomic<bool>* stop) {
  return Post("delete", id, stop);
}
absl::Status ClustersApi::PermanentDelete(const std::string& id, const std::atomic<bool>* stop) {
  return Post("permanent-delete", id, stop);
}
absl::Status ClustersApi::Start(const std::string& id, const std::atomic<bool>* stop) {
  return Post("start", id, stop);
}

}  // namespace dcs::databricks
