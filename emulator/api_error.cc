#include "emulator/api_error.h"

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace dcs::emulator {
namespace {

constexpr char kCodeKey[] = "dcs.emulator/error_code";
constexpr char kHttpKey[] = "dcs.emulator/http_status";

absl::StatusCode CanonicalFor(int http_status) {
  switch (http_status) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 409: return absl::StatusCode::kAlreadyExists;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 501: return absl::StatusCode::kUnimplemented;
    case 503: return absl::StatusCode::kUnavailable;
    case 504: return absl::StatusCode::kDeadlineExceeded;
    default: return absl::StatusCode::kInternal;
  }
}

// Fallback for Status values that did not come from ApiError (e.g. file I/O).
WireError FromCanonical(const absl::Status& status) {
  WireError e;
  e.message = std::string(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: e.http_status = 400; e.error_code = "INVALID_PARAMETER_VALUE"; break;
    case absl::StatusCode::kFailedPrecondition: e.http_status = 400; e.error_code = "INVALID_STATE"; break;
    case absl::StatusCode::kNotFound: e.http_status = 404; e.error_code = "RESOURCE_DOES_NOT_EXIST"; break;
    case absl::StatusCode::kAlreadyExists: e.http_status = 409; e.error_code = "RESOURCE_ALREADY_EXISTS"; break;
    case absl::StatusCode::kUnauthenticated: e.http_status = 401; e.error_code = "UNAUTHENTICATED"; break;
    case absl::StatusCode::kPermissionDenied: e.http_status = 403; e.error_code = "PERMISSION_DENIED"; break;
    case absl::StatusCode::kResourceExhausted: e.http_status = 429; e.error_code = "REQUEST_LIMIT_EXCEEDED"; break;
    case absl::StatusCode::kUnavailable: e.http_status = 503; e.error_code = "TEMPORARILY_UNAVAILABLE"; break;
    default: e.http_status = 500; e.error_code = "INTERNAL_ERROR"; break;
  }
  return e;
}

}  // namespace

absl::Status ApiError(int http_status, absl::string_view error_code, absl::string_view message) {
  absl::Status s(CanonicalFor(http_status), absl::string_view(message.data(), message.size()));
  s.SetPayload(kCodeKey, absl::Cord(std::string(error_code)));
  s.SetPayload(kHttpKey, absl::Cord(std::to_string(http_status)));
  return s;
}

absl::Status InvalidParameter(absl::string_view m) { return ApiError(400, "INVALID_PARAMETER_VALUE", m); }
absl::Status InvalidState(absl::string_view m) { return ApiError(400, "INVALID_STATE", m); }
absl::Status MalformedRequest(absl::string_view m) { return ApiError(400, "MALFORMED_REQUEST", m); }
absl::Status NotFound(absl::string_view m) { return ApiError(404, "RESOURCE_DOES_NOT_EXIST", m); }
absl::Status AlreadyExists(absl::string_view m) { return ApiError(400, "RESOURCE_ALREADY_EXISTS", m); }
absl::Status FeatureDisabled(absl::string_view m) { return ApiError(400, "FEATURE_DISABLED", m); }

WireError ToWireError(const absl::Status& status) {
  auto code = status.GetPayload(kCodeKey);
  auto http = status.GetPayload(kHttpKey);
  if (!code || !http) return FromCanonical(status);
  WireError e;
  e.error_code = std::string(*code);
  e.message = std::string(status.message());
  if (!absl::SimpleAtoi(std::string(*http), &e.http_status)) e.http_status = 500;
  return e;
}

}  // namespace dcs::emulator
