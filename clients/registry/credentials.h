// Registry credentials from the Docker CLI's configuration, when the caller
// gives none: $DOCKER_CONFIG/config.json (else ~/.docker/config.json).
//
// Lookup for a registry host H (the CLI's order):
//   1. credHelpers[H]         -> `docker-credential-<helper> get` with H on stdin
//   2. credsStore             -> `docker-credential-<store> get`
//   3. auths[H] ("auth" = base64 "user:password", or username/password,
//      identitytoken), else any auths key whose host part equals H
//      ("https://H/v1/").
// docker.io / index.docker.io / registry-1.docker.io use the Docker Hub key
// "https://index.docker.io/v1/". A helper answering "credentials not found"
// means no credentials; a helper user "<token>" means an identity token.
//
// Thread-safety: a CredentialStore is immutable; Lookup may run concurrently.
#ifndef DCS_CLIENTS_REGISTRY_CREDENTIALS_H_
#define DCS_CLIENTS_REGISTRY_CREDENTIALS_H_

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace dcs::registry {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth2 refresh token (replaces the password)
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// Runs `program` with `input` on stdin; returns {exit code, stdout}.
struct HelperOutput {
  int exit_code = 0;
  std::string out;
};
using HelperRunner =
    std::function<absl::StatusOr<HelperOutput>(const std::string& program, const std::string& input)>;

// Runs a program found on PATH (posix_spawnp), no shell involved.
absl::StatusOr<HelperOutput> RunHelper(const std::string& program, const std::string& input);

class CredentialStore {
 public:
  // Reads the config file; a missing file is an empty store. Errors:
  // InvalidArgument when the file is not valid JSON (the path is named).
  static absl::StatusOr<CredentialStore> Load(const std::string& config_path,
                                              HelperRunner runner = RunHelper);
  // The default path from DOCKER_CONFIG / HOME.
  static std::string DefaultConfigPath();
  static CredentialStore FromJson(nlohmann::json config, HelperRunner runner = RunHelper);

  // nullopt when nothing is configured for `host`. Errors: Internal when a
  // helper fails for another reason than "not found" (its output is quoted,
  // never a secret), InvalidArgument for an undecodable "auth".
  absl::StatusOr<std::optional<Credentials>> Lookup(const std::string& host) const;

 private:
  absl::StatusOr<std::optional<Credentials>> FromHelper(const std::string& helper,
                                                        const std::string& key) const;
  std::optional<nlohmann::json> FindAuthEntry(const std::string& key) const;
  nlohmann::json config_;
  HelperRunner runner_;
};

// "docker.io" & co. -> "https://index.docker.io/v1/", others unchanged.
std::string CredentialKey(const std::string& host);

}  // namespace dcs::registry

#endif  // DCS_CLIENTS_REGISTRY_CREDENTIALS_H_
