// How a compatibility-matrix check reads as a diagnostic, shared by the
// dcs_compatibility_matrix data source and the image preflight so that the
// same finding says the same thing in both places.
#ifndef DCS_RESOURCES_COMPAT_DIAGNOSTICS_H_
#define DCS_RESOURCES_COMPAT_DIAGNOSTICS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "resources/compat/compat.h"

namespace dcs::resources {

// "Compatibility check cuda_driver: FAIL"
inline std::string CompatSummary(const compat::Check& c) {
  return absl::StrCat("Compatibility check ", c.name, ": ", std::string(compat::StatusName(c.status)));
}

// The check's details, then "How to fix: …" when it has a remedy.
inline std::string CompatDetail(const compat::Check& c) {
  return absl::StrCat(c.details, c.remedy.empty() ? "" : "\n\nHow to fix: ", c.remedy);
}

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_COMPAT_DIAGNOSTICS_H_
