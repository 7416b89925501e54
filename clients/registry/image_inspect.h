// What a registry says about one image without downloading a layer: the
// manifest (following an index / manifest list to one platform) and the
// image config blob (entrypoint, environment, labels, platform). A few
// kilobytes per image; used by the plan-time image preflight.
#ifndef DCS_CLIENTS_REGISTRY_IMAGE_INSPECT_H_
#define DCS_CLIENTS_REGISTRY_IMAGE_INSPECT_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/registry/registry_client.h"

namespace dcs::registry {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;  // "" = any
  std::string String() const;  // "linux/amd64[/v8]"
};

// The parts of an image config (OCI image-spec "config") that matter before a
// container starts.
struct ImageConfig {
  Platform platform;                        // os / architecture / variant of the config
  std::vector<std::string> entrypoint;      // config.Entrypoint
  std::vector<std::string> cmd;             // config.Cmd
  std::map<std::string, std::string> env;   // config.Env, split at the first '='
  std::map<std::string, std::string> labels;  // config.Labels
};

struct InspectedImage {
  std::string digest;        // of what the reference names (the index, if it is one)
  std::string media_type;
  std::string image_digest;  // of the platform's image manifest (== digest without an index)
  ImageConfig config;
};

// The largest config blob read (the limit is also the HTTP read cap).
inline constexpr size_t kMaxConfigBytes = 4 << 20;

// GET manifest `reference` of `repository`; an index / manifest list is
// resolved to `want` (GET of that entry), then the config blob is read.
// Errors (from the registry client, plus):
//   NotFound            the manifest (tag or digest) or repository does not exist
//   Unauthenticated /   the credentials were refused / lack pull
//   PermissionDenied
//   FailedPrecondition  an index without `want` (the message lists what it offers),
//                       or a manifest kind that has no config (schema 1)
//   OutOfRange          a config larger than `max_config_bytes` (refused from the
//                       descriptor's size when it says so, else the read is cut)
//   DataLoss            HTML / non-JSON answers, a config that is not JSON
//   Unavailable         5xx, connection failures
absl::StatusOr<InspectedImage> InspectImage(const RegistryClient& client, const std::string& repository,
                                            const std::string& reference, const Platform& want,
                                            size_t max_config_bytes = kMaxConfigBytes);

// Parses an image config blob. Errors: DataLoss when it is not a JSON object.
absl::StatusOr<ImageConfig> ParseImageConfig(std::string_view blob);

// Levenshtein distance (bytes).
size_t EditDistance(std::string_view a, std::string_view b);
// Up to `n` of `tags` nearest to `wanted` by edit distance (ties by name).
std::vector<std::string> NearestTags(const std::vector<std::string>& tags, std::string_view wanted, size_t n);

}  // namespace dcs::registry

#endif  // DCS_CLIENTS_REGISTRY_IMAGE_INSPECT_H_
