// Plan-time checks of a dcs_cluster configuration, each reported on its
// attribute with a detail that says how to fix it. Unknown values are
// skipped (they are checked again once known, at apply's plan).
#ifndef DCS_RESOURCES_CLUSTER_CHECKS_H_
#define DCS_RESOURCES_CLUSTER_CHECKS_H_

#include <atomic>

#include "clients/databricks/client.h"
#include "sdk/cty/value.h"
#include "sdk/framework/diagnostics.h"

namespace dcs::resources {

// Checks that need nothing but the configuration: custom image vs ML
// runtime and access mode, conflicting attributes, floating image tags,
// Unity Catalog volumes, GPU node types with CPU-only base images.
void CheckClusterConfig(const cty::Value& config, framework::Diagnostics& diagnostics);

// The documented message for a docker cluster on a pool without the image.
inline constexpr char kPoolWithoutImagesMessage[] =
    "does not have docker images configured, thus not supporting Docker container";

// When the pool ids are known: the pool(s) must preload `docker_image.url`.
// A pool that cannot be read is left to apply (no error at plan).
void CheckClusterPools(const cty::Value& config, databricks::Client& client, const std::atomic<bool>* stop,
                       framework::Diagnostics& diagnostics);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_CLUSTER_CHECKS_H_
