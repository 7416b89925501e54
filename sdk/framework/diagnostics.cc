#include "sdk/framework/diagnostics.h"

namespace dcs::framework {

void Diagnostics::AddError(std::string summary, std::string detail,
                           std::optional<cty::Path> path) {
  items_.push_back({Severity::kError, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddWarning(std::string summary, std::string detail,
                             std::optional<cty::Path> path) {
  items_.push_back({Severity::kWarning, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddStatus(const absl::Status& status, std::string summary,
                            std::optional<cty::Path> path) {
  if (status.ok()) return;
  AddError(std::move(summary), std::string(status.message()), std::move(path));
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::HasError() const {
  for (const auto& d : items_) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

std::string Diagnostics::FirstError() const {
  for (const auto& d : items_) {
    if (d.severity == Severity::kError) return d.summary + ": " + d.detail;
  }
  return "";
}

}  // namespace dcs::framework
