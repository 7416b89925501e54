// Schema blocks shared by dcs_cluster and dcs_instance_pool. Names are the
// API's field names, so resources/api_json.h maps them without a table.
#ifndef DCS_RESOURCES_COMPUTE_BLOCKS_H_
#define DCS_RESOURCES_COMPUTE_BLOCKS_H_

#include <string>

#include "resources/api_json.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

// docker_image { url  basic_auth { username  password  password_version } }
// (`name` is "docker_image" on clusters, "preloaded_docker_image" on pools).
schema::NestedBlock DockerImageBlock(std::string name, schema::Nesting nesting, int64_t max_items);
// Clusters accept one more availability than pools (SPOT_WITH_FALLBACK_*) and
// carry fields pools lack (first_on_demand, spot_bid_max_price on Azure, …).
enum class ComputeKind { kCluster, kPool };
schema::NestedBlock AzureAttributesBlock(ComputeKind kind);
schema::NestedBlock AwsAttributesBlock(ComputeKind kind);
// init_scripts { workspace|volumes|dbfs|file|abfss|gcs|s3 { destination … } }
schema::NestedBlock InitScriptsBlock();
// cluster_log_conf { dbfs|s3|volumes { destination … } }
schema::NestedBlock ClusterLogConfBlock();

// Fields inside a docker image block that never come back from the API or
// exist only in the provider (prefix e.g. "docker_image").
void AddDockerImageStateOnlyFields(const std::string& prefix, FieldSet& fields);

// Whether a node type carries NVIDIA GPUs (Azure NC/ND/NV, AWS g4dn/g5/g6/p3/p4/p5,
// GCP a2/a3/g2).
bool IsGpuNodeType(const std::string& node_type_id);
// Whether an image is one of the Databricks base images built without CUDA
// (databricksruntime/standard, minimal, python, …).
bool IsKnownCpuOnlyImage(const std::string& url);
// Whether the URL pins nothing stable: no tag, or the tag `latest` (a digest pins).
bool IsFloatingImageTag(const std::string& url);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_COMPUTE_BLOCKS_H_
