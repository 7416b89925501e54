// dcs_cluster's schema and the fields the API never returns.
#ifndef DCS_RESOURCES_CLUSTER_SCHEMA_H_
#define DCS_RESOURCES_CLUSTER_SCHEMA_H_

#include "resources/api_json.h"
#include "resources/timeouts.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

extern const TimeoutDefaults kClusterTimeouts;

schema::Schema ClusterSchema();

// How the schema maps the Clusters API's cluster object: provider-only and
// write-only fields (never sent, taken from prior state on read) and the
// API's fields dcs does not model.
ApiMapping ClusterApiMapping();

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_CLUSTER_SCHEMA_H_
