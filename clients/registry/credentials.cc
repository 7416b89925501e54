#include "clients/registry/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/http/text.h"
#include "clients/registry/registry_util.h"

extern char** environ;

namespace dcs::registry {
namespace {

constexpr char kHubKey[] = "https://index.docker.io/v1/";

// "https://host:port/v1/" -> "host:port".
std::string HostOf(std::string key) {
  if (size_t p = key.find("://"); p != std::string::npos) key = key.substr(p + 3);
  return key.substr(0, key.find('/'));
}

absl::StatusOr<Credentials> FromAuthEntry(const nlohmann::json& e, const std::string& key) {
  Credentials c;
  if (e.contains("auth") && e["auth"].is_string() && !e["auth"].get<std::string>().empty()) {
    std::string decoded;
    if (!absl::Base64Unescape(e["auth"].get<std::string>(), &decoded)) {
      return absl::InvalidArgumentError(
          absl::StrCat("docker config: the \"auth\" of ", key, " is not valid base64"));
    }
    while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("docker config: the \"auth\" of ", key, " is not user:password"));
    }
    c.username = decoded.substr(0, colon);
    c.password = decoded.substr(colon + 1);
  } else {
    c.username = internal::StringField(e, "username", "");
    c.password = internal::StringField(e, "password", "");
  }
  c.identity_token = internal::StringField(e, "identitytoken", "");
  return c;
}

}  // namespace

std::string CredentialKey(const std::string& host) {
  if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io") {
    return kHubKey;
  }
  return host;
}

absl::StatusOr<HelperOutput> RunHelper(const std::string& program, const std::string& input) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return absl::InternalError("pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    return absl::NotFoundError(absl::StrCat("cannot run credential helper ", program, ": ",
                                            std::strerror(rc), " (is it on PATH?)"));
  }
  (void)!write(in[1], input.data(), input.size());
  close(in[1]);
  HelperOutput result;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) result.out.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

std::string CredentialStore::DefaultConfigPath() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) {
    return absl::StrCat(dir, "/config.json");
  }
  const char* home = std::getenv("HOME");
  return absl::StrCat(home ? home : "", "/.docker/config.json");
}

CredentialStore CredentialStore::FromJson(nlohmann::json config, HelperRunner runner) {
  CredentialStore s;
  s.config_ = config.is_object() ? std::move(config) : nlohmann::json::object();
  s.runner_ = std::move(runner);
  return s;
}

absl::StatusOr<CredentialStore> CredentialStore::Load(const std::string& path,
                                                      HelperRunner runner) {
  std::ifstream in(path);
  if (!in) return FromJson(nlohmann::json::object(), std::move(runner));
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("docker config ", path, " is not a JSON object"));
  }
  return FromJson(std::move(j), std::move(runner));
}

std::optional<nlohmann::json> CredentialStore::FindAuthEntry(const std::string& key) const {
  if (!config_.contains("auths") || !config_["auths"].is_object()) return std::nullopt;
  const auto& auths = config_["auths"];
  if (auths.contains(key) && auths[key].is_object()) return auths[key];
  const std::string host = HostOf(key);
  for (const auto& [k, v] : auths.items()) {
    if (HostOf(k) == host && v.is_object()) return v;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Credentials>> CredentialStore::FromHelper(
    const std::string& helper, const std::string& key) const {
  auto r = runner_("docker-credential-" + helper, key);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    if (r->out.find("credentials not found") != std::string::npos) return std::nullopt;
    return absl::InternalError(absl::StrCat("credential helper docker-credential-", helper,
                                            " failed for ", key, ": ", http::text::Utf8Prefix(r->out, 200)));
  }
  auto j = nlohmann::json::parse(r->out, nullptr, false);
  if (!j.is_object()) {
    return absl::InternalError(
        absl::StrCat("credential helper docker-credential-", helper, " printed no JSON"));
  }
  Credentials c;
  c.username = internal::StringField(j, "Username", "");
  const std::string secret = internal::StringField(j, "Secret", "");
  if (c.username == "<token>") {
    c.username.clear();
    c.identity_token = secret;
  } else {
    c.password = secret;
  }
  if (c.empty()) return std::nullopt;
  return c;
}

absl::StatusOr<std::optional<Credentials>> CredentialStore::Lookup(const std::string& host) const {
  const std::string key = CredentialKey(host);
  if (config_.contains("credHelpers") && config_["credHelpers"].is_object() &&
      config_["credHelpers"].contains(key) && config_["credHelpers"][key].is_string()) {
    return FromHelper(config_["credHelpers"][key].get<std::string>(), key);
  }
  if (config_.contains("credsStore") && config_["credsStore"].is_string() &&
      !config_["credsStore"].get<std::string>().empty()) {
    return FromHelper(config_["credsStore"].get<std::string>(), key);
  }
  std::optional<nlohmann::json> entry = FindAuthEntry(key);
  if (!entry) return std::nullopt;
  auto c = FromAuthEntry(*entry, key);
  if (!c.ok()) return c.status();
  if (c->empty()) return std::nullopt;
  return *c;
}

}  // namespace dcs::registry
