#include "sdk/framework/plan_modifiers.h"

namespace dcs::framework {
namespace {

using Condition = std::function<bool(const schema::AttributePlanRequest&)>;

class RequiresReplaceModifier : public schema::PlanModifier {
 public:
  RequiresReplaceModifier(Condition condition, std::string description)
      : condition_(std::move(condition)), description_(std::move(description)) {}
  std::string Description() const override { return description_; }
  bool MayRequireReplace() const override { return true; }
  void Modify(const schema::AttributePlanRequest& req,
              schema::AttributePlanResponse& resp) const override {
    if (req.creating) return;
    // An unknown planned value may turn out different: Terraform compares
    // and replaces only when needed, so asking is always safe.
    if (resp.planned.IsKnown() && resp.planned.Equals(req.prior)) return;
    if (condition_ && !condition_(req)) return;
    resp.requires_replace = true;
  }

 private:
  Condition condition_;
  std::string description_;
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

PlanModifierPtr RequiresReplace() {
  return std::make_shared<RequiresReplaceModifier>(
      nullptr, "If this value changes, the resource is replaced.");
}

PlanModifierPtr RequiresReplaceIfConfigured() {
  return std::make_shared<RequiresReplaceModifier>(
      [](const schema::AttributePlanRequest& req) { return !req.config.IsNull(); },
      "If this value is configured and changes, the resource is replaced.");
}

PlanModifierPtr RequiresReplaceIf(Condition condition, std::string description) {
  return std::make_shared<RequiresReplaceModifier>(std::move(condition), std::move(description));
}

PlanModifierPtr UseStateForUnknown() { return std::make_shared<UseStateForUnknownModifier>(); }

}  // namespace dcs::framework
