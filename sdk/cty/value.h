// cty values: tri-state (known / null / unknown) typed values.
//
// Value is an immutable value object with shared representation (cheap copy).
// Never read a payload (AsString, Elements, …) without checking IsKnown() and
// !IsNull() first: the accessors REQUIRE a known, non-null value of the right
// kind and abort otherwise.
#ifndef DCS_SDK_CTY_VALUE_H_
#define DCS_SDK_CTY_VALUE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sdk/cty/number.h"
#include "sdk/cty/path.h"
#include "sdk/cty/type.h"

namespace dcs::cty {

// What is known about an unknown value (tfplugin refinements, msgpack ext 12).
// Every field is optional; an empty Refinements means "wholly unknown".
struct Refinements {
  bool not_null = false;                     // key 1 (false on the wire)
  std::optional<std::string> string_prefix;  // key 2
  std::optional<Number> number_lower;        // key 3
  bool number_lower_inclusive = true;
  std::optional<Number> number_upper;        // key 4
  bool number_upper_inclusive = true;
  std::optional<int64_t> length_min;         // key 5
  std::optional<int64_t> length_max;         // key 6

  bool empty() const {
    return !not_null && !string_prefix && !number_lower && !number_upper && !length_min &&
           !length_max;
  }
  bool operator==(const Refinements& o) const;
};

class Value {
 public:
  // Null of Dynamic type.
  Value();

  static Value Null(Type type);
  static Value Unknown(Type type, Refinements refinements = {});
  static Value String(std::string s);
  static Value NumberVal(Number n);
  static Value Int(int64_t v) { return NumberVal(Number::FromInt64(v)); }
  static Value Bool(bool b);
  static Value List(Type element_type, std::vector<Value> elements);
  // Duplicates (by Equals) are dropped, first occurrence kept.
  static Value Set(Type element_type, std::vector<Value> elements);
  static Value Map(Type element_type, std::map<std::string, Value> elements);
  static Value Tuple(std::vector<Value> elements);
  // `type` must be an object type; attributes missing from `attributes` are
  // filled with Null of their declared type. Attributes not in the type are
  // dropped (use Conform to detect them).
  static Value Object(const Type& type, std::map<std::string, Value> attributes);

  // The declared type. For a value stored in a Dynamic slot this is the
  // concrete type of the value (Dynamic only for null/unknown of any type).
  const Type& type() const;
  bool IsNull() const;
  bool IsKnown() const;        // false for unknown
  bool IsWhollyKnown() const;  // known, and every nested value is known
  const Refinements& refinements() const;  // REQUIRES: !IsKnown()

  const std::string& AsString() const;
  const Number& AsNumber() const;
  bool AsBool() const;
  // list, set, tuple
  const std::vector<Value>& Elements() const;
  // map elements, object attributes
  const std::map<std::string, Value>& Attributes() const;
  // Object attribute by name; Null(Dynamic) when absent.
  const Value& GetAttr(std::string_view name) const;
  // Count of elements for collections/tuples/objects. REQUIRES known, non-null.
  size_t Length() const;

  // Deep equality: same type, same known-ness, same null-ness, same payload.
  // Two unknowns are equal when their types and refinements are equal.
  bool Equals(const Value& other) const;
  bool operator==(const Value& other) const { return Equals(other); }

  // Value at `path` (attributes / map keys / list indexes); nullopt if the
  // path leads through a null, unknown or missing element.
  std::optional<Value> At(const Path& path) const;

  // Debug rendering, e.g. {"a":"x","n":1,"u":<unknown>,"z":null}.
  std::string DebugString() const;

  struct Rep;

 private:
  explicit Value(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

// Checks that `value` conforms to `type` (dynamic accepts anything; object
// attributes must match exactly). On failure the message names the path.
absl::Status Conform(const Value& value, const Type& type);

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_VALUE_H_
