#include "sdk/cty/value.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace dcs::cty {

bool Refinements::operator==(const Refinements& o) const {
  return not_null == o.not_null && string_prefix == o.string_prefix &&
         number_lower == o.number_lower && number_upper == o.number_upper &&
         (!number_lower || number_lower_inclusive == o.number_lower_inclusive) &&
         (!number_upper || number_upper_inclusive == o.number_upper_inclusive) &&
         length_min == o.length_min && length_max == o.length_max;
}

enum class ValueState { kNull, kUnknown, kKnown };

struct Value::Rep {
  Type type;
  ValueState state = ValueState::kNull;
  Refinements refinements;
  std::string str;
  Number number;
  bool boolean = false;
  std::vector<Value> elements;             // list, set, tuple
  std::map<std::string, Value> attributes;  // map, object
};

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "dcs::cty::Value: %s\n", what);
  std::abort();
}

std::shared_ptr<Value::Rep> NewRep(Type type, ValueState state) {
  auto rep = std::make_shared<Value::Rep>();
  rep->type = std::move(type);
  rep->state = state;
  return rep;
}

// Keeps only the refinements meaningful for `type`, in the normal form the
// wire uses (no empty prefix, no zero minimum length), so that values
// compare equal after a msgpack round trip.
Refinements Normalize(const Type& type, Refinements r) {
  Refinements out;
  if (type.IsDynamic()) return out;
  out.not_null = r.not_null;
  if (type.kind() == TypeKind::kString && r.string_prefix && !r.string_prefix->empty()) {
    out.string_prefix = std::move(r.string_prefix);
  }
  if (type.kind() == TypeKind::kNumber) {
    if (r.number_lower) {
      out.number_lower = r.number_lower;
      out.number_lower_inclusive = r.number_lower_inclusive;
    }
    if (r.number_upper) {
      out.number_upper = r.number_upper;
      out.number_upper_inclusive = r.number_upper_inclusive;
    }
  }
  if (type.IsCollection()) {
    if (r.length_min && *r.length_min > 0) out.length_min = r.length_min;
    if (r.length_max) out.length_max = r.length_max;
  }
  return out;
}

