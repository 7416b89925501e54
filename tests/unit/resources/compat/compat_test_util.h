// Helpers shared by the compat tests.
#ifndef DCS_TESTS_UNIT_RESOURCES_COMPAT_COMPAT_TEST_UTIL_H_
#define DCS_TESTS_UNIT_RESOURCES_COMPAT_COMPAT_TEST_UTIL_H_

#include <ostream>
#include <string>

#include "resources/compat/compat.h"
#include "resources/compat/version.h"

namespace dcs::compat::testing {

inline const Check& CheckNamed(const Report& r, const std::string& name) {
  for (const Check& c : r.checks) {
    if (c.name == name) return c;
  }
  static const Check kMissing{"<missing>", Status::kNotApplicable, "", "", ""};
  return kMissing;
}

inline Status StatusOf(const Report& r, const std::string& name) { return CheckNamed(r, name).status; }

// The version just below `v` in its last numeric component: 550.54.14 → 550.54.13,
// 12.6 → 12.5, 12.0 → 11.999.
inline std::string OneBelow(const std::string& v) {
  Version parsed = *Version::Parse(v);
  auto& p = parsed.parts;
  size_t i = p.size() - 1;
  while (i > 0 && p[i] == 0) p[i--] = 999;
  --p[i];
  std::string out;
  for (size_t k = 0; k < p.size(); ++k) out += (k ? "." : "") + std::to_string(p[k]);
  return out;
}

// The version with its minor (second) component raised by one: 12.9 → 12.10.
inline std::string NextMinor(const std::string& v) {
  Version parsed = *Version::Parse(v);
  return std::to_string(parsed.parts[0]) + "." + std::to_string((parsed.parts.size() > 1 ? parsed.parts[1] : 0) + 1);
}

}  // namespace dcs::compat::testing

namespace dcs::compat {
inline void PrintTo(Status s, std::ostream* os) { *os << std::string(StatusName(s)); }
}  // namespace dcs::compat

#endif  // DCS_TESTS_UNIT_RESOURCES_COMPAT_COMPAT_TEST_UTIL_H_
