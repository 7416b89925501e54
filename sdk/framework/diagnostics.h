// Diagnostics: what users see. An ordered list of {severity, summary, detail,
// attribute path}. Inside the code errors are absl::Status; they become
// Diagnostics only at the resource/data-source boundary.
#ifndef DCS_SDK_FRAMEWORK_DIAGNOSTICS_H_
#define DCS_SDK_FRAMEWORK_DIAGNOSTICS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sdk/cty/path.h"

namespace dcs::framework {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string summary;  // short: names the problem
  std::string detail;   // actionable: how to fix it, quoting API errors
  std::optional<cty::Path> path;
};

class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail,
                std::optional<cty::Path> path = std::nullopt);
  void AddWarning(std::string summary, std::string detail,
                  std::optional<cty::Path> path = std::nullopt);
  // An error whose detail is `status.message()` after `detail_prefix`.
  void AddStatus(const absl::Status& status, std::string summary,
                 std::optional<cty::Path> path = std::nullopt);
  void Append(const Diagnostics& other);

  bool HasError() const;
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // "summary: detail" of the first error, for logs and tests.
  std::string FirstError() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_DIAGNOSTICS_H_
