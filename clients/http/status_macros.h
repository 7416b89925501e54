// Early-return helpers for absl::Status / absl::StatusOr, for clients built on
// clients/http (Debian's abseil 20220623 has none). Guarded so that another
// folder may define the same names.
#ifndef DCS_CLIENTS_HTTP_STATUS_MACROS_H_
#define DCS_CLIENTS_HTTP_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#ifndef DCS_RETURN_IF_ERROR
#define DCS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status dcs_status_ = (expr);       \
    if (!dcs_status_.ok()) return dcs_status_; \
  } while (0)
#endif

#define DCS_HTTP_CONCAT_INNER(a, b) a##b
#define DCS_HTTP_CONCAT(a, b) DCS_HTTP_CONCAT_INNER(a, b)

// DCS_ASSIGN_OR_RETURN(auto x, StatusOrExpr());
#ifndef DCS_ASSIGN_OR_RETURN
#define DCS_ASSIGN_OR_RETURN(lhs, expr) \
  DCS_ASSIGN_OR_RETURN_IMPL(DCS_HTTP_CONCAT(dcs_statusor_, __LINE__), lhs, expr)
#define DCS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)
#endif

#endif  // DCS_CLIENTS_HTTP_STATUS_MACROS_H_
