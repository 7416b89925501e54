// Early-return helpers for absl::Status / absl::StatusOr, used by every layer
// (Debian's abseil 20220623 ships none).
#ifndef DCS_BASE_STATUS_MACROS_H_
#define DCS_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DCS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status dcs_status_ = (expr);       \
    if (!dcs_status_.ok()) return dcs_status_; \
  } while (0)

#define DCS_STATUS_CONCAT_INNER(a, b) a##b
#define DCS_STATUS_CONCAT(a, b) DCS_STATUS_CONCAT_INNER(a, b)

// DCS_ASSIGN_OR_RETURN(auto x, StatusOrExpr());
#define DCS_ASSIGN_OR_RETURN(lhs, expr) \
  DCS_ASSIGN_OR_RETURN_IMPL(DCS_STATUS_CONCAT(dcs_statusor_, __LINE__), lhs, expr)
#define DCS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)

#endif  // DCS_BASE_STATUS_MACROS_H_
