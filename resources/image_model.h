// dcs_image: schema and typed model (shared by image_resource.cc and its
// tests). The resource's behaviour is described in the schema description.
#ifndef DCS_RESOURCES_IMAGE_MODEL_H_
#define DCS_RESOURCES_IMAGE_MODEL_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "resources/image_retention.h"
#include "resources/provider_clients.h"
#include "sdk/cty/value.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

schema::Schema ImageSchema();

// What the configuration asks for (config or planned value).
struct ImageModel {
  std::string name;               // repository incl. registry, no tag
  std::vector<std::string> tags;  // first = primary
  std::string context;
  std::string dockerfile = "Dockerfile";
  std::string dockerfile_inline;
  std::map<std::string, std::string> build_args, labels, triggers;
  std::string target, platform, network_mode;
  bool no_cache = false, pull = false;
  bool keep_remotely = true;
  bool retention_dry_run = false;
  std::optional<RetentionSpec> retention;
  std::string builder;  // "buildkit", "classic" or "" (the engine's default)
  struct Secret {
    std::string id, value, env, file, version;
  };
  std::vector<Secret> secrets;
  std::vector<std::string> cache_from, cache_to;  // "type=registry,ref=...,..."  // `secret` blocks (value may be absent: write-only)
  ExplicitCredentials credentials;  // registry_auth (the password may be absent: write-only)
  std::string auth_address;         // registry_auth.address ("" = the name's registry)

  // The registry host and repository path of `name`.
  std::string Host() const;
  std::string RepositoryPath() const;
};

// Reads the model from a config/planned object. Unknown values read as empty.
ImageModel ImageModelFrom(const cty::Value& object);

// The build inputs hashed with the context (everything that reaches the
// build besides the files), in a fixed order.
std::vector<std::pair<std::string, std::string>> HashInputs(const ImageModel& m);

// "sha256:…" over the filtered context and HashInputs. Errors: those of
// buildcontext::ListContext (missing directory, bad .dockerignore, …).
absl::StatusOr<std::string> ComputeContextHash(const ImageModel& m);

// Returns `object` with the given attributes replaced.
cty::Value WithAttrs(const cty::Value& object, const std::map<std::string, cty::Value>& attrs);

// "sha256:…" of "name@sha256:…", or "".
std::string DigestOfRepoDigest(const std::string& repo_digest);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_IMAGE_MODEL_H_
