// Dotted versions as the GPU stack writes them: "12.4", "550.54.14",
// "2.6.0+cu124", "2.7.4.post1". Compared numerically per component; missing
// components count as zero, a suffix after the numbers is kept but ignored.
#ifndef DCS_RESOURCES_COMPAT_VERSION_H_
#define DCS_RESOURCES_COMPAT_VERSION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcs::compat {

struct Version {
  std::vector<long> parts;  // 1 to 4 numeric components
  std::string suffix;       // ".post1", "+cu124", … (may be empty)

  // nullopt unless `text` starts with 1–4 dot-separated numbers and the rest
  // is a PEP 440-style suffix (post/dev/rc/a/b, +local). A final ".x" after
  // two or more numbers ("12.4.x") is dropped; "12.x.y" and "abc" fail.
  static std::optional<Version> Parse(std::string_view text);
  int Compare(const Version& other) const;  // <0, 0, >0 on numbers only
  // True when `prefix`'s components equal our leading ones ("12.4" ⊑ "12.4.1").
  bool StartsWith(const Version& prefix) const;
  std::string MajorMinor() const;  // "12.4"
};

}  // namespace dcs::compat

#endif  // DCS_RESOURCES_COMPAT_VERSION_H_
