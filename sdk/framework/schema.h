// Declarative schemas: the single source of truth for a resource, data
// source or provider configuration. Protocol schema (sdk/server), config
// validation (framework), docs (framework/docs) and state mapping derive from it.
//
// Declare with C++20 designated initializers, one literal per attribute:
//   Attribute{.name = "cloud", .type = cty::Type::String(),
//             .mode = Mode::kOptional, .description = "…",
//             .validators = {OneOf({"aws", "azure"})}}
#ifndef DCS_SDK_FRAMEWORK_SCHEMA_H_
#define DCS_SDK_FRAMEWORK_SCHEMA_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sdk/cty/path.h"
#include "sdk/cty/type.h"
#include "sdk/cty/value.h"
#include "sdk/framework/diagnostics.h"

namespace dcs::schema {

enum class Mode { kRequired, kOptional, kComputed, kOptionalComputed };
enum class Nesting { kSingle, kList, kSet, kMap, kGroup };

// Checks one known, non-null configuration value. Small named classes; the
// description is used by the generated docs.
class Validator {
 public:
  virtual ~Validator() = default;
  virtual std::string Description() const = 0;
  virtual void Validate(const cty::Value& value, const cty::Path& path,
                        framework::Diagnostics& diagnostics) const = 0;
};

struct AttributePlanRequest {
  cty::Path path;
  cty::Value config;    // the attribute's value in config (null if unset)
  cty::Value prior;     // in prior state (null on create)
  cty::Value proposed;  // in the proposed new state
  bool creating = false;
};

struct AttributePlanResponse {
  cty::Value planned;  // starts as the value planned so far
  bool requires_replace = false;
  framework::Diagnostics diagnostics;
};

// Adjusts the planned value of one attribute (requires-replace,
// use-state-for-unknown, …). Runs in declaration order.
class PlanModifier {
 public:
  virtual ~PlanModifier() = default;
  virtual std::string Description() const = 0;
  virtual void Modify(const AttributePlanRequest& request,
                      AttributePlanResponse& response) const = 0;
  // Whether a change may replace the object: the field is create-only.
  // Resources derive what their API's edit call takes from this.
  virtual bool MayRequireReplace() const { return false; }
};

struct Attribute;

// Protocol-6 nested attributes (`x = { … }` / `x = [{ … }]`).
struct NestedAttributes {
  Nesting nesting = Nesting::kSingle;  // kGroup is not allowed here
  std::vector<Attribute> attributes;
};

struct Attribute {
  std::string name;
  cty::Type type;  // ignored when `nested` is set
  Mode mode = Mode::kOptional;
  std::string description;  // markdown
  bool sensitive = false;
  bool write_only = false;
  std::string deprecation_message;  // non-empty ⇒ deprecated
  std::shared_ptr<const NestedAttributes> nested;
  std::vector<std::shared_ptr<const Validator>> validators;
  std::vector<std::shared_ptr<const PlanModifier>> plan_modifiers;
  // Planned when the config leaves an optional+computed attribute null.
  std::optional<cty::Value> default_value;

  bool required() const { return mode == Mode::kRequired; }
  bool optional() const { return mode == Mode::kOptional || mode == Mode::kOptionalComputed; }
  bool computed() const { return mode == Mode::kComputed || mode == Mode::kOptionalComputed; }
  // The attribute's value type (nested attributes included).
  cty::Type ValueType() const;
};

struct Block;

struct NestedBlock {
  std::string name;
  Nesting nesting = Nesting::kList;
  std::shared_ptr<const Block> block;
  int64_t min_items = 0;
  int64_t max_items = 0;  // 0 = unlimited
  // Run on the whole block value (a single object, or the list/set/map of
  // them) after its contents are planned, e.g. RequiresReplace.
  std::vector<std::shared_ptr<const PlanModifier>> plan_modifiers;
};

// ImpliedType's memo. Every decode, conform and state conversion asks for the
// type, and building it walks the whole schema; a block is not changed once
// it is in use, so the first answer stands. A copy starts empty (the copy may
// still be edited before it is used).
class ImpliedTypeMemo {
 public:
  ImpliedTypeMemo() = default;
  ImpliedTypeMemo(const ImpliedTypeMemo&) {}
  ImpliedTypeMemo& operator=(const ImpliedTypeMemo&) {
    type_.store(nullptr);
    return *this;
  }
  std::shared_ptr<const cty::Type> Get() const { return type_.load(); }
  void Set(std::shared_ptr<const cty::Type> type) const { type_.store(std::move(type)); }

 private:
  mutable std::atomic<std::shared_ptr<const cty::Type>> type_;
};

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> blocks;
  std::string description;  // markdown
  std::string deprecation_message;
  ImpliedTypeMemo implied_type_memo = {};

  const Attribute* FindAttribute(std::string_view name) const;
  const NestedBlock* FindBlock(std::string_view name) const;
  // The object type of this block's values on the wire (computed once).
  cty::Type ImpliedType() const;
};

struct Schema {
  int64_t version = 0;
  Block block;
};

// Helpers for terse literals.
std::shared_ptr<const NestedAttributes> Nested(Nesting nesting, std::vector<Attribute> attributes);
std::shared_ptr<const Block> MakeBlock(std::vector<Attribute> attributes,
                                       std::vector<NestedBlock> blocks = {},
                                       std::string description = "");

// Checks what Terraform checks when it loads a provider schema (mode
// combinations, names, nesting limits, write-only in sets, …). The provider
// runs it on every registered schema at start; a failure is a provider bug.
absl::Status ValidateSchema(const Schema& schema);

}  // namespace dcs::schema

#endif  // DCS_SDK_FRAMEWORK_SCHEMA_H_
