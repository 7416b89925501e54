// Tag retention for dcs_image through the registry API (any OCI / Registry v2
// server): which tags of a repository go, and deleting them by digest.
//
// Generic registries expose no push time, so "newest" is the image creation
// time from each manifest's config blob (`created`); manifests without one
// (indexes) sort as oldest-known and are never chosen by age. A registry v2
// DELETE removes a manifest with every tag on it, so a tag is only deleted
// when no surviving tag points at the same digest.
#ifndef DCS_RESOURCES_IMAGE_RETENTION_H_
#define DCS_RESOURCES_IMAGE_RETENTION_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/registry/registry_client.h"

namespace dcs::resources {

struct RetentionSpec {
  std::optional<int64_t> keep_last;     // keep the N newest matching tags
  std::string tag_filter;               // full-match regex; "" = every tag
  std::optional<int64_t> max_age_days;  // only delete tags older than this
  std::vector<std::string> protect;     // tags or full-match regexes never deleted
  bool delete_untagged = false;
  // Hold deletions when no Databricks workspace is configured to ask which
  // images are in use (see image_in_use.h).
  bool require_workspace_check = true;
};

struct TagInfo {
  std::string tag;
  std::string digest;
  std::optional<std::chrono::system_clock::time_point> created;
};

// What references images of one repository from outside the registry (a
// Databricks workspace): tag → reasons, "sha256:…" → reasons. A reason is a
// sentence such as "cluster 0123-… (TERMINATED) uses tag v1".
struct ImageUses {
  std::map<std::string, std::vector<std::string>> tags, digests;
  bool empty() const { return tags.empty() && digests.empty(); }
};

// Removes from `entries` (tags, or "sha256:…") every entry that would delete
// an image in use: a tag in use, a manifest in use by digest, or a manifest
// an in-use tag points at (a registry deletes a manifest with all its tags).
// `tags` maps tags to digests. Each removed entry goes into `*protected_out`
// with its reasons joined by "; ". Returns the remaining entries in order.
std::vector<std::string> ProtectInUse(const std::vector<TagInfo>& tags, const std::vector<std::string>& entries,
                                      const ImageUses& uses, std::map<std::string, std::string>* protected_out);

// Pure selection (unit-tested): the tags to delete, oldest first. `own_tags`
// are always protected. A tag is dropped from the result when a kept tag
// shares its digest. Errors: InvalidArgument for a bad regex.
absl::StatusOr<std::vector<std::string>> SelectTagsToDelete(
    const std::vector<TagInfo>& tags, const RetentionSpec& spec,
    const std::set<std::string>& own_tags, std::chrono::system_clock::time_point now);

// Reads every tag of `repository` with its digest and creation time (a
// missing repository is no tags).
absl::StatusOr<std::vector<TagInfo>> ReadTags(const registry::RegistryClient& client,
                                              const std::string& repository);

// The planned deletions: tags from SelectTagsToDelete, plus `untagged`
// digests (manifests this resource pushed before) that no other tag points at
// when spec.delete_untagged (the own tags are about to move, so they do not count).
// Entries: a tag, or "sha256:…" for a manifest. `tags_read` (optional)
// receives the tags with their digests as read, for ProtectInUse.
absl::StatusOr<std::vector<std::string>> PlanRetention(const registry::RegistryClient& client,
                                                       const std::string& repository,
                                                       const RetentionSpec& spec,
                                                       const std::set<std::string>& own_tags,
                                                       const std::vector<std::string>& untagged,
                                                       std::vector<TagInfo>* tags_read = nullptr);

// Asked by ApplyRetention, only when something is about to be deleted, for
// what is in use now (given the repository's tags as just read). An error
// stops retention before any deletion.
using UsesNow = std::function<absl::StatusOr<ImageUses>(const std::vector<TagInfo>& tags)>;

// Deletes the planned entries, re-checking each against the registry now: an
// entry whose digest a remaining tag (or one of `own_tags`) points at is
// skipped and reported in `skipped`; with `uses_now`, an entry in use now
// (ProtectInUse) is skipped and reported in `*protected_out`. Nothing but
// `entries` is ever deleted. Deleted-already is not an error. Errors: the
// registry's, or that of `uses_now` (then nothing was deleted).
absl::Status ApplyRetention(const registry::RegistryClient& client, const std::string& repository,
                            const std::vector<std::string>& entries,
                            const std::set<std::string>& own_tags,
                            std::vector<std::string>* skipped, const UsesNow& uses_now = nullptr,
                            std::map<std::string, std::string>* protected_out = nullptr);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_IMAGE_RETENTION_H_
