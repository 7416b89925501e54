#include "sdk/cty/type.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dcs::cty {

struct Type::Rep {
  TypeKind kind = TypeKind::kDynamic;
  std::vector<Type> elements;  // one element for collections; tuple positions
  std::map<std::string, Type> attributes;
  std::set<std::string> optional;
};

namespace {

// Type JSON nested deeper than this is rejected: real schemas are shallow and
// the parser below is recursive.
constexpr int kMaxTypeDepth = 256;

std::shared_ptr<const Type::Rep> MakeRep(TypeKind kind) {
  auto rep = std::make_shared<Type::Rep>();
  rep->kind = kind;
  return rep;
}

absl::Status TypeError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("invalid type JSON: ", what));
}

absl::StatusOr<Type> ParseType(const nlohmann::json& j, int depth);

absl::StatusOr<Type> ParseObjectType(const nlohmann::json& j, int depth) {
  if (j.size() != 2 && j.size() != 3) return TypeError("object needs 2 or 3 elements");
  if (!j[1].is_object()) return TypeError("object attributes must be a JSON object");
  std::map<std::string, Type> attributes;
  for (const auto& [name, attr_json] : j[1].items()) {
    absl::StatusOr<Type> attr = ParseType(attr_json, depth + 1);
    if (!attr.ok()) return attr.status();
    attributes.emplace(name, *std::move(attr));
  }
  std::set<std::string> optional;
  if (j.size() == 3) {
    if (!j[2].is_array()) return TypeError("optional attributes must be an array");
    for (const auto& name : j[2]) {
      if (!name.is_string()) return TypeError("optional attribute names must be strings");
      std::string n = name.get<std::string>();
      if (!attributes.count(n)) return TypeError(absl::StrCat("optional attribute \"", n, "\" is not declared"));
      optional.insert(std::move(n));
    }
  }
  return Type::Object(std::move(attributes), std::move(optional));
}

absl::StatusOr<Type> ParseType(const nlohmann::json& j, int depth) {
  if (depth > kMaxTypeDepth) return TypeError("nested too deeply");
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "string") return Type::String();
    if (s == "number") return Type::Number();
    if (s == "bool") return Type::Bool();
    if (s == "dynamic") return Type::Dynamic();
    return TypeError(absl::StrCat("unknown primitive type \"", s, "\""));
  }
  if (!j.is_array() || j.empty() || !j[0].is_string()) {
    return TypeError("expected a type name or [kind, ...]");
  }
  const std::string& kind = j[0].get_ref<const std::string&>();
  if (kind == "list" || kind == "set" || kind == "map") {
    if (j.size() != 2) return TypeError(absl::StrCat(kind, " needs exactly one element type"));
    absl::StatusOr<Type> element = ParseType(j[1], depth + 1);
    if (!element.ok()) return element.status();
    if (kind == "list") return Type::List(*element);
    if (kind == "set") return Type::Set(*element);
    return Type::Map(*element);
  }
  if (kind == "tuple") {
    if (j.size() != 2 || !j[1].is_array()) return TypeError("tuple needs an array of types");
    std::vector<Type> elements;
    for (const auto& e : j[1]) {
      absl::StatusOr<Type> element = ParseType(e, depth + 1);
      if (!element.ok()) return element.status();
      elements.push_back(*std::move(element));
    }
    return Type::Tuple(std::move(elements));
  }
  if (kind == "object") return ParseObjectType(j, depth);
  return TypeError(absl::StrCat("unknown type kind \"", kind, "\""));
}

}  // namespace

Type::Type() : Type(Dynamic()) {}
Type::Type(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

// Primitive singletons: types are compared and copied constantly, so share them.
Type Type::String() {
  static const auto* rep = new std::shared_ptr<const Rep>(MakeRep(TypeKind::kString));
  return Type(*rep);
}
Type Type::Number() {
  static const auto* rep = new std::shared_ptr<const Rep>(MakeRep(TypeKind::kNumber));
  return Type(*rep);
}
Type Type::Bool() {
  static const auto* rep = new std::shared_ptr<const Rep>(MakeRep(TypeKind::kBool));
  return Type(*rep);
}
Type Type::Dynamic() {
  static const auto* rep = new std::shared_ptr<const Rep>(MakeRep(TypeKind::kDynamic));
  return Type(*rep);
}

namespace {
std::shared_ptr<const Type::Rep> CollectionRep(TypeKind kind, Type element) {
  auto rep = std::make_shared<Type::Rep>();
  rep->kind = kind;
  rep->elements.push_back(std::move(element));
  return rep;
}
}  // namespace

Type Type::List(Type element) { return Type(CollectionRep(TypeKind::kList, std::move(element))); }
Type Type::Set(Type element) { return Type(CollectionRep(TypeKind::kSet, std::move(element))); }
Type Type::Map(Type element) { return Type(CollectionRep(TypeKind::kMap, std::move(element))); }

Type Type::Tuple(std::vector<Type> elements) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kTuple;
  rep->elements = std::move(elements);
  return Type(std::move(rep));
}

