#include "base/http_status.h"

#include <utility>

namespace dcs {

absl::StatusCode StatusCodeForHttp(int http_status) {
  switch (http_status) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405:
    case 501: return absl::StatusCode::kUnimplemented;
    case 409: return absl::StatusCode::kAborted;
    case 412: return absl::StatusCode::kFailedPrecondition;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 499: return absl::StatusCode::kCancelled;
    case 502:
    case 503: return absl::StatusCode::kUnavailable;
    case 504: return absl::StatusCode::kDeadlineExceeded;
    default:
      if (http_status >= 500 && http_status <= 599) return absl::StatusCode::kInternal;
      if (http_status >= 400 && http_status <= 499) return absl::StatusCode::kFailedPrecondition;
      return absl::StatusCode::kUnknown;
  }
}

absl::Status StatusForHttp(int http_status, std::string message) {
  return absl::Status(StatusCodeForHttp(http_status), std::move(message));
}

}  // namespace dcs
