// Instance Pools API JSON mapping and calls.
#include "clients/databricks/instance_pools_api.h"

namespace dcs::databricks {
namespace {

constexpr char kPrefix[] = "/api/2.0/instance-pools/";

template <class Spec, class F>
void VisitPool(Spec& s, F&& f) {
  f("min_idle_instances", s.min_idle_instances);
  f("max_capacity", s.max_capacity);
  f("idle_instance_autotermination_minutes", s.idle_instance_autotermination_minutes);
  f("custom_tags", s.custom_tags);
  f("enable_elastic_disk", s.enable_elastic_disk);
  f("disk_spec", s.disk_spec);
  f("preloaded_spark_versions", s.preloaded_spark_versions);
  f("preloaded_docker_images", s.preloaded_docker_images);
  f("aws_attributes", s.aws_attributes);
  f("azure_attributes", s.azure_attributes);
  f("gcp_attributes", s.gcp_attributes);
}

}  // namespace

nlohmann::json ToJson(const DiskSpec& v) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json type = nlohmann::json::object();
  Put(type, "ebs_volume_type", v.ebs_volume_type);
  Put(type, "azure_disk_volume_type", v.azure_disk_volume_type);
  if (!type.empty()) j["disk_type"] = type;
  Put(j, "disk_count", v.disk_count);
  Put(j, "disk_size", v.disk_size);
  Put(j, "disk_iops", v.disk_iops);
  Put(j, "disk_throughput", v.disk_throughput);
  return j;
}

void FromJson(const nlohmann::json& j, DiskSpec& v) {
  if (j.contains("disk_type") && j["disk_type"].is_object()) {
    Get(j["disk_type"], "ebs_volume_type", v.ebs_volume_type);
    Get(j["disk_type"], "azure_disk_volume_type", v.azure_disk_volume_type);
  }
  Get(j, "disk_count", v.disk_count);
  Get(j, "disk_size", v.disk_size);
  Get(j, "disk_iops", v.disk_iops);
  Get(j, "disk_throughput", v.disk_throughput);
}

nlohmann::json ToJson(const InstancePoolSpec& spec) {
  nlohmann::json j = {{"instance_pool_name", spec.instance_pool_name}, {"node_type_id", spec.node_type_id}};
  VisitPool(spec, [&](const char* key, const auto& field) { Put(j, key, field); });
  return j;
}

void FromJson(const nlohmann::json& j, InstancePoolSpec& spec) {
  spec.instance_pool_name = j.value("instance_pool_name", std::string());
  spec.node_type_id = j.value("node_type_id", std::string());
  VisitPool(spec, [&](const char* key, auto& field) { Get(j, key, field); });
}

void FromJson(const nlohmann::json& j, InstancePoolInfo& info) {
  FromJson(j, static_cast<InstancePoolSpec&>(info));
  info.instance_pool_id = j.value("instance_pool_id", std::string());
  Get(j, "state", info.state);
  Get(j, "default_tags", info.default_tags);
  Get(j, "stats", info.stats);
}

absl::StatusOr<std::string> InstancePoolsApi::Create(const InstancePoolSpec& spec, const std::atomic<bool>* stop) {
  auto answer = client_.Call("POST", std::string(kPrefix) + "create", ToJson(spec), stop, false);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::string>(*answer, "instance-pools/create", [](const nlohmann::json& j) {
    return j.at("instance_pool_id").get<std::string>();
  });
}

absl::Status InstancePoolsApi::Edit(const std::string& id, const InstancePoolSpec& spec,
                                    const std::atomic<bool>* stop) {
  nlohmann::json body = {{"instance_pool_id", id},
                         {"instance_pool_name", spec.instance_pool_name},
                         {"node_type_id", spec.node_type_id}};
  Put(body, "min_idle_instances", spec.min_idle_instances);
  Put(body, "max_capacity", spec.max_capacity);
  Put(body, "idle_instance_autotermination_minutes", spec.idle_instance_autotermination_minutes);
  Put(body, "custom_tags", spec.custom_tags);
  return client_.Call("POST", std::string(kPrefix) + "edit", body, stop, true).status();
}

absl::StatusOr<InstancePoolInfo> InstancePoolsApi::Get(const std::string& id, const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "get", {{"instance_pool_id", id}}, stop, true);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<InstancePoolInfo>(*answer, "instance-pools/get", [](const nlohmann::json& j) {
    InstancePoolInfo info;
    FromJson(j, info);
    return info;
  });
}

absl::StatusOr<std::vector<InstancePoolInfo>> InstancePoolsApi::List(const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "list", nullptr, stop, true);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::vector<InstancePoolInfo>>(*answer, "instance-pools/list", [](const nlohmann::json& j) {
    std::vector<InstancePoolInfo> pools;
    if (j.contains("instance_pools")) FromJson(j.at("instance_pools"), pools);
    return pools;
  });
}

absl::Status InstancePoolsApi::Delete(const std::string& id, const std::atomic<bool>* stop) {
  return client_.Call("POST", std::string(kPrefix) + "delete", {{"instance_pool_id", id}}, stop, true).status();
}

}  // namespace dcs::databricks
