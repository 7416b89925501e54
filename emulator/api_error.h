// Databricks-style API errors carried inside absl::Status.
//
// Handlers return absl::Status; the HTTP layer turns it into the wire body
// {"error_code": ..., "message": ..., "details": [...]} with the right HTTP status.
// The Databricks error_code and HTTP status ride along as Status payloads so the
// canonical absl code can stay coarse while the wire answer stays exact.
#ifndef DCS_EMULATOR_API_ERROR_H_
#define DCS_EMULATOR_API_ERROR_H_

#include <string>


#include "absl/strings/string_view.h"
#include "absl/status/status.h"

namespace dcs::emulator {

// Builds a Status that renders as HTTP `http_status` with `error_code` and `message`.
absl::Status ApiError(int http_status, absl::string_view error_code, absl::string_view message);

// Shorthands for the codes used everywhere (HTTP status as the real service answers).
absl::Status InvalidParameter(absl::string_view message);   // 400 INVALID_PARAMETER_VALUE
absl::Status InvalidState(absl::string_view message);       // 400 INVALID_STATE
absl::Status MalformedRequest(absl::string_view message);   // 400 MALFORMED_REQUEST
absl::Status NotFound(absl::string_view message);           // 404 RESOURCE_DOES_NOT_EXIST
absl::Status AlreadyExists(absl::string_view message);      // 400 RESOURCE_ALREADY_EXISTS
absl::Status FeatureDisabled(absl::string_view message);    // 400 FEATURE_DISABLED

struct WireError {
  int http_status = 500;
  std::string error_code;
  std::string message;
};

// Maps any Status (ours or a foreign one) to what goes on the wire.
// REQUIRES: !status.ok().
WireError ToWireError(const absl::Status& status);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_API_ERROR_H_
