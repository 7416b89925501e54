// The attribute plan pipeline, in a fixed, documented order:
//   1. write-only attributes kept as proposed (the engine nulls them first,
//      except sensitive ones for clients without write-only support);
//   2. defaults for optional+computed attributes left null in config;
//   3. computed attributes left null in config become unknown on create, and
//      on update when the proposed object differs from the prior one;
//   4. attribute plan modifiers, in declaration order; a nested block's own
//      modifiers run on the block value after its contents are planned.
// The engine then runs the resource's ModifyPlan and sorts requires_replace.
#ifndef DCS_SDK_FRAMEWORK_PLAN_H_
#define DCS_SDK_FRAMEWORK_PLAN_H_

#include <vector>

#include "sdk/cty/path.h"
#include "sdk/cty/value.h"
#include "sdk/framework/diagnostics.h"
#include "sdk/framework/schema.h"

namespace dcs::framework {

struct AttributePlan {
  cty::Value planned;
  std::vector<cty::Path> requires_replace;
  framework::Diagnostics diagnostics;
};

// REQUIRES: `proposed` is non-null (destroys are planned by the engine).
AttributePlan PlanAttributes(const schema::Block& block, const cty::Value& config,
                             const cty::Value& prior, const cty::Value& proposed);

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_PLAN_H_