// Value equality ignores optional-attribute markers on object types.
bool SameType(const Type& a, const Type& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
      return SameType(a.element_type(), b.element_type());
    case TypeKind::kTuple: {
      const auto& ae = a.tuple_elements();
      const auto& be = b.tuple_elements();
      if (ae.size() != be.size()) return false;
      for (size_t i = 0; i < ae.size(); ++i) {
        if (!SameType(ae[i], be[i])) return false;
      }
      return true;
    }
    case TypeKind::kObject: {
      const auto& aa = a.attribute_types();
      const auto& ba = b.attribute_types();
      if (aa.size() != ba.size()) return false;
      for (auto ai = aa.begin(), bi = ba.begin(); ai != aa.end(); ++ai, ++bi) {
        if (ai->first != bi->first || !SameType(ai->second, bi->second)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

}  // namespace

Value::Value() : Value(Null(Type::Dynamic())) {}
Value::Value(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Value Value::Null(Type type) { return Value(NewRep(std::move(type), ValueState::kNull)); }

Value Value::Unknown(Type type, Refinements refinements) {
  auto rep = NewRep(type, ValueState::kUnknown);
  rep->refinements = Normalize(type, std::move(refinements));
  return Value(std::move(rep));
}

Value Value::String(std::string s) {
  auto rep = NewRep(Type::String(), ValueState::kKnown);
  rep->str = std::move(s);
  return Value(std::move(rep));
}

Value Value::NumberVal(Number n) {
  auto rep = NewRep(Type::Number(), ValueState::kKnown);
  rep->number = std::move(n);
  return Value(std::move(rep));
}

Value Value::Bool(bool b) {
  auto rep = NewRep(Type::Bool(), ValueState::kKnown);
  rep->boolean = b;
  return Value(std::move(rep));
}

Value Value::List(Type element_type, std::vector<Value> elements) {
  auto rep = NewRep(Type::List(std::move(element_type)), ValueState::kKnown);
  rep->elements = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Set(Type element_type, std::vector<Value> elements) {
  auto rep = NewRep(Type::Set(std::move(element_type)), ValueState::kKnown);
  for (Value& e : elements) {
    bool duplicate = false;
    for (const Value& kept : rep->elements) {
      if (kept.Equals(e)) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) rep->elements.push_back(std::move(e));
  }
  return Value(std::move(rep));
}

Value Value::Map(Type element_type, std::map<std::string, Value> elements) {
  auto rep = NewRep(Type::Map(std::move(element_type)), ValueState::kKnown);
  rep->attributes = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& e : elements) types.push_back(e.type());
  auto rep = NewRep(Type::Tuple(std::move(types)), ValueState::kKnown);
  rep->elements = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Object(const Type& type, std::map<std::string, Value> attributes) {
  if (!type.IsObject()) Fail("Object() REQUIRES an object type");
  auto rep = NewRep(type, ValueState::kKnown);
  const auto& types = type.attribute_types();
  // Usually the caller passes exactly the type's attributes: keep its map
  // rather than copying every name and node (a read builds hundreds).
  if (attributes.size() == types.size() &&
      std::equal(attributes.begin(), attributes.end(), types.begin(),
                 [](const auto& a, const auto& t) { return a.first == t.first; })) {
    rep->attributes = std::move(attributes);
    return Value(std::move(rep));
  }
  // Both maps are sorted by name: one pass, appending in order.
  auto it = attributes.begin();
  for (const auto& [name, attr_type] : types) {
    while (it != attributes.end() && it->first < name) ++it;  // not in the type: dropped
    const bool given = it != attributes.end() && it->first == name;
    rep->attributes.emplace_hint(rep->attributes.end(), name, given ? std::move(it->second) : Null(attr_type));
  }
  return Value(std::move(rep));
}

const Type& Value::type() const { return rep_->type; }
bool Value::IsNull() const { return rep_->state == ValueState::kNull; }
bool Value::IsKnown() const { return rep_->state != ValueState::kUnknown; }

bool Value::IsWhollyKnown() const {
  if (!IsKnown()) return false;
  for (const Value& e : rep_->elements) {
    if (!e.IsWhollyKnown()) return false;
  }
  for (const auto& [name, v] : rep_->attributes) {
    if (!v.IsWhollyKnown()) return false;
  }
  return true;
}

const Refinements& Value::refinements() const {
  if (IsKnown()) Fail("refinements() REQUIRES an unknown value");
  return rep_->refinements;
}

namespace {
void RequireKnown(const Value& v, TypeKind kind, const char* what) {
  if (!v.IsKnown() || v.IsNull() || v.type().kind() != kind) Fail(what);
}
}  // namespace

const std::string& Value::AsString() const {
  RequireKnown(*this, TypeKind::kString, "AsString() REQUIRES a known, non-null string");
  return rep_->str;
}

const Number& Value::AsNumber() const {
  RequireKnown(*this, TypeKind::kNumber, "AsNumber() REQUIRES a known, non-null number");
  return rep_->number;
}

bool Value::AsBool() const {
  RequireKnown(*this, TypeKind::kBool, "AsBool() REQUIRES a known, non-null bool");
  return rep_->boolean;
}

const std::vector<Value>& Value::Elements() const {
  TypeKind k = type().kind();
  if (!IsKnown() || IsNull() || (k != TypeKind::kList && k != TypeKind::kSet && k != TypeKind::kTuple)) {
    Fail("Elements() REQUIRES a known, non-null list, set or tuple");
  }
  return rep_->elements;
}

const std::map<std::string, Value>& Value::Attributes() const {
  TypeKind k = type().kind();
  if (!IsKnown() || IsNull() || (k != TypeKind::kMap && k != TypeKind::kObject)) {
    Fail("Attributes() REQUIRES a known, non-null map or object");
  }
  return rep_->attributes;
}

const Value& Value::GetAttr(std::string_view name) const {
  static const auto* null_value = new Value(Null(Type::Dynamic()));
  static const auto* unknown_value = new Value(Unknown(Type::Dynamic()));
  // Reading through a null/unknown object is common in plan code; answer in
  // kind instead of aborting.
  if (IsNull()) return *null_value;
  if (!IsKnown()) return *unknown_value;
  if (!type().IsObject()) Fail("GetAttr() REQUIRES an object");
  auto it = rep_->attributes.find(std::string(name));
  return it == rep_->attributes.end() ? *null_value : it->second;
}

size_t Value::Length() const {
  if (!IsKnown() || IsNull()) Fail("Length() REQUIRES a known, non-null value");
  switch (type().kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple:
      return rep_->elements.size();
    case TypeKind::kMap:
    case TypeKind::kObject:
      return rep_->attributes.size();
    default:
      Fail("Length() REQUIRES a collection, tuple or object");
  }
}

bool Value::Equals(const Value& other) const {
  if (rep_ == other.rep_) return true;
  if (rep_->state != other.rep_->state || !SameType(type(), other.type())) return false;
  if (rep_->state == ValueState::kNull) return true;
  if (rep_->state == ValueState::kUnknown) return rep_->refinements == other.rep_->refinements;
  switch (type().kind()) {
    case TypeKind::kString: return rep_->str == other.rep_->str;
    case TypeKind::kNumber: return rep_->number == other.rep_->number;
    case TypeKind::kBool: return rep_->boolean == other.rep_->boolean;
    case TypeKind::kSet: {
      // Sets are unordered and hold no duplicates: equal sizes plus inclusion.
      const auto& a = rep_->elements;
      const auto& b = other.rep_->elements;
      if (a.size() != b.size()) return false;
      for (const Value& x : a) {
        bool found = false;
        for (const Value& y : b) {
          if (x.Equals(y)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    default:
      return rep_->elements == other.rep_->elements && rep_->attributes == other.rep_->attributes;
  }
}

std::optional<Value> Value::At(const Path& path) const {
  Value current = *this;
  for (const PathStep& step : path.steps()) {
    if (!current.IsKnown() || current.IsNull()) return std::nullopt;
    TypeKind k = current.type().kind();
    if (step.kind == PathStep::Kind::kKeyInt) {
      if (k != TypeKind::kList && k != TypeKind::kTuple) return std::nullopt;
      const auto& elements = current.rep_->elements;
      if (step.index < 0 || static_cast<size_t>(step.index) >= elements.size()) return std::nullopt;
      current = elements[static_cast<size_t>(step.index)];
      continue;
    }
    bool by_attribute = step.kind == PathStep::Kind::kAttribute;
    if (k != (by_attribute ? TypeKind::kObject : TypeKind::kMap)) return std::nullopt;
    auto it = current.rep_->attributes.find(step.name);
    if (it == current.rep_->attributes.end()) return std::nullopt;
    current = it->second;
  }
  return current;
}

std::string Value::DebugString() const {
  if (!IsKnown()) return "<unknown>";
  if (IsNull()) return "null";
  auto quote = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  switch (type().kind()) {
    case TypeKind::kString: return quote(rep_->str);
    case TypeKind::kNumber: return rep_->number.ToString();
    case TypeKind::kBool: return rep_->boolean ? "true" : "false";
    case TypeKind::kMap:
    case TypeKind::kObject: {
      std::string out = "{";
      for (const auto& [name, v] : rep_->attributes) {
        if (out.size() > 1) out += ',';
        absl::StrAppend(&out, quote(name), ":", v.DebugString());
      }
      return out + "}";
    }
    default: {
      std::string out = "[";
      for (const Value& e : rep_->elements) {
        if (out.size() > 1) out += ',';
        out += e.DebugString();
      }
      return out + "]";
    }
  }
}

namespace {

absl::Status ConformAt(const Value& value, const Type& type, const PathFrame& at, int depth);

absl::Status Mismatch(const PathFrame& at, const Type& type) {
  return absl::InvalidArgumentError(absl::StrCat(at.ErrorPrefix(), "expected ", type.FriendlyName()));
}

// The error for an object whose attribute names differ from its type's: an
// unsupported attribute first, then a missing one.
absl::Status ObjectShapeError(const Value& value, const Type& type, const PathFrame& at) {
  for (const auto& [name, v] : value.Attributes()) {
    if (!type.attribute_type(name)) {
      return absl::InvalidArgumentError(absl::StrCat(at.ErrorPrefix(), "unsupported attribute \"", name, "\""));
    }
  }
  for (const auto& [name, attr_type] : type.attribute_types()) {
    if (!value.Attributes().count(name)) {
      return absl::InvalidArgumentError(absl::StrCat(at.ErrorPrefix(), "attribute \"", name, "\" is required"));
    }
  }
  return absl::OkStatus();
}

absl::Status ConformObject(const Value& value, const Type& type, const PathFrame& at, int depth) {
  const auto& attributes = value.Attributes();
  const auto& attribute_types = type.attribute_types();
  if (attributes.size() != attribute_types.size()) return ObjectShapeError(value, type, at);
  // Both maps are sorted by name, so one pass pairs them up.
  auto it = attributes.begin();
  for (const auto& [name, attr_type] : attribute_types) {
    if (it->first != name) return ObjectShapeError(value, type, at);
    absl::Status s = ConformAt(it->second, attr_type, at.Attr(name), depth + 1);
    if (!s.ok()) return s;
    ++it;
  }
  return absl::OkStatus();
}

absl::Status ConformAt(const Value& value, const Type& type, const PathFrame& at, int depth) {
  if (depth > 1000) return absl::InvalidArgumentError(absl::StrCat(at.ErrorPrefix(), "nested too deeply"));
  if (type.IsDynamic()) return absl::OkStatus();
  // A null/unknown of dynamic type says nothing about its type, so it fits any slot.
  if (value.IsNull() || !value.IsKnown()) {
    if (value.type().IsDynamic() || value.type() == type || SameType(value.type(), type)) return absl::OkStatus();
    return Mismatch(at, type);
  }
  if (value.type().kind() != type.kind()) return Mismatch(at, type);
  switch (type.kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
      for (size_t i = 0; i < value.Elements().size(); ++i) {
        absl::Status s = ConformAt(value.Elements()[i], type.element_type(), at.Index(static_cast<int64_t>(i)), depth + 1);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    case TypeKind::kMap:
      for (const auto& [key, v] : value.Attributes()) {
        absl::Status s = ConformAt(v, type.element_type(), at.Key(key), depth + 1);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    case TypeKind::kTuple: {
      const auto& types = type.tuple_elements();
      if (value.Elements().size() != types.size()) {
        return absl::InvalidArgumentError(absl::StrCat(at.ErrorPrefix(), "expected a tuple of ", types.size(), " elements"));
      }
      for (size_t i = 0; i < types.size(); ++i) {
        absl::Status s = ConformAt(value.Elements()[i], types[i], at.Index(static_cast<int64_t>(i)), depth + 1);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case TypeKind::kObject:
      return ConformObject(value, type, at, depth);
    default:
      return absl::OkStatus();
  }
}

}  // namespace

absl::Status Conform(const Value& value, const Type& type) { return ConformAt(value, type, PathFrame{}, 0); }

}  // namespace dcs::cty
