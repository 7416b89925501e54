// RenderCluster: ClusterDetails from the stored spec plus server-set fields.
#include "absl/strings/str_cat.h"
#include "emulator/catalog.h"
#include "emulator/cluster_lifecycle.h"

namespace dcs::emulator {
namespace {

// Pool clusters report the pool's node types at top level (never in `spec`).
void FillNodeTypes(Json& j, const Cluster& c, const Workspace& ws) {
  std::string pool_id = c.spec.value("instance_pool_id", "");
  if (!pool_id.empty()) {
    auto pool = ws.pools.find(pool_id);
    if (pool != ws.pools.end()) j["node_type_id"] = pool->second.spec.value("node_type_id", "");
    auto driver = ws.pools.find(c.spec.value("driver_instance_pool_id", pool_id));
    if (driver != ws.pools.end()) {
      j["driver_node_type_id"] = driver->second.spec.value("node_type_id", "");
    }
    j["enable_elastic_disk"] = pool != ws.pools.end() &&
                               pool->second.spec.value("enable_elastic_disk", false);
    return;
  }
  if (!j.contains("driver_node_type_id")) j["driver_node_type_id"] = j.value("node_type_id", "");
  // Azure turns autoscaling local storage on and fills on-demand attributes by default.
  if (!j.contains("enable_elastic_disk")) j["enable_elastic_disk"] = true;
  Json azure = {{"first_on_demand", 1}, {"availability", "ON_DEMAND_AZURE"},
                {"spot_bid_max_price", -1}};
  if (j.contains("azure_attributes")) azure.update(j["azure_attributes"]);
  j["azure_attributes"] = azure;
}

Json DefaultTags(const Cluster& c, const Workspace& ws) {
  Json tags = {{"Vendor", "Databricks"},
               {"Creator", c.creator},
               {"ClusterName", c.spec.value("cluster_name", "")},
               {"ClusterId", c.cluster_id}};
  std::string pool_id = c.spec.value("instance_pool_id", "");
  auto pool = ws.pools.find(pool_id);
  if (pool != ws.pools.end()) {
    tags["DatabricksInstancePoolId"] = pool_id;
    tags["DatabricksInstancePoolCreatorId"] = pool->second.creator;
  }
  return tags;
}

Json Node(const Cluster& c, int index) {
  std::string ip = absl::StrCat("10.139.", index / 250, ".", 4 + index % 250);
  return Json{{"private_ip", ip},
              {"node_id", absl::StrCat(c.cluster_id.substr(c.cluster_id.size() - 8), "n", index)},
              {"instance_id", absl::StrCat("vm-", c.cluster_id, "-", index)},
              {"start_timestamp", c.start_time},
              {"host_private_ip", absl::StrCat("10.139.64.", 4 + index % 250)}};
}

// Live topology only exists while the cluster runs.
void FillRuntime(Json& j, const Cluster& c) {
  if (c.state != "RUNNING" && c.state != "RESIZING") return;
  int64_t workers = c.spec.contains("autoscale")
                        ? c.spec["autoscale"].value("min_workers", int64_t{0})
                        : c.spec.value("num_workers", int64_t{0});
  j["driver"] = Node(c, 0);
  Json executors = Json::array();
  for (int64_t i = 1; i <= workers && i <= 256; ++i) executors.push_back(Node(c, static_cast<int>(i)));
  if (!executors.empty()) j["executors"] = executors;
  j["jdbc_port"] = 10000;
  const Json* node = FindNodeType(j.value("node_type_id", ""));
  const Json* driver = FindNodeType(j.value("driver_node_type_id", ""));
  if (node != nullptr && driver != nullptr) {
    j["cluster_memory_mb"] = (*driver)["memory_mb"].get<int64_t>() +
                             workers * (*node)["memory_mb"].get<int64_t>();
    j["cluster_cores"] = (*driver)["num_cores"].get<double>() +
                         static_cast<double>(workers) * (*node)["num_cores"].get<double>();
  }
}

}  // namespace

Json RenderCluster(const Cluster& c, const Workspace& ws, bool with_spec) {
  Json j = c.spec;
  j.erase("idempotency_token");
  j["cluster_id"] = c.cluster_id;
  if (!j.contains("cluster_name")) j["cluster_name"] = "";
  if (c.state == "RESIZING" && c.pending_size.is_object()) {
    j.erase("num_workers");
    j.erase("autoscale");
    j.update(c.pending_size);
  }
  FillNodeTypes(j, c, ws);
  j["state"] = c.state;
  j["state_message"] = c.state_message;
  j["start_time"] = c.start_time;
  if (!c.creator.empty()) j["creator_user_name"] = c.creator;
  j["cluster_source"] = "API";
  j["default_tags"] = DefaultTags(c, ws);
  if (c.spark_context_id != 0) j["spark_context_id"] = c.spark_context_id;
  if (c.terminated_time != 0) j["terminated_time"] = c.terminated_time;
  if (c.last_restarted_time != 0) j["last_restarted_time"] = c.last_restarted_time;
  if (!c.termination_reason.is_null()) j["termination_reason"] = c.termination_reason;
  FillRuntime(j, c);
  if (with_spec) j["spec"] = c.spec;
  return j;
}

}  // namespace dcs::emulator
