// The static catalogue an Azure workspace reports: Databricks Runtime versions
// (clusters/spark-versions) and VM node types (clusters/list-node-types).
// Immutable after first use; thread-safe.
#ifndef DCS_EMULATOR_CATALOG_H_
#define DCS_EMULATOR_CATALOG_H_



#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

// {"versions": [{"key", "name"}, ...]}
const nlohmann::json& SparkVersionsResponse();
// {"node_types": [NodeType, ...]}
const nlohmann::json& NodeTypesResponse();

bool IsKnownSparkVersion(absl::string_view key);
// Returns the NodeType object or nullptr.
const nlohmann::json* FindNodeType(absl::string_view node_type_id);

// Runtime key classification, same substring rules as the official SDK selector.
bool IsMlRuntime(absl::string_view key);
bool IsPhotonKey(absl::string_view key);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_CATALOG_H_
