#include "sdk/framework/walk.h"

#include <map>
#include <vector>

#include "base/log.h"

namespace dcs::framework {
namespace {

bool IsKnownObject(const cty::Value& v) {
  return v.IsKnown() && !v.IsNull() && v.type().IsObject();
}

schema::Block BlockOf(const schema::NestedAttributes& nested) {
  schema::Block b;
  b.attributes = nested.attributes;
  return b;
}

// Calls `each(element, path)` for every element of a collection of objects.
void ForEachElement(schema::Nesting nesting, const cty::Value& v, const cty::Path& path,
                    const std::function<void(const cty::Value&, const cty::Path&)>& each) {
  if (!v.IsKnown() || v.IsNull()) return;
  switch (nesting) {
    case schema::Nesting::kSingle:
    case schema::Nesting::kGroup:
      each(v, path);
      return;
    case schema::Nesting::kList: {
      int64_t i = 0;
      for (const auto& e : v.Elements()) each(e, path.Index(i++));
      return;
    }
    case schema::Nesting::kSet:
      for (const auto& e : v.Elements()) each(e, path);
      return;
    case schema::Nesting::kMap:
      for (const auto& [k, e] : v.Attributes()) each(e, path.Key(k));
      return;
  }
}

using AttributePredicate = bool (*)(const schema::Attribute&);
bool IsWriteOnly(const schema::Attribute& a) { return a.write_only; }
bool IsSecret(const schema::Attribute& a) { return a.sensitive || a.write_only; }

// Whether these attributes (or anything nested in them) include one `pred`
// holds for. The walks below ask it before descending: a schema is far
// smaller than a state, and most of a state holds neither secrets nor
// write-only values, so they skip most of it.
bool Declares(const std::vector<schema::Attribute>& attributes, AttributePredicate pred) {
  for (const auto& a : attributes) {
    if (pred(a) || (a.nested && Declares(a.nested->attributes, pred))) return true;
  }
  return false;
}
bool Declares(const schema::Block& block, AttributePredicate pred) {
  if (Declares(block.attributes, pred)) return true;
  for (const auto& nb : block.blocks) {
    if (Declares(*nb.block, pred)) return true;
  }
  return false;
}

// Calls `visit(element)` for every element of a collection of objects.
template <class Visit>
void ForEachObject(schema::Nesting nesting, const cty::Value& v, const Visit& visit) {
  if (!v.IsKnown() || v.IsNull()) return;
  switch (nesting) {
    case schema::Nesting::kSingle:
    case schema::Nesting::kGroup:
      visit(v);
      return;
    case schema::Nesting::kList:
    case schema::Nesting::kSet:
      for (const auto& e : v.Elements()) visit(e);
      return;
    case schema::Nesting::kMap:
      for (const auto& [k, e] : v.Attributes()) visit(e);
      return;
  }
}

// Calls `found(attribute, value)` for every attribute `pred` holds for, in
// `object` of `attributes` + `blocks`; stops early when `found` returns false.
// Returns false when stopped.
template <class Found>
bool VisitWhere(const std::vector<schema::Attribute>& attributes, const std::vector<schema::NestedBlock>& blocks,
                const cty::Value& object, AttributePredicate pred, const Found& found) {
  if (!IsKnownObject(object)) return true;
  for (const auto& a : attributes) {
    if (pred(a)) {
      if (!found(a, AttrOrNull(object, a.name, a.ValueType()))) return false;
    } else if (a.nested && Declares(a.nested->attributes, pred)) {
      bool go_on = true;
      ForEachObject(a.nested->nesting, AttrOrNull(object, a.name, a.ValueType()), [&](const cty::Value& e) {
        if (go_on) go_on = VisitWhere(a.nested->attributes, {}, e, pred, found);
      });
      if (!go_on) return false;
    }
  }
  for (const auto& nb : blocks) {
    if (!Declares(*nb.block, pred)) continue;
    bool go_on = true;
    ForEachObject(nb.nesting, AttrOrNull(object, nb.name, cty::Type::Dynamic()), [&](const cty::Value& e) {
      if (go_on) go_on = VisitWhere(nb.block->attributes, nb.block->blocks, e, pred, found);
    });
    if (!go_on) return false;
  }
  return true;
}

}  // namespace

cty::Value AttrOrNull(const cty::Value& object, const std::string& name, const cty::Type& type) {
  if (!IsKnownObject(object) || !object.type().attribute_type(name)) return cty::Value::Null(type);
  return object.GetAttr(name);
}

void VisitAttributes(const schema::Block& block, const cty::Value& object, const cty::Path& path,
                     const AttributeVisitor& visit) {
  for (const auto& a : block.attributes) {
    cty::Value v = AttrOrNull(object, a.name, a.ValueType());
    cty::Path p = path.Attr(a.name);
    visit(a, v, p);
    if (a.nested) {
      schema::Block inner = BlockOf(*a.nested);
      ForEachElement(a.nested->nesting, v, p, [&](const cty::Value& e, const cty::Path& ep) {
        VisitAttributes(inner, e, ep, visit);
      });
    }
  }
  for (const auto& nb : block.blocks) {
    cty::Value v = AttrOrNull(object, nb.name, cty::Type::Dynamic());
    ForEachElement(nb.nesting, v, path.Attr(nb.name), [&](const cty::Value& e, const cty::Path& ep) {
      VisitAttributes(*nb.block, e, ep, visit);
    });
  }
}

namespace {

cty::Value NullWriteOnlyIn(schema::Nesting nesting, const schema::Block& block, const cty::Value& v,
                           bool supported);

cty::Value NullWriteOnlyObject(const schema::Block& block, const cty::Value& object, bool supported) {
  if (!IsKnownObject(object) || !Declares(block, IsWriteOnly)) return object;
  std::map<std::string, cty::Value> attrs = object.Attributes();
  for (const auto& a : block.attributes) {
    if (a.write_only) {
      if (supported || !a.sensitive) attrs[a.name] = cty::Value::Null(a.ValueType());
    } else if (a.nested && Declares(a.nested->attributes, IsWriteOnly)) {
      attrs[a.name] = NullWriteOnlyIn(a.nested->nesting, BlockOf(*a.nested), attrs[a.name], supported);
    }
  }
  for (const auto& nb : block.blocks) {
    if (Declares(*nb.block, IsWriteOnly)) {
      attrs[nb.name] = NullWriteOnlyIn(nb.nesting, *nb.block, attrs[nb.name], supported);
    }
  }
  return cty::Value::Object(object.type(), std::move(attrs));
}

cty::Value NullWriteOnlyIn(schema::Nesting nesting, const schema::Block& block, const cty::Value& v,
                           bool supported) {
  if (!v.IsKnown() || v.IsNull()) return v;
  switch (nesting) {
    case schema::Nesting::kSingle:
    case schema::Nesting::kGroup:
      return NullWriteOnlyObject(block, v, supported);
    case schema::Nesting::kList:
    case schema::Nesting::kSet: {
      std::vector<cty::Value> out;
      for (const auto& e : v.Elements()) out.push_back(NullWriteOnlyObject(block, e, supported));
      return nesting == schema::Nesting::kList ? cty::Value::List(v.type().element_type(), out)
                                               : cty::Value::Set(v.type().element_type(), out);
    }
    case schema::Nesting::kMap: {
      std::map<std::string, cty::Value> out;
      for (const auto& [k, e] : v.Attributes()) out[k] = NullWriteOnlyObject(block, e, supported);
      return cty::Value::Map(v.type().element_type(), out);
    }
  }
  return v;
}

}  // namespace

cty::Value NullWriteOnly(const schema::Block& block, const cty::Value& object,
                         bool client_supports_write_only) {
  // Nearly always there is nothing to null: then the state stays as it is,
  // without rebuilding every object on the way to the write-only attributes.
  if (!HasWriteOnlyValues(block, object)) return object;
  return NullWriteOnlyObject(block, object, client_supports_write_only);
}

bool HasWriteOnlyValues(const schema::Block& block, const cty::Value& object) {
  bool found = false;
  VisitWhere(block.attributes, block.blocks, object, IsWriteOnly, [&](const schema::Attribute&, const cty::Value& v) {
    found = v.IsKnown() && !v.IsNull();
    return !found;
  });
  return found;
}

cty::Value UnknownsAsNull(const cty::Value& value) {
  if (!value.IsKnown()) return cty::Value::Null(value.type());
  if (value.IsNull() || value.IsWhollyKnown()) return value;
  const cty::Type& t = value.type();
  switch (t.kind()) {
    case cty::TypeKind::kObject:
    case cty::TypeKind::kMap: {
      std::map<std::string, cty::Value> out;
      for (const auto& [k, v] : value.Attributes()) out[k] = UnknownsAsNull(v);
      return t.IsObject() ? cty::Value::Object(t, std::move(out)) : cty::Value::Map(t.element_type(), std::move(out));
    }
    case cty::TypeKind::kList:
    case cty::TypeKind::kSet:
    case cty::TypeKind::kTuple: {
      std::vector<cty::Value> out;
      for (const auto& v : value.Elements()) out.push_back(UnknownsAsNull(v));
      if (t.kind() == cty::TypeKind::kTuple) return cty::Value::Tuple(std::move(out));
      return t.kind() == cty::TypeKind::kList ? cty::Value::List(t.element_type(), std::move(out))
                                              : cty::Value::Set(t.element_type(), std::move(out));
    }
    default:
      return value;
  }
}

namespace {

void RegisterStrings(const cty::Value& v) {
  if (v.IsNull() || !v.IsKnown()) return;
  const cty::Type& t = v.type();
  if (t.kind() == cty::TypeKind::kString) {
    log::RegisterSecret(v.AsString());
  } else if (t.kind() == cty::TypeKind::kObject) {
    for (const auto& [name, attr] : v.Attributes()) RegisterStrings(attr);
  } else if (t.IsCollection() || t.kind() == cty::TypeKind::kTuple) {
    if (t.kind() == cty::TypeKind::kMap) {
      for (const auto& [key, element] : v.Attributes()) RegisterStrings(element);
    } else {
      for (const auto& element : v.Elements()) RegisterStrings(element);
    }
  }
}

}  // namespace

void RegisterSensitiveValues(const schema::Block& block, const cty::Value& object) {
  if (object.IsNull() || !object.IsKnown()) return;
  VisitWhere(block.attributes, block.blocks, object, IsSecret, [](const schema::Attribute&, const cty::Value& v) {
    RegisterStrings(v);
    return true;
  });
}

}  // namespace dcs::framework
