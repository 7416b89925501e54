#include "sdk/framework/plan.h"

#include <functional>

#include "sdk/framework/walk.h"

namespace dcs::framework {
namespace {

using schema::Nesting;

class Planner {
 public:
  Planner(bool creating, bool changed) : creating_(creating), changed_(changed) {}

  cty::Value Object(const schema::Block& block, const cty::Value& config, const cty::Value& prior,
                    const cty::Value& proposed, const cty::Path& path) {
    if (!proposed.IsKnown() || proposed.IsNull()) return proposed;
    std::map<std::string, cty::Value> attrs = proposed.Attributes();
    for (const auto& a : block.attributes) {
      const cty::Type t = a.ValueType();
      attrs[a.name] = Attribute(a, AttrOrNull(config, a.name, t), AttrOrNull(prior, a.name, t),
                                attrs[a.name], path.Attr(a.name));
    }
    for (const auto& nb : block.blocks) {
      const cty::Type t = attrs[nb.name].type();
      const schema::Block& inner = *nb.block;
      const cty::Value block_config = AttrOrNull(config, nb.name, t);
      const cty::Value block_prior = AttrOrNull(prior, nb.name, t);
      const cty::Value block_proposed = attrs[nb.name];
      cty::Value planned = Collection(
          nb.nesting, block_config, block_prior, block_proposed, path.Attr(nb.name),
          [&](const cty::Value& c, const cty::Value& p, const cty::Value& v, const cty::Path& ep) {
            return Object(inner, c, p, v, ep);
          });
      attrs[nb.name] = Modify(nb.plan_modifiers, block_config, block_prior, block_proposed, path.Attr(nb.name),
                              std::move(planned));
    }
    return cty::Value::Object(proposed.type(), std::move(attrs));
  }

  AttributePlan Finish(cty::Value planned) {
    return {std::move(planned), std::move(requires_replace_), std::move(diagnostics_)};
  }

 private:
  using ElementPlanner = std::function<cty::Value(const cty::Value&, const cty::Value&,
                                                  const cty::Value&, const cty::Path&)>;

  cty::Value Attribute(const schema::Attribute& a, const cty::Value& config, const cty::Value& prior,
                       const cty::Value& proposed, const cty::Path& path) {
    cty::Value planned = proposed;
    if (a.write_only) {
      // As proposed: the engine has nulled it already unless it is a
      // sensitive write-only attribute of a client without write-only support.
      planned = proposed;
    } else if (a.computed() && config.IsNull()) {
      if (a.default_value) {
        planned = *a.default_value;
      } else if (creating_ || changed_) {
        planned = cty::Value::Unknown(a.ValueType());
      }
    } else if (a.nested) {
      schema::Block inner;
      inner.attributes = a.nested->attributes;
      planned = Collection(
          a.nested->nesting, config, prior, proposed, path,
          [&](const cty::Value& c, const cty::Value& p, const cty::Value& v, const cty::Path& ep) {
            return Object(inner, c, p, v, ep);
          });
    }
    return Modify(a.plan_modifiers, config, prior, proposed, path, std::move(planned));
  }

  cty::Value Modify(const std::vector<std::shared_ptr<const schema::PlanModifier>>& modifiers,
                    const cty::Value& config, const cty::Value& prior, const cty::Value& proposed,
                    const cty::Path& path, cty::Value planned) {
    for (const auto& modifier : modifiers) {
      schema::AttributePlanRequest req{path, config, prior, proposed, creating_};
      schema::AttributePlanResponse resp{planned, false, {}};
      modifier->Modify(req, resp);
      planned = resp.planned;
      if (resp.requires_replace) requires_replace_.push_back(path);
      diagnostics_.Append(resp.diagnostics);
    }
    return planned;
  }

  // Plans the elements of a nested collection, correlating config and prior
  // elements by index (lists) or key (maps). Set elements cannot be
  // correlated, so sets are left as Terraform proposed them.
  cty::Value Collection(Nesting nesting, const cty::Value& config, const cty::Value& prior,
                        const cty::Value& proposed, const cty::Path& path, const ElementPlanner& plan) {
    if (!proposed.IsKnown() || proposed.IsNull()) return proposed;
    switch (nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        return plan(config, prior, proposed, path);
      case Nesting::kSet:
        return proposed;
      case Nesting::kList: {
        std::vector<cty::Value> out;
        const auto& elems = proposed.Elements();
        for (size_t i = 0; i < elems.size(); ++i) {
          out.push_back(plan(Element(config, i), Element(prior, i), elems[i], path.Index(i)));
        }
        return cty::Value::List(proposed.type().element_type(), std::move(out));
      }
      case Nesting::kMap: {
        std::map<std::string, cty::Value> out;
        for (const auto& [k, v] : proposed.Attributes()) {
          out[k] = plan(Entry(config, k), Entry(prior, k), v, path.Key(k));
        }
        return cty::Value::Map(proposed.type().element_type(), std::move(out));
      }
    }
    return proposed;
  }

  static cty::Value Element(const cty::Value& list, size_t i) {
    if (!list.IsKnown() || list.IsNull() || i >= list.Elements().size()) return cty::Value();
    return list.Elements()[i];
  }
  static cty::Value Entry(const cty::Value& map, const std::string& key) {
    if (!map.IsKnown() || map.IsNull()) return cty::Value();
    auto it = map.Attributes().find(key);
    return it == map.Attributes().end() ? cty::Value() : it->second;
  }

  bool creating_;
  bool changed_;
  std::vector<cty::Path> requires_replace_;
  framework::Diagnostics diagnostics_;
};

}  // namespace

AttributePlan PlanAttributes(const schema::Block& block, const cty::Value& config,
                             const cty::Value& prior, const cty::Value& proposed) {
  const bool creating = prior.IsNull();
  Planner planner(creating, creating || !proposed.Equals(prior));
  cty::Value planned = planner.Object(block, config, prior, proposed, cty::Path());
  return planner.Finish(std::move(planned));
}

}  // namespace dcs::framework
