// cty types: the type system of Terraform values (go-cty's model).
//
// A Type is an immutable value object, cheap to copy (shared representation).
// Thread-safe: all methods are const.
#ifndef DCS_SDK_CTY_TYPE_H_
#define DCS_SDK_CTY_TYPE_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dcs::cty {

enum class TypeKind { kString, kNumber, kBool, kDynamic, kList, kSet, kMap, kTuple, kObject };

class Type {
 public:
  // Default-constructed type is Dynamic.
  Type();

  static Type String();
  static Type Number();
  static Type Bool();
  // The "any type" placeholder ("dynamic" in type JSON).
  static Type Dynamic();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  static Type Tuple(std::vector<Type> elements);
  // `optional` names attributes that are optional in a type *constraint*; it is
  // ignored by equality of values but kept for JSON round trips.
  static Type Object(std::map<std::string, Type> attributes,
                     std::set<std::string> optional = {});

  TypeKind kind() const;
  bool IsPrimitive() const;   // string, number, bool
  bool IsCollection() const;  // list, set, map
  bool IsDynamic() const { return kind() == TypeKind::kDynamic; }
  bool IsObject() const { return kind() == TypeKind::kObject; }
  // True when the type or any nested type is Dynamic.
  bool HasDynamic() const;

  // REQUIRES: IsCollection().
  const Type& element_type() const;
  // REQUIRES: kind() == kTuple.
  const std::vector<Type>& tuple_elements() const;
  // REQUIRES: kind() == kObject.
  const std::map<std::string, Type>& attribute_types() const;
  const std::set<std::string>& optional_attributes() const;
  // REQUIRES: kind() == kObject. Returns nullptr when there is no such attribute.
  const Type* attribute_type(std::string_view name) const;

  // Structural equality (optional markers included).
  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

  // Type constraint JSON as in the plugin protocol: "string", ["list","string"],
  // ["object",{"a":"string"}], ["object",{...},["opt"]], ["tuple",[...]].
  nlohmann::json ToJson() const;
  std::string ToJsonString() const;  // compact, no whitespace
  static absl::StatusOr<Type> FromJson(const nlohmann::json& j);
  static absl::StatusOr<Type> FromJsonString(std::string_view text);

  // Human-readable, e.g. "list of string", "object", "map of number".
  std::string FriendlyName() const;

  struct Rep;  // implementation detail

 private:
  explicit Type(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_TYPE_H_
