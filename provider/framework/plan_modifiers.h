// Reusable attribute plan modifiers.
#ifndef DCS_PROVIDER_FRAMEWORK_PLAN_MODIFIERS_H_
#define DCS_PROVIDER_FRAMEWORK_PLAN_MODIFIERS_H_

#include <memory>

#include "provider/schema/schema.h"

namespace dcs::framework {

using PlanModifierPtr = std::shared_ptr<const schema::PlanModifier>;

// A change of this attribute on an existing object replaces the object.
PlanModifierPtr RequiresReplace();
// A computed value that cannot change on update keeps its prior value instead
// of becoming "(known after apply)".
PlanModifierPtr UseStateForUnknown();

}  // namespace dcs::framework

#endif  // DCS_PROVIDER_FRAMEWORK_PLAN_MODIFIERS_H_