Type Type::Object(std::map<std::string, Type> attributes, std::set<std::string> optional) {
  auto rep = std::make_shared<Rep>();
  rep->kind = TypeKind::kObject;
  // Optional markers only make sense for declared attributes.
  for (auto it = optional.begin(); it != optional.end();) {
    it = attributes.count(*it) ? std::next(it) : optional.erase(it);
  }
  rep->attributes = std::move(attributes);
  rep->optional = std::move(optional);
  return Type(std::move(rep));
}

TypeKind Type::kind() const { return rep_->kind; }

bool Type::IsPrimitive() const {
  TypeKind k = kind();
  return k == TypeKind::kString || k == TypeKind::kNumber || k == TypeKind::kBool;
}

bool Type::IsCollection() const {
  TypeKind k = kind();
  return k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kMap;
}

bool Type::HasDynamic() const {
  if (IsDynamic()) return true;
  for (const Type& e : rep_->elements) {
    if (e.HasDynamic()) return true;
  }
  for (const auto& [name, t] : rep_->attributes) {
    if (t.HasDynamic()) return true;
  }
  return false;
}

// Accessors on the wrong kind return an empty/dynamic answer rather than
// aborting: type inspection is harmless and callers often probe.
const Type& Type::element_type() const {
  if (!IsCollection()) {
    static const auto* dynamic = new Type(Dynamic());
    return *dynamic;
  }
  return rep_->elements.front();
}

const std::vector<Type>& Type::tuple_elements() const {
  static const auto* empty = new std::vector<Type>();
  return kind() == TypeKind::kTuple ? rep_->elements : *empty;
}

const std::map<std::string, Type>& Type::attribute_types() const { return rep_->attributes; }

const std::set<std::string>& Type::optional_attributes() const { return rep_->optional; }

const Type* Type::attribute_type(std::string_view name) const {
  auto it = rep_->attributes.find(std::string(name));
  return it == rep_->attributes.end() ? nullptr : &it->second;
}

bool Type::operator==(const Type& other) const {
  if (rep_ == other.rep_) return true;
  return rep_->kind == other.rep_->kind && rep_->elements == other.rep_->elements &&
         rep_->attributes == other.rep_->attributes && rep_->optional == other.rep_->optional;
}

nlohmann::json Type::ToJson() const {
  switch (kind()) {
    case TypeKind::kString: return "string";
    case TypeKind::kNumber: return "number";
    case TypeKind::kBool: return "bool";
    case TypeKind::kDynamic: return "dynamic";
    case TypeKind::kList: return nlohmann::json::array({"list", element_type().ToJson()});
    case TypeKind::kSet: return nlohmann::json::array({"set", element_type().ToJson()});
    case TypeKind::kMap: return nlohmann::json::array({"map", element_type().ToJson()});
    case TypeKind::kTuple: {
      nlohmann::json elements = nlohmann::json::array();
      for (const Type& e : rep_->elements) elements.push_back(e.ToJson());
      return nlohmann::json::array({"tuple", std::move(elements)});
    }
    case TypeKind::kObject: {
      nlohmann::json attributes = nlohmann::json::object();
      for (const auto& [name, t] : rep_->attributes) attributes[name] = t.ToJson();
      nlohmann::json j = nlohmann::json::array({"object", std::move(attributes)});
      if (!rep_->optional.empty()) {
        j.push_back(nlohmann::json(std::vector<std::string>(rep_->optional.begin(), rep_->optional.end())));
      }
      return j;
    }
  }
  return "dynamic";
}

std::string Type::ToJsonString() const {
  // Attribute names may hold invalid UTF-8 only if a caller built them so;
  // replace rather than throw so this stays exception-free.
  return ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<Type> Type::FromJson(const nlohmann::json& j) {
  try {
    return ParseType(j, 0);
  } catch (const std::exception& e) {
    return TypeError(e.what());
  }
}

absl::StatusOr<Type> Type::FromJsonString(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return TypeError("not JSON");
  return FromJson(j);
}

std::string Type::FriendlyName() const {
  switch (kind()) {
    case TypeKind::kString: return "string";
    case TypeKind::kNumber: return "number";
    case TypeKind::kBool: return "bool";
    case TypeKind::kDynamic: return "dynamic";
    case TypeKind::kList: return "list of " + element_type().FriendlyName();
    case TypeKind::kSet: return "set of " + element_type().FriendlyName();
    case TypeKind::kMap: return "map of " + element_type().FriendlyName();
    case TypeKind::kTuple: return "tuple";
    case TypeKind::kObject: return "object";
  }
  return "dynamic";
}

}  // namespace dcs::cty
