// Image references parsed the way Docker normalises them
// (distribution/reference): "alpine" -> docker.io/library/alpine:latest,
// "localhost:5000/app@sha256:..." -> domain localhost:5000, path app, digest.
#ifndef DCS_CLIENTS_REGISTRY_REFERENCE_H_
#define DCS_CLIENTS_REGISTRY_REFERENCE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dcs::registry {

inline constexpr char kDockerHubDomain[] = "docker.io";
inline constexpr char kDockerHubApiHost[] = "registry-1.docker.io";

struct Reference {
  std::string domain;  // "docker.io", "myreg.azurecr.io", "localhost:5000"
  std::string path;    // "library/alpine", "team/app"
  std::string tag;     // "latest" when neither tag nor digest was given
  std::string digest;  // "sha256:<64 hex>" or ""

  // "domain/path".
  std::string Repository() const { return domain + "/" + path; }
  // The host to talk to: registry-1.docker.io for docker.io, else domain.
  std::string ApiHost() const;
  // The reference for API calls: the digest if present, else the tag.
  const std::string& Ref() const { return digest.empty() ? tag : digest; }
  // Fully qualified: "domain/path[:tag][@digest]".
  std::string String() const;
};

// Errors: InvalidArgument with a message naming the problem ("repository
// name must be lowercase", "invalid tag", "invalid digest", "looks like an
// image ID", "repository name longer than 255 characters", ...).
absl::StatusOr<Reference> ParseReference(std::string_view text);

// Validates a tag alone ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}).
bool ValidTag(std::string_view tag);
// Validates "algorithm:hex" (sha256 needs exactly 64 lower-case hex).
bool ValidDigest(std::string_view digest);

}  // namespace dcs::registry

#endif  // DCS_CLIENTS_REGISTRY_REFERENCE_H_
