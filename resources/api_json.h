// Schema-driven mapping between Databricks API JSON and state values. Our
// attribute and block names are the API's field names, so one walk over the
// schema converts both ways; resources list only the exceptions.
#ifndef DCS_RESOURCES_API_JSON_H_
#define DCS_RESOURCES_API_JSON_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sdk/cty/value.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

// Attribute/block paths written without indices, e.g.
// "docker_image.basic_auth.password".
using FieldSet = std::set<std::string>;

// The API body for `object`: null and unknown values, computed-only
// attributes and empty block lists are left out, single blocks become
// objects, block lists arrays, integral numbers JSON integers. Fields in
// `skip` (provider-only settings such as `timeouts`) are left out.
nlohmann::json ToApiJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip);

// The state value for an API answer. For every field:
//  * in `keep_from_prior`: the prior value (fields the API never returns:
//    passwords, idempotency tokens, provider-only settings);
//  * absent or null in `json`: null, or an empty list for block lists — but a
//    prior empty collection stays empty (config `{}` is not drift);
//  * an empty collection in `json` where prior is null: null;
//  * otherwise the JSON converted to the schema type (strings from numbers
//    and booleans are stringified; JSON fields the schema lacks are left
//    out here: UnmappedApiFields reports them).
// `prior` may be null (import).
cty::Value FromApiJson(const schema::Block& block, const nlohmann::json& json, const cty::Value& prior,
                       const FieldSet& keep_from_prior);

// How a resource's schema maps one API object: the exceptions to "attribute
// and block names are the API's field names". Everything else follows from
// the schema: which fields exist and their types, what create and edit send
// (fields whose change replaces the object are create-only), what a read
// maps back. A field is declared once, by its schema line.
struct ApiMapping {
  // Schema fields never sent and taken from the prior state on read
  // (passwords, tokens, provider-only settings).
  FieldSet state_only;
  // Fields of the API object that the schema deliberately does not model
  // (status, other clouds, preview flags). An answer field that is neither in
  // the schema nor here is reported by UnmappedApiFields.
  FieldSet api_only;
  // Top-level fields the schema names differently: schema name → API name.
  std::map<std::string, std::string> renamed;
};

// The create body for the planned object.
nlohmann::json ApiCreateBody(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned);

// The create body without the top-level fields whose change replaces the
// object (a plan modifier that may require replacement): the API's edit call
// does not take them. Required ones stay: edit calls want them even though
// they cannot change (instance-pools/edit checks node_type_id).
nlohmann::json ApiEditBody(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned);

// The state for an API object (FromApiJson with the mapping); fields the
// schema does not know are logged at debug level.
cty::Value StateFromApi(const schema::Block& block, const ApiMapping& mapping, const nlohmann::json& object,
                        const cty::Value& prior);

// Paths ("disk_spec.disk_type.foo", no indices) of the fields of an API
// object that neither the schema nor mapping.api_only names: fields a read
// would drop. Tests feed full API answers through it.
std::vector<std::string> UnmappedApiFields(const schema::Block& block, const ApiMapping& mapping,
                                           const nlohmann::json& object);

// Implemented by resources that map one API object, so tests can check a
// full API answer against the schema and the mapping.
class ResourceWithApiMapping {
 public:
  virtual ~ResourceWithApiMapping() = default;
  virtual const ApiMapping& GetApiMapping() const = 0;
};

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_API_JSON_H_
