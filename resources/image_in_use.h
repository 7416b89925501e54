// Which images of a repository a Databricks workspace still uses, for
// dcs_image retention: the docker_image of every cluster the workspace lists
// (every state: a TERMINATED cluster restarts on its image), the
// preloaded_docker_images of every instance pool, and the caller's AI Runtime
// image registrations (their url, and the manifest they imported).
//
// A reference counts when its registry and repository equal the image's
// (Docker's normalisation: "ubuntu" is docker.io/library/ubuntu); it names a
// tag (`repo:tag`, `repo` = `repo:latest`) or a digest (`repo@sha256:…`,
// `repo:tag@sha256:…` counts as both). Tags are matched to digests by the
// caller, which has read the repository's tags (ProtectInUse).
#ifndef DCS_RESOURCES_IMAGE_IN_USE_H_
#define DCS_RESOURCES_IMAGE_IN_USE_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/registry/reference.h"
#include "resources/image_retention.h"
#include "sdk/framework/context.h"
#include "sdk/framework/diagnostics.h"

namespace dcs::resources {

// Lists clusters (every page), pools and AI Runtime registrations and
// returns the uses of `repository` (domain + path; tag and digest ignored).
// A workspace without the AI Runtime listing call (404 ENDPOINT_NOT_FOUND)
// is asked for each of `probe_urls` (`images:get`) instead. Errors: the
// first failed listing (PermissionDenied for a 403, Unavailable, …),
// prefixed with what was being listed.
absl::StatusOr<ImageUses> CollectWorkspaceImageUses(databricks::Client& client, const registry::Reference& repository,
                                                    const std::vector<std::string>& probe_urls,
                                                    const std::atomic<bool>* stop);

// The answer of the provider's workspace for dcs_image retention.
struct WorkspaceImageUses {
  enum class Check { kChecked, kNoWorkspace, kFailed };
  Check check = Check::kFailed;
  ImageUses uses;       // kChecked
  absl::Status error;   // kNoWorkspace / kFailed: why there is no answer
};

// Asks the workspace the provider is configured for (the one place where
// retention obtains a workspace client). kNoWorkspace when no Databricks host
// is configured anywhere (provider block, environment, ~/.databrickscfg);
// kFailed when one is configured but the client cannot be built or a listing
// fails.
WorkspaceImageUses AskWorkspaceForImageUses(const framework::Context& ctx, const std::string& image_name,
                                            const std::vector<std::string>& probe_urls);

// The `repo:tag` / `repo@sha256:…` urls of retention entries, for probes.
std::vector<std::string> ProbeUrlsFor(const std::string& image_name, const std::vector<TagInfo>& tags,
                                      const std::vector<std::string>& entries);

// Plan side: removes what the workspace uses from `*entries` into
// `*protected_out` (entry → reason). Without an answer, every entry is held
// (moved to `*protected_out` with the reason) and a warning on `retention`
// says that in-use protection could not be checked — except when no
// workspace is configured and `require_workspace_check` is false: then the
// entries stay and the warning says they were not checked.
void HoldEntriesInUse(const WorkspaceImageUses& answer, bool require_workspace_check,
                      const std::vector<TagInfo>& tags, std::vector<std::string>* entries,
                      std::map<std::string, std::string>* protected_out, framework::Diagnostics& diagnostics);

// Apply side: the uses to re-check against, as ApplyRetention wants them:
// the workspace's answer, an empty set for an unconfigured workspace when
// `require_workspace_check` is false, else the error that stops deletion.
absl::StatusOr<ImageUses> UsesForApply(const WorkspaceImageUses& answer, bool require_workspace_check);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_IMAGE_IN_USE_H_
