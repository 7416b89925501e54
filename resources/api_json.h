// Schema-driven mapping between Databricks API JSON and state values. Our
// attribute and block names are the API's field names, so one walk over the
// schema converts both ways; resources list only the exceptions.
#ifndef DCS_RESOURCES_API_JSON_H_
#define DCS_RESOURCES_API_JSON_H_

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "provider/cty/value.h"
#include "provider/schema/schema.h"

namespace dcs::resources {

// Attribute/block paths written without indices, e.g.
// "docker_image.basic_auth.password".
using FieldSet = std::set<std::string>;

// The API body for `object`: null and unknown values and empty block lists
// are left out, single blocks become objects, block lists arrays, integral
// numbers JSON integers. Fields in `skip` (provider-only settings such as
// `timeouts`) are left out.
nlohmann::json ToApiJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip);

// The state value for an API answer. For every field:
//  * in `keep_from_prior`: the prior value (fields the API never returns:
//    passwords, idempotency tokens, provider-only settings);
//  * absent or null in `json`: null, or an empty list for block lists — but a
//    prior empty collection stays empty (config `{}` is not drift);
//  * an empty collection in `json` where prior is null: null;
//  * otherwise the JSON converted to the schema type (strings from numbers
//    and booleans are stringified; unknown JSON fields are ignored).
// `prior` may be null (import).
cty::Value FromApiJson(const schema::Block& block, const nlohmann::json& json, const cty::Value& prior,
                       const FieldSet& keep_from_prior);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_API_JSON_H_
