#include "base/http_status.h"

#include <gtest/gtest.h>

namespace dcs {
namespace {

using absl::StatusCode;

TEST(HttpStatusTest, DocumentedStatusesMapToTheirCodes) {
  EXPECT_EQ(StatusCodeForHttp(400), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForHttp(401), StatusCode::kUnauthenticated);
  EXPECT_EQ(StatusCodeForHttp(403), StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusCodeForHttp(404), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForHttp(405), StatusCode::kUnimplemented);
  EXPECT_EQ(StatusCodeForHttp(409), StatusCode::kAborted);
  EXPECT_EQ(StatusCodeForHttp(412), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForHttp(429), StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusCodeForHttp(499), StatusCode::kCancelled);
  EXPECT_EQ(StatusCodeForHttp(501), StatusCode::kUnimplemented);
  EXPECT_EQ(StatusCodeForHttp(502), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttp(503), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttp(504), StatusCode::kDeadlineExceeded);
}

TEST(HttpStatusTest, OtherStatusesFallIntoTheirClass) {
  EXPECT_EQ(StatusCodeForHttp(500), StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForHttp(599), StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForHttp(418), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeForHttp(302), StatusCode::kUnknown);
  EXPECT_EQ(StatusCodeForHttp(0), StatusCode::kUnknown);
  EXPECT_EQ(StatusCodeForHttp(-1), StatusCode::kUnknown);
  EXPECT_EQ(StatusCodeForHttp(1000), StatusCode::kUnknown);
}

TEST(HttpStatusTest, StatusForHttpKeepsTheMessage) {
  absl::Status s = StatusForHttp(404, "registry x: manifest unknown");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "registry x: manifest unknown");
}

}  // namespace
}  // namespace dcs
