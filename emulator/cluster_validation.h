// Validation of clusters/create and clusters/edit bodies, including the
// Databricks Container Services rules (enableDcs gate, ML runtimes, access modes,
// pools without preloaded images).
#ifndef DCS_EMULATOR_CLUSTER_VALIDATION_H_
#define DCS_EMULATOR_CLUSTER_VALIDATION_H_

#include "absl/status/statusor.h"
#include "emulator/workspace.h"

namespace dcs::emulator {

// Returns the body reduced to the fields the API knows (unknown fields are
// ignored, as the service does) or the first rule it breaks.
absl::StatusOr<Json> ValidateClusterSpec(const Json& body, const Workspace& ws);

// Checks one size description: exactly one of num_workers / autoscale.
absl::Status ValidateClusterSize(const Json& body);

// `{{secrets/<scope>/<key>}}` syntax check; true when `value` is a reference.
bool IsSecretReference(const std::string& value);
// Splits a reference into scope and key. REQUIRES: IsSecretReference(value).
std::pair<std::string, std::string> SplitSecretReference(const std::string& value);

// Shared by pools: a docker image object {url, basic_auth{username,password}}.
absl::Status ValidateDockerImage(const Json& image, const std::string& name);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_CLUSTER_VALIDATION_H_
