#include "resources/api_json.h"

#include <map>
#include <vector>

#include "provider/framework/walk.h"

namespace dcs::resources {
namespace {

using nlohmann::json;

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

bool Present(const cty::Value& v) { return v.IsKnown() && !v.IsNull(); }

// ---- state → JSON ---------------------------------------------------------

json ValueToJson(const cty::Value& v) {
  const cty::Type& t = v.type();
  switch (t.kind()) {
    case cty::TypeKind::kString:
      return v.AsString();
    case cty::TypeKind::kBool:
      return v.AsBool();
    case cty::TypeKind::kNumber: {
      const cty::Number& n = v.AsNumber();
      if (auto i = n.ToInt64()) return *i;
      return n.ToDouble();
    }
    case cty::TypeKind::kList:
    case cty::TypeKind::kSet:
    case cty::TypeKind::kTuple: {
      json out = json::array();
      for (const auto& e : v.Elements()) {
        if (Present(e)) out.push_back(ValueToJson(e));
      }
      return out;
    }
    case cty::TypeKind::kMap:
    case cty::TypeKind::kObject: {
      json out = json::object();
      for (const auto& [k, e] : v.Attributes()) {
        if (Present(e)) out[k] = ValueToJson(e);
      }
      return out;
    }
    default:
      return nullptr;
  }
}

json BlockToJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip,
                 const std::string& prefix);

json NestedToJson(const schema::NestedBlock& nb, const cty::Value& v, const FieldSet& skip,
                  const std::string& path) {
  if (nb.nesting == schema::Nesting::kSingle || nb.nesting == schema::Nesting::kGroup) {
    return BlockToJson(*nb.block, v, skip, path);
  }
  json out = json::array();
  for (const auto& e : v.Elements()) out.push_back(BlockToJson(*nb.block, e, skip, path));
  return out;
}

json BlockToJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip,
                 const std::string& prefix) {
  json out = json::object();
  if (!Present(object)) return out;
  for (const auto& a : block.attributes) {
    const std::string path = Join(prefix, a.name);
    const cty::Value& v = object.GetAttr(a.name);
    if (skip.count(path) || !Present(v)) continue;
    out[a.name] = ValueToJson(v);
  }
  for (const auto& nb : block.blocks) {
    const std::string path = Join(prefix, nb.name);
    const cty::Value& v = object.GetAttr(nb.name);
    if (skip.count(path) || !Present(v)) continue;
    if (v.type().IsCollection() && v.Elements().empty()) continue;
    out[nb.name] = NestedToJson(nb, v, skip, path);
  }
  return out;
}

// ---- JSON → state ---------------------------------------------------------

bool IsEmptyCollection(const cty::Value& v) {
  return Present(v) && v.type().IsCollection() && v.Length() == 0;
}

cty::Value JsonToValue(const cty::Type& t, const json& j) {
  if (j.is_null()) return cty::Value::Null(t);
  switch (t.kind()) {
    case cty::TypeKind::kString:
      if (j.is_string()) return cty::Value::String(j.get<std::string>());
      return cty::Value::String(j.dump());
    case cty::TypeKind::kBool:
      if (j.is_boolean()) return cty::Value::Bool(j.get<bool>());
      if (j.is_string()) return cty::Value::Bool(j.get<std::string>() == "true");
      return cty::Value::Null(t);
    case cty::TypeKind::kNumber:
      if (j.is_number_integer()) return cty::Value::Int(j.get<int64_t>());
      if (j.is_number_unsigned()) return cty::Value::NumberVal(cty::Number::FromUint64(j.get<uint64_t>()));
      if (j.is_number_float()) return cty::Value::NumberVal(cty::Number::FromDouble(j.get<double>()));
      if (j.is_string()) {
        if (auto n = cty::Number::Parse(j.get<std::string>()); n.ok()) return cty::Value::NumberVal(*n);
      }
      return cty::Value::Null(t);
    case cty::TypeKind::kList:
    case cty::TypeKind::kSet: {
      if (!j.is_array()) return cty::Value::Null(t);
      std::vector<cty::Value> out;
      for (const auto& e : j) out.push_back(JsonToValue(t.element_type(), e));
      return t.kind() == cty::TypeKind::kList ? cty::Value::List(t.element_type(), out)
                                              : cty::Value::Set(t.element_type(), out);
    }
    case cty::TypeKind::kMap: {
      if (!j.is_object()) return cty::Value::Null(t);
      std::map<std::string, cty::Value> out;
      for (const auto& [k, e] : j.items()) out[k] = JsonToValue(t.element_type(), e);
      return cty::Value::Map(t.element_type(), out);
    }
    case cty::TypeKind::kObject: {
      if (!j.is_object()) return cty::Value::Null(t);
      std::map<std::string, cty::Value> out;
      for (const auto& [name, at] : t.attribute_types()) {
        out[name] = JsonToValue(at, j.contains(name) ? j[name] : json());
      }
      return cty::Value::Object(t, out);
    }
    default:
      return cty::Value::Null(t);
  }
}

