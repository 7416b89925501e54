#include "resources/api_json.h"

#include <map>
#include <vector>

#include "base/log.h"
#include "sdk/framework/walk.h"

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
    if (a.mode == schema::Mode::kComputed || skip.count(path) || !Present(v)) continue;
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

// j[name] when j is an object that has it, else JSON null; no copy either way.
const json& Member(const json& j, const std::string& name) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(name);
  return it == j.end() ? kNull : *it;
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
      return t.kind() == cty::TypeKind::kList ? cty::Value::List(t.element_type(), std::move(out))
                                              : cty::Value::Set(t.element_type(), std::move(out));
    }
    case cty::TypeKind::kMap: {
      if (!j.is_object()) return cty::Value::Null(t);
      std::map<std::string, cty::Value> out;
      for (const auto& [k, e] : j.items()) out[k] = JsonToValue(t.element_type(), e);
      return cty::Value::Map(t.element_type(), std::move(out));
    }
    case cty::TypeKind::kObject: {
      if (!j.is_object()) return cty::Value::Null(t);
      std::map<std::string, cty::Value> out;
      for (const auto& [name, at] : t.attribute_types()) out.emplace_hint(out.end(), name, JsonToValue(at, Member(j, name)));
      return cty::Value::Object(t, std::move(out));
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
      return nb.nesting == schema::Nesting::kList ? cty::Value::List(type, std::move(out))
                                                  : cty::Value::Set(type, std::move(out));
    }
    case schema::Nesting::kMap: {
      std::map<std::string, cty::Value> out;
      if (j.is_object()) {
        for (const auto& [k, e] : j.items()) {
          cty::Value p = Present(prior) && prior.Attributes().count(k) ? prior.Attributes().at(k) : cty::Value();
          out[k] = BlockFromJson(*nb.block, e, p, keep, path);
        }
      }
      return cty::Value::Map(type, std::move(out));
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
    const cty::Type& at = type.attribute_types().at(a.name);
    cty::Value p = framework::AttrOrNull(prior, a.name, at);
    if (keep.count(path)) {
      out[a.name] = p.IsKnown() ? p : cty::Value::Null(at);
      continue;
    }
    out[a.name] = Reconcile(JsonToValue(at, Member(j, a.name)), p);
  }
  for (const auto& nb : block.blocks) {
    const std::string path = Join(prefix, nb.name);
    const cty::Type& bt = type.attribute_types().at(nb.name);
    cty::Value p = framework::AttrOrNull(prior, nb.name, bt);
    if (keep.count(path)) {
      out[nb.name] = p.IsKnown() && !p.IsNull() ? p : NestedFromJson(nb, json(), cty::Value(), keep, path);
      continue;
    }
    out[nb.name] = NestedFromJson(nb, Member(j, nb.name), p, keep, path);
  }
  return cty::Value::Object(type, std::move(out));
}

// ---- unmapped fields -------------------------------------------------------

void CollectUnmapped(const schema::Block& block, const json& j, const FieldSet& api_only, const std::string& prefix,
                     std::set<std::string>& out);

void CollectUnmappedNested(const schema::NestedBlock& nb, const json& j, const FieldSet& api_only,
                           const std::string& path, std::set<std::string>& out) {
  if (nb.nesting == schema::Nesting::kSingle || nb.nesting == schema::Nesting::kGroup) {
    CollectUnmapped(*nb.block, j, api_only, path, out);
    return;
  }
  if (!j.is_array() && !j.is_object()) return;
  for (const auto& e : j) CollectUnmapped(*nb.block, e, api_only, path, out);
}

void CollectUnmapped(const schema::Block& block, const json& j, const FieldSet& api_only, const std::string& prefix,
                     std::set<std::string>& out) {
  if (!j.is_object()) return;
  for (const auto& [name, value] : j.items()) {
    const std::string path = Join(prefix, name);
    if (api_only.count(path) || block.FindAttribute(name)) continue;
    if (const schema::NestedBlock* nb = block.FindBlock(name)) {
      CollectUnmappedNested(*nb, value, api_only, path, out);
      continue;
    }
    out.insert(path);
  }
}

// `object` with the renamed top-level fields under their schema names.
json WithSchemaNames(const ApiMapping& mapping, const json& object) {
  json out = object;
  if (!out.is_object()) return out;
  for (const auto& [schema_name, api_name] : mapping.renamed) {
    auto it = out.find(api_name);
    if (it == out.end()) continue;
    json value = *it;
    out.erase(api_name);
    out[schema_name] = std::move(value);
  }
  return out;
}

}  // namespace

json ApiCreateBody(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned) {
  json body = BlockToJson(block, planned, mapping.state_only, "");
  for (const auto& [schema_name, api_name] : mapping.renamed) {
    auto it = body.find(schema_name);
    if (it == body.end()) continue;
    json value = *it;
    body.erase(schema_name);
    body[api_name] = std::move(value);
  }
  return body;
}

json ApiEditBody(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned) {
  auto create_only = [](const auto& modifiers) {
    for (const auto& m : modifiers) {
      if (m->MayRequireReplace()) return true;
    }
    return false;
  };
  FieldSet skip = mapping.state_only;
  for (const auto& a : block.attributes) {
    if (!a.required() && create_only(a.plan_modifiers)) skip.insert(a.name);
  }
  for (const auto& nb : block.blocks) {
    if (nb.min_items == 0 && create_only(nb.plan_modifiers)) skip.insert(nb.name);
  }
  ApiMapping edit = mapping;
  edit.state_only = std::move(skip);
  return ApiCreateBody(block, edit, planned);
}

cty::Value StateFromApi(const schema::Block& block, const ApiMapping& mapping, const json& object,
                        const cty::Value& prior) {
  // Renaming copies the answer; most resources rename nothing. The list of
  // unmapped fields is only for a debug entry, so it is only made for one:
  // both ran on every read and cost a third of turning an answer into state.
  json renamed;
  const json& named = mapping.renamed.empty() ? object : (renamed = WithSchemaNames(mapping, object));
  if (log::CurrentLevel() <= log::Level::kDebug) {
    std::set<std::string> unmapped;
    CollectUnmapped(block, named, mapping.api_only, "", unmapped);
    if (!unmapped.empty()) {
      log::Debug("API fields the schema does not map were left out of the state",
                 {{"fields", std::vector<std::string>(unmapped.begin(), unmapped.end())}});
    }
  }
  return BlockFromJson(block, named, prior, mapping.state_only, "");
}

std::vector<std::string> UnmappedApiFields(const schema::Block& block, const ApiMapping& mapping,
                                           const json& object) {
  std::set<std::string> unmapped;
  CollectUnmapped(block, WithSchemaNames(mapping, object), mapping.api_only, "", unmapped);
  return {unmapped.begin(), unmapped.end()};
}

json ToApiJson(const schema::Block& block, const cty::Value& object, const FieldSet& skip) {
  return BlockToJson(block, object, skip, "");
}

cty::Value FromApiJson(const schema::Block& block, const json& json, const cty::Value& prior,
                       const FieldSet& keep_from_prior) {
  return BlockFromJson(block, json, prior, keep_from_prior, "");
}

}  // namespace dcs::resources
