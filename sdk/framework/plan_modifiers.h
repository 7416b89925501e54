// Reusable plan modifiers for attributes and nested blocks.
#ifndef DCS_SDK_FRAMEWORK_PLAN_MODIFIERS_H_
#define DCS_SDK_FRAMEWORK_PLAN_MODIFIERS_H_

#include <functional>
#include <memory>
#include <string>

#include "sdk/framework/schema.h"

namespace dcs::framework {

using PlanModifierPtr = std::shared_ptr<const schema::PlanModifier>;

// A change of this attribute or block on an existing object replaces the
// object. An unknown planned value counts as a change (Terraform compares
// again once it is known and replaces only then).
PlanModifierPtr RequiresReplace();
// RequiresReplace, except while the configuration leaves the value null: an
// optional+computed field left unset keeps whatever the server chose.
PlanModifierPtr RequiresReplaceIfConfigured();
// RequiresReplace, only when `condition` holds for the request; the
// description (a sentence, for the docs) says when that is.
PlanModifierPtr RequiresReplaceIf(std::function<bool(const schema::AttributePlanRequest&)> condition,
                                  std::string description);
// A computed value that cannot change on update keeps its prior value instead
// of becoming "(known after apply)".
PlanModifierPtr UseStateForUnknown();

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_PLAN_MODIFIERS_H_
