// Databricks error bodies → absl::Status.
#include <map>

#include <nlohmann/json.hpp>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/http_status.h"
#include "clients/databricks/client.h"
#include "clients/http/text.h"

namespace dcs::databricks {
namespace {

// Where MapError keeps the answer's error_code, so callers branch on the
// code instead of parsing the message.
constexpr char kErrorCodePayload[] = "type.dcs/databricks.error_code";

absl::StatusCode CodeForErrorCode(const std::string& error_code, const std::string& message) {
  static const std::map<std::string, absl::StatusCode> kCodes = {
      {"RESOURCE_DOES_NOT_EXIST", absl::StatusCode::kNotFound},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ENDPOINT_NOT_FOUND", absl::StatusCode::kNotFound},
      {"INVALID_PARAMETER_VALUE", absl::StatusCode::kInvalidArgument},
      {"BAD_REQUEST", absl::StatusCode::kInvalidArgument},
      {"MALFORMED_REQUEST", absl::StatusCode::kInvalidArgument},
      {"INVALID_REQUEST", absl::StatusCode::kInvalidArgument},
      {"INVALID_STATE", absl::StatusCode::kFailedPrecondition},
      {"FEATURE_DISABLED", absl::StatusCode::kFailedPrecondition},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
      {"CUSTOMER_UNAUTHORIZED", absl::StatusCode::kPermissionDenied},
      {"UNAUTHENTICATED", absl::StatusCode::kUnauthenticated},
      {"RESOURCE_ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"RESOURCE_CONFLICT", absl::StatusCode::kAborted},
      {"ABORTED", absl::StatusCode::kAborted},
      {"REQUEST_LIMIT_EXCEEDED", absl::StatusCode::kResourceExhausted},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
      {"RESOURCE_LIMIT_EXCEEDED", absl::StatusCode::kResourceExhausted},
      {"TOO_MANY_REQUESTS", absl::StatusCode::kResourceExhausted},
      {"TEMPORARILY_UNAVAILABLE", absl::StatusCode::kUnavailable},
      {"DEADLINE_EXCEEDED", absl::StatusCode::kDeadlineExceeded},
      {"CANCELLED", absl::StatusCode::kCancelled},
      {"NOT_IMPLEMENTED", absl::StatusCode::kUnimplemented},
      {"INTERNAL_ERROR", absl::StatusCode::kInternal},
      {"UNKNOWN", absl::StatusCode::kInternal},
      {"DATA_LOSS", absl::StatusCode::kDataLoss},
  };
  auto it = kCodes.find(error_code);
  if (it == kCodes.end()) return absl::StatusCode::kUnknown;
  // Older cluster endpoints report a missing cluster this way.
  if (it->second == absl::StatusCode::kInvalidArgument && message.find("does not exist") != std::string::npos) {
    return absl::StatusCode::kNotFound;
  }
  return it->second;
}


// error_code and message from the JSON shapes Databricks uses ({"error_code",
// "message"} or {"error"}), else the first bytes of the body as the message.
void ParseErrorBody(const std::string& body, std::string& error_code, std::string& message) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error_code") && j["error_code"].is_string()) error_code = j["error_code"];
    if (j.contains("message") && j["message"].is_string()) message = j["message"];
    if (message.empty() && j.contains("error") && j["error"].is_string()) message = j["error"];
    if (message.empty() && j.contains("detail") && j["detail"].is_string()) message = j["detail"];
    if (!message.empty() || !error_code.empty()) return;
  }
  message = http::text::Utf8Prefix(body, 200);
}

}  // namespace

absl::Status MapError(const std::string& what, const http::Response& response) {
  std::string error_code, message;
  ParseErrorBody(response.body, error_code, message);
  absl::StatusCode code = error_code.empty() ? absl::StatusCode::kUnknown : CodeForErrorCode(error_code, message);
  if (code == absl::StatusCode::kUnknown) code = StatusCodeForHttp(response.status);
  if (response.status == 401) code = absl::StatusCode::kUnauthenticated;
  std::string text = error_code.empty() ? message : error_code + ": " + message;
  if (text.empty()) text = "empty answer";
  std::string out = absl::StrCat(text, " (HTTP ", response.status, ", ", what, ")");
  if (code == absl::StatusCode::kUnauthenticated) {
    absl::StrAppend(&out, ". The credentials were rejected: check that the token (DATABRICKS_TOKEN) or "
                          "service principal is valid, not expired, and belongs to this workspace's host.");
  }
  absl::Status status(code, out);
  if (!error_code.empty()) status.SetPayload(kErrorCodePayload, absl::Cord(error_code));
  return status;
}

std::string ApiErrorCode(const absl::Status& status) {
  auto code = status.GetPayload(kErrorCodePayload);
  return code ? std::string(*code) : "";
}

bool ContainerServicesDisabled(const absl::Status& status) {
  if (ApiErrorCode(status) != "FEATURE_DISABLED") return false;
  // FEATURE_DISABLED covers every workspace feature; the message names DCS.
  return absl::StrContains(status.message(), "enableDcs") || absl::StrContains(status.message(), "Container Services");
}

bool RetryableAnswer(const http::Response& response) {
  if (response.status == 429 || response.status == 503) return true;
  if (response.status < 400) return false;
  std::string error_code, message;
  ParseErrorBody(response.body, error_code, message);
  return error_code == "TEMPORARILY_UNAVAILABLE" || error_code == "REQUEST_LIMIT_EXCEEDED";
}

}  // namespace dcs::databricks
