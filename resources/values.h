// One-line helpers that read single typed fields out of known cty objects,
// for the checks and special cases a resource handles by hand. Whole API
// objects are not copied into structs: they are mapped through the schema
// (api_json.h).
#ifndef DCS_RESOURCES_VALUES_H_
#define DCS_RESOURCES_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdk/cty/value.h"

namespace dcs::resources {

// Each returns nullopt when the object or the attribute is null or unknown.
std::optional<std::string> GetString(const cty::Value& object, const std::string& name);
std::optional<int64_t> GetInt(const cty::Value& object, const std::string& name);
std::optional<bool> GetBool(const cty::Value& object, const std::string& name);
// Known, non-null attribute value, or nullopt.
std::optional<cty::Value> GetKnown(const cty::Value& object, const std::string& name);

cty::Value OptionalString(const std::optional<std::string>& s);

// "cuda_extensions[1].version" → Path; unparsable text → a path to the first
// attribute name found, or the empty path.
cty::Path ParsePath(const std::string& text);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_VALUES_H_