cty::Value Reconcile(const cty::Value& from_api, const cty::Value& prior) {
  if (from_api.IsNull() && IsEmptyCollection(prior)) return prior;
  if (IsEmptyCollection(from_api) && !Present(prior)) return cty::Value::Null(from_api.type());
  return from_api;
}

cty::Value BlockFromJson(const schema::Block& block, const json& j, const cty::Value& prior,
                         const FieldSet& keep, const std::string& prefix);

cty::Value Element(const cty::Value& list, size_t i) {
  if (!Present(list) || i >= list.Elements().size()) return cty::Value();
  return list.Elements()[i];
}

cty::Value NestedFromJson(const schema::NestedBlock& nb, const json& j, const cty::Value& prior,
                          const FieldSet& keep, const std::string& path) {
  const cty::Type type = nb.block->ImpliedType();
  switch (nb.nesting) {
    case schema::Nesting::kSingle:
    case schema::Nesting::kGroup:
      if (!j.is_object()) return cty::Value::Null(type);
      return BlockFromJson(*nb.block, j, prior, keep, path);
    case schema::Nesting::kList:
    case schema::Nesting::kSet: {
      std::vector<cty::Value> out;
      if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
          out.push_back(BlockFromJson(*nb.block, j[i], Element(prior, i), keep, path));
        }
      }
      return nb.nesting == schema::Nesting::kList ? cty::Value::List(type, out) : cty::Value::Set(type, out);
    }
    case schema::Nesting::kMap: {
      std::map<std::string, cty::Value> out;
      if (j.is_object()) {
        for (const auto& [k, e] : j.items()) {
          cty::Value p = Present(prior) && prior.Attributes().count(k) ? prior.Attributes().at(k) : cty::Value();
          out[k] = BlockFromJson(*nb.block, e, p, keep, path);
        }
      }
      return cty::Value::Map(type, out);
    }
  }
  return cty::Value::Null(type);
}

cty::Value BlockFromJson(const schema::Block& block, const json& j, const cty::Value& prior,
                         const FieldSet& keep, const std::string& prefix) {
  const cty::Type type = block.ImpliedType();
  std::map<std::string, cty::Value> out;
  for (const auto& a : block.attributes) {
    const std::string path = Join(prefix, a.name);
    const cty::Type at = a.ValueType();
    cty::Value p = framework::AttrOrNull(prior, a.name, at);
    if (keep.count(path)) {
      out[a.name] = p.IsKnown() ? p : cty::Value::Null(at);
      continue;
    }
    const json field = j.is_object() && j.contains(a.name) ? j[a.name] : json();
    out[a.name] = Reconcile(JsonToValue(at, field), p);
  }
  for (const auto& nb : block.blocks) {
    const std::string path = Join(prefix, nb.name);
    const cty::Type bt = type.attribute_types().at(nb.name);
    cty::Value p = framework::AttrOrNull(prior, nb.name, bt);
    if (keep.count(path)) {
      out[nb.name] = p.IsKnown() && !p.IsNull() ? p : NestedFromJson(nb, json(), cty::Value(), keep, path);
      continue;
    }
    const json field = j.is_object() && j.contains(nb.name) ? j[nb.name] : json();
    out[nb.name] = NestedFromJson(nb, field, p, keep, path);
  }
  return cty::Value::Object(type, out);
}

}  // namespace

json ToApiJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip) {
  return BlockToJson(block, object, skip, "");
}

cty::Value FromApiJson(const schema::Block& block, const json& json, const cty::Value& prior,
                       const FieldSet& keep_from_prior) {
  return BlockFromJson(block, json, prior, keep_from_prior, "");
}

}  // namespace dcs::resources
