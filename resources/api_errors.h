// User-facing diagnostics for failed API calls: the summary names the
// operation, the detail quotes the API's answer and adds what to do about it.
#ifndef DCS_RESOURCES_API_ERRORS_H_
#define DCS_RESOURCES_API_ERRORS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "sdk/cty/path.h"
#include "sdk/framework/diagnostics.h"

namespace dcs::resources {

// A failed Databricks API call: a hint for the status code (401/403 →
// credentials, Unavailable → host/network, Container Services off → enable
// it, …).
void AddApiError(framework::Diagnostics& diagnostics, const absl::Status& status, std::string summary,
                 std::optional<cty::Path> path = std::nullopt);

// A Docker / registry failure: DOCKER_HOST for an unreachable daemon,
// credentials for 401/403. `secret` is scrubbed from the text.
void AddContainerError(framework::Diagnostics& diagnostics, const absl::Status& status, std::string summary,
                       std::optional<cty::Path> path, const std::string& secret = "");

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_API_ERRORS_H_
