// The one mapping from an HTTP status to an absl::StatusCode, shared by every
// API client so that callers (retries, hints, "maybe created") see the same
// code for the same answer whatever the API.
#ifndef DCS_BASE_HTTP_STATUS_H_
#define DCS_BASE_HTTP_STATUS_H_

#include <string>

#include "absl/status/status.h"

namespace dcs {

// 400 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied,
// 404 NotFound, 405/501 Unimplemented, 409 Aborted (a conflict with a
// concurrent change), 412 FailedPrecondition, 429 ResourceExhausted,
// 499 Cancelled, 502/503 Unavailable, 504 DeadlineExceeded, other 5xx
// Internal, other 4xx FailedPrecondition, anything else Unknown.
absl::StatusCode StatusCodeForHttp(int http_status);

// absl::Status(StatusCodeForHttp(http_status), message).
absl::Status StatusForHttp(int http_status, std::string message);

}  // namespace dcs

#endif  // DCS_BASE_HTTP_STATUS_H_
