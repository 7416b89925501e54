// dcs_cluster's schema and the fields the API never returns.
#ifndef DCS_RESOURCES_CLUSTER_SCHEMA_H_
#define DCS_RESOURCES_CLUSTER_SCHEMA_H_

#include "provider/schema/schema.h"
#include "resources/api_json.h"
#include "resources/timeouts.h"

namespace dcs::resources {

extern const TimeoutDefaults kClusterTimeouts;

schema::Schema ClusterSchema();

// Computed or provider-only fields, plus write-only ones: left out of API
// bodies and taken from prior state on read.
FieldSet ClusterStateOnlyFields();

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_CLUSTER_SCHEMA_H_
