#include "provider/framework/plan_modifiers.h"

namespace dcs::framework {
namespace {

class RequiresReplaceModifier : public schema::PlanModifier {
 public:
  std::string Description() const override {
    return "If the value of this attribute changes, the resource is replaced.";
  }
  void Modify(const schema::AttributePlanRequest& req,
              schema::AttributePlanResponse& resp) const override {
    if (req.creating) return;
    // An unknown planned value may turn out different: Terraform compares
    // and replaces only when needed, so asking is always safe.
    if (!resp.planned.IsKnown() || !resp.planned.Equals(req.prior)) resp.requires_replace = true;
  }
};

class UseStateForUnknownModifier : public schema::PlanModifier {
 public:
  std::string Description() const override {
    return "The value does not change after creation.";
  }
  void Modify(const schema::AttributePlanRequest& req,
              schema::AttributePlanResponse& resp) const override {
    if (req.creating || req.prior.IsNull() || resp.planned.IsKnown()) return;
    if (!req.config.IsNull()) return;  // the user sets it: the config wins
    resp.planned = req.prior;
  }
};

}  // namespace

PlanModifierPtr RequiresReplace() { return std::make_shared<RequiresReplaceModifier>(); }
PlanModifierPtr UseStateForUnknown() { return std::make_shared<UseStateForUnknownModifier>(); }

}  // namespace dcs::framework
