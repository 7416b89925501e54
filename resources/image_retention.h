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
};

struct TagInfo {
  std::string tag;
  std::string digest;
  std::optional<std::chrono::system_clock::time_point> created;
};

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
// Entries: a tag, or "sha256:…" for a manifest.
absl::StatusOr<std::vector<std::string>> PlanRetention(const registry::RegistryClient& client,
                                                       const std::string& repository,
                                                       const RetentionSpec& spec,
                                                       const std::set<std::string>& own_tags,
                                                       const std::vector<std::string>& untagged);

// Deletes the planned entries, re-checking each against the registry now: an
// entry whose digest a remaining tag (or one of `own_tags`) points at is
// skipped and reported in `skipped`. Deleted-already is not an error.
absl::Status ApplyRetention(const registry::RegistryClient& client, const std::string& repository,
                            const std::vector<std::string>& entries,
                            const std::set<std::string>& own_tags,
                            std::vector<std::string>* skipped);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_IMAGE_RETENTION_H_
