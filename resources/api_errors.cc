#include "resources/api_errors.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/databricks/client.h"

namespace dcs::resources {
namespace {

constexpr char kContainerServicesOff[] =
    "Databricks Container Services is off in this workspace. Add a dcs_workspace_conf with enable_dcs = true "
    "and make this resource depend on it (depends_on), or ask a workspace admin to enable it.";

std::string HintFor(const absl::Status& status) {
  if (databricks::ContainerServicesDisabled(status)) return kContainerServicesOff;
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      return "Check the credentials of the authentication method named above (auth_type / "
             "DATABRICKS_AUTH_TYPE picks another): a token or client secret must belong to this workspace and "
             "not be expired; a federated token must match a federation policy or federated credential.";
    case absl::StatusCode::kPermissionDenied:
      return "The credentials are valid but lack permission for this operation; ask a workspace admin.";
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return "Check `host` / DATABRICKS_HOST and the network; raise `retry_timeout_seconds` or "
             "`http_timeout_seconds` if the workspace is slow.";
    case absl::StatusCode::kResourceExhausted:
      return "The workspace kept throttling requests; lower `rate_limit` or raise `retry_timeout_seconds`.";
    case absl::StatusCode::kInternal:
      if (absl::StrContains(status.message(), "INTERNAL_ERROR")) {
        return "The workspace reported an internal error of its own; run the apply again later. If it "
               "persists, the problem is on the workspace side (see the Databricks status page).";
      }
      return "The workspace answered something that is not the documented API response; check that `host` "
             "points at a Databricks workspace (not a proxy or login page).";
    default:
      return "";
  }
}

}  // namespace

void AddApiError(framework::Diagnostics& diagnostics, const absl::Status& status, std::string summary,
                 std::optional<cty::Path> path) {
  std::string detail(status.message());
  std::string hint = HintFor(status);
  if (!hint.empty()) absl::StrAppend(&detail, "\n\n", hint);
  diagnostics.AddError(std::move(summary), std::move(detail), std::move(path));
}

void AddContainerError(framework::Diagnostics& d, const absl::Status& status, std::string summary,
                       std::optional<cty::Path> path, const std::string& secret) {
  std::string detail(status.message());
  if (!secret.empty()) absl::StrReplaceAll({{secret, "<redacted>"}}, &detail);
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (detail.find("Docker daemon") != std::string::npos) {
        absl::StrAppend(&detail, "\n\nSet `docker_host` in the provider block or the DOCKER_HOST ",
                        "environment variable (unix:///path/to/docker.sock, or tcp://host:2376 with ",
                        "DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH).");
      }
      break;
    case absl::StatusCode::kFailedPrecondition:
      if (detail.find("DOCKER_CERT_PATH") != std::string::npos) {
        absl::StrAppend(&detail, "\n\nIn the provider block these settings are `docker_host`, ",
                        "`docker_tls_verify` and `docker_cert_path`; they take precedence over DOCKER_HOST, ",
                        "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.");
      }
      break;
    case absl::StatusCode::kUnauthenticated:
      absl::StrAppend(&detail, "\n\nThe registry answered 401 Unauthorized: check the user name and ",
                      "password of `registry_auth` (resource or provider block) or the entry in ",
                      "~/.docker/config.json for this registry.");
      break;
    case absl::StatusCode::kPermissionDenied:
      absl::StrAppend(&detail, "\n\nThe credentials were accepted but lack the permission for this ",
                      "repository (403): grant push/pull (and delete for retention) on it.");
      break;
    default:
      break;
  }
  d.AddError(std::move(summary), std::move(detail), std::move(path));
}

}  // namespace dcs::resources
