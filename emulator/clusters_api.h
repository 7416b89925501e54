// Internal helpers shared by clusters_api.cc and cluster_queries.cc.
#ifndef DCS_EMULATOR_CLUSTERS_API_H_
#define DCS_EMULATOR_CLUSTERS_API_H_

#include <string>

#include "absl/status/status.h"
#include "emulator/service.h"

namespace dcs::emulator {

// The not-found answer for a cluster id, honouring ctx.legacy_not_found.
absl::Status ClusterNotFound(const ServiceContext& ctx, const std::string& id);

// Read-side routes: list (2.0 and 2.1), events, spark-versions, list-node-types.
void RegisterClusterQueryRoutes(Router& router, ServiceContext& ctx);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_CLUSTERS_API_H_
