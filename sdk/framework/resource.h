// Resource and data source interfaces. A resource is one file under
// resources/: a literal schema plus CRUD. Optional capabilities are separate
// mix-in interfaces found with dynamic_cast. The engine, not the resource,
// decides between create, update and delete from null prior/planned values.
#ifndef DCS_SDK_FRAMEWORK_RESOURCE_H_
#define DCS_SDK_FRAMEWORK_RESOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sdk/cty/path.h"
#include "sdk/cty/value.h"
#include "sdk/framework/context.h"
#include "sdk/framework/diagnostics.h"
#include "sdk/framework/schema.h"

namespace dcs::framework {


struct ValidateConfigRequest {
  Context ctx;
  cty::Value config;  // may contain unknowns
};

struct ReadDataRequest {
  Context ctx;
  cty::Value config;  // wholly known; computed attributes null
};
struct ReadDataResponse {
  cty::Value state;  // must be wholly known and conform to the schema
  Diagnostics diagnostics;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::string TypeName() const = 0;
  virtual const schema::Schema& GetSchema() const = 0;
  // Cross-attribute checks beyond the schema's validators.
  virtual void ValidateConfig(const ValidateConfigRequest& request, Diagnostics& diagnostics) const {}
  virtual void Read(const ReadDataRequest& request, ReadDataResponse& response) const = 0;
};

struct CreateRequest {
  Context ctx;
  cty::Value config;
  cty::Value planned;
};
struct UpdateRequest {
  Context ctx;
  cty::Value config;
  cty::Value planned;
  cty::Value prior;
  std::string private_data;
};
struct ApplyResponse {
  // On failure return the best-known object (a failed create is tainted) or
  // leave it null to keep the prior state.
  cty::Value new_state;
  std::string private_data;
  Diagnostics diagnostics;
};
struct ReadRequest {
  Context ctx;
  cty::Value state;
  std::string private_data;
};
struct ReadResponse {
  cty::Value new_state;  // null ⇒ the remote object is gone
  std::string private_data;
  Diagnostics diagnostics;
};
struct DeleteRequest {
  Context ctx;
  cty::Value prior;
  std::string private_data;
};
struct DeleteResponse {
  Diagnostics diagnostics;
};

class Resource {
 public:
  virtual ~Resource() = default;
  virtual std::string TypeName() const = 0;
  virtual const schema::Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const ValidateConfigRequest& request, Diagnostics& diagnostics) const {}
  virtual void Create(const CreateRequest& request, ApplyResponse& response) const = 0;
  virtual void Read(const ReadRequest& request, ReadResponse& response) const = 0;
  virtual void Update(const UpdateRequest& request, ApplyResponse& response) const = 0;
  virtual void Delete(const DeleteRequest& request, DeleteResponse& response) const = 0;
};

struct ModifyPlanRequest {
  Context ctx;
  cty::Value config;
  cty::Value prior;    // null on create
  cty::Value planned;  // after defaults, unknown-marking and attribute modifiers
};
struct ModifyPlanResponse {
  cty::Value planned;
  std::vector<cty::Path> requires_replace;
  Diagnostics diagnostics;
};

// Plan-time checks that need the whole object or the API.
class ResourceWithModifyPlan {
 public:
  virtual ~ResourceWithModifyPlan() = default;
  virtual void ModifyPlan(const ModifyPlanRequest& request, ModifyPlanResponse& response) const = 0;
};

// Plan-time notes about a destroy (PlanResourceChange with a null proposal):
// e.g. which settings a destroy will leave as they are, and why.
struct DestroyPlanRequest {
  Context ctx;
  cty::Value prior;
  std::string private_data;
};
class ResourceWithDestroyPlan {
 public:
  virtual ~ResourceWithDestroyPlan() = default;
  virtual void PlanDestroy(const DestroyPlanRequest& request, Diagnostics& diagnostics) const = 0;
};

struct ImportRequest {
  Context ctx;
  std::string id;
};
struct ImportResponse {
  cty::Value state;  // may be partial; ReadResource fills the rest
  Diagnostics diagnostics;
};

// Without this mix-in, import sets the `id` attribute (when the schema has
// one) and lets Read fill the rest.
class ResourceWithImport {
 public:
  virtual ~ResourceWithImport() = default;
  virtual void ImportState(const ImportRequest& request, ImportResponse& response) const = 0;
};

// Resource identity (protocol 6.9): the few attributes that name the remote
// object, kept by clients beside the state and usable in `import { identity
// = {…} }`. Attribute types are primitives or lists (clients refuse maps,
// sets and objects).
struct IdentityAttribute {
  std::string name;
  cty::Type type;
  bool required_for_import = false;
  bool optional_for_import = false;
  std::string description;
};
struct IdentitySchema {
  int64_t version = 0;
  std::vector<IdentityAttribute> attributes;
  cty::Type ImpliedType() const;
};

// An identity of one string attribute, required for import, that is also a
// state attribute and the resource's import ID (e.g. `cluster_id`).
IdentitySchema StringIdentity(std::string name, std::string description);

class ResourceWithIdentity {
 public:
  virtual ~ResourceWithIdentity() = default;
  virtual const IdentitySchema& GetIdentitySchema() const = 0;
  // The identity of the object in `state` (known, not null). Default: each
  // identity attribute is the state attribute of the same name.
  virtual cty::Value IdentityFromState(const cty::Value& state) const;
  // The import ID that ImportState takes for `identity`. Default: the first
  // required_for_import attribute, which must be a known string.
  virtual absl::StatusOr<std::string> ImportIdFromIdentity(const cty::Value& identity) const;
};

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_RESOURCE_H_
