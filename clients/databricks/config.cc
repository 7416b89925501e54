// ResolveConfig: explicit > environment > ~/.databrickscfg profile.
#include "clients/databricks/config.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/http/text.h"

namespace dcs::databricks {
namespace {

namespace text = dcs::http::text;
using Values = std::map<std::string, std::string>;

struct Attr {
  const char* key;                               // config-file key and attribute name
  const char* env;                               // environment variable, or nullptr
  std::optional<std::string> Config::*member;    // explicit string field, or nullptr
  bool credential;                               // host or an auth attribute
};

constexpr Attr kAttrs[] = {
    {"host", "DATABRICKS_HOST", &Config::host, true},
    {"token", "DATABRICKS_TOKEN", &Config::token, true},
    {"client_id", "DATABRICKS_CLIENT_ID", &Config::client_id, true},
    {"client_secret", "DATABRICKS_CLIENT_SECRET", &Config::client_secret, true},
    {"azure_client_id", "ARM_CLIENT_ID", &Config::azure_client_id, true},
    {"azure_client_secret", "ARM_CLIENT_SECRET", &Config::azure_client_secret, true},
    {"azure_tenant_id", "ARM_TENANT_ID", &Config::azure_tenant_id, true},
    {"azure_authority_url", "ARM_ENVIRONMENT_AUTHORITY_URL", &Config::azure_authority_url, false},
    {"auth_type", "DATABRICKS_AUTH_TYPE", &Config::auth_type, false},
    {"azure_use_msi", "ARM_USE_MSI", &Config::azure_use_msi, true},
    {"azure_msi_endpoint", "ARM_MSI_ENDPOINT", &Config::azure_msi_endpoint, false},
    {"azure_workspace_resource_id", "DATABRICKS_AZURE_RESOURCE_ID", &Config::azure_workspace_resource_id, true},
    {"azure_subscription_id", "ARM_SUBSCRIPTION_ID", &Config::azure_subscription_id, false},
    {"audience", "DATABRICKS_TOKEN_AUDIENCE", &Config::audience, false},
    {"oidc_token_env", "DATABRICKS_OIDC_TOKEN_ENV", &Config::oidc_token_env, false},
    {"databricks_id_token_filepath", "DATABRICKS_OIDC_TOKEN_FILEPATH", &Config::oidc_token_filepath, true},
    {"actions_id_token_request_url", "ACTIONS_ID_TOKEN_REQUEST_URL", nullptr, true},
    {"actions_id_token_request_token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", nullptr, true},
    {"azure_use_oidc", "ARM_USE_OIDC", &Config::azure_use_oidc, true},
    {"azure_oidc_token", "ARM_OIDC_TOKEN", nullptr, true},
    {"azure_oidc_token_file_path", "ARM_OIDC_TOKEN_FILE_PATH", &Config::azure_oidc_token_file_path, true},
    {"azure_oidc_request_url", "ARM_OIDC_REQUEST_URL", nullptr, true},
    {"azure_oidc_request_token", "ARM_OIDC_REQUEST_TOKEN", nullptr, true},
    {"databricks_cli_path", "DATABRICKS_CLI_PATH", &Config::databricks_cli_path, false},
    {"http_timeout_seconds", nullptr, nullptr, false},
    {"retry_timeout_seconds", nullptr, nullptr, false},
    {"rate_limit", "DATABRICKS_RATE_LIMIT", nullptr, false},
    {"skip_verify", nullptr, nullptr, false},
};

Values ExplicitValues(const Config& c) {
  Values v;
  for (const Attr& a : kAttrs) {
    if (a.member != nullptr && (c.*a.member).has_value() && !(c.*a.member)->empty()) {
      v[a.key] = *(c.*a.member);
    }
  }
  if (c.http_timeout_seconds) v["http_timeout_seconds"] = std::to_string(*c.http_timeout_seconds);
  if (c.retry_timeout_seconds) v["retry_timeout_seconds"] = std::to_string(*c.retry_timeout_seconds);
  if (c.rate_limit) v["rate_limit"] = absl::StrCat(*c.rate_limit);  // shortest exact form: 1e-300 stays 1e-300
  if (c.skip_verify) v["skip_verify"] = "true";
  return v;
}

Values EnvValues(const Getenv& getenv) {
  Values v;
  for (const Attr& a : kAttrs) {
    if (a.env == nullptr) continue;
    auto value = getenv(a.env);
    if (value && !value->empty()) v[a.key] = *value;
  }
  return v;
}

bool HasCredentialOrHost(const Values& v) {
  for (const Attr& a : kAttrs) {
    if (a.credential && v.count(a.key)) return true;
  }
  return false;
}

// Parses INI text into section -> key -> value.
std::map<std::string, Values> ParseIni(const std::string& content) {
  std::map<std::string, Values> sections;
  std::string section;
  std::istringstream in(content);
  for (std::string raw; std::getline(in, raw);) {
    std::string_view line = text::Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(text::Trim(line.substr(1, line.size() - 2)));
      sections[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = text::Trim(line.substr(eq + 1));
    for (size_t i = 1; i < value.size(); ++i) {  // inline comment after whitespace
      if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value = text::Trim(value.substr(0, i));
        break;
      }
    }
    sections[section][std::string(text::Trim(line.substr(0, eq)))] = std::string(value);
  }
  return sections;
}

struct FileResult {
  Values values;
  std::string description;  // e.g. "profile DEFAULT in /h/.databrickscfg"
  std::string note;         // why it contributed nothing
};

absl::StatusOr<FileResult> ReadProfile(const std::string& path, const std::optional<std::string>& named,
                                       bool path_explicit) {
  FileResult r;
  std::ifstream file(path);
  if (!file) {
    if (named || path_explicit) {
      return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be read",
                                              named ? " (profile " + *named + " was requested)" : ""));
    }
    r.note = "config file " + path + " not found";
    return r;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  auto sections = ParseIni(buffer.str());
  std::string profile = named.value_or("");
  if (profile.empty()) {
    auto settings = sections.find("__settings__");
    profile = "DEFAULT";
    if (settings != sections.end() && settings->second.count("default_profile")) {
      profile = settings->second["default_profile"];
    }
  }
  auto it = sections.find(profile);
  if (it == sections.end() || profile == "__settings__") {
    if (named) return absl::NotFoundError(absl::StrCat("profile ", profile, " not found in ", path));
    r.note = absl::StrCat("config file ", path, " has no profile ", profile);
    return r;
  }
  r.values = it->second;
  r.description = absl::StrCat("profile ", profile, " in ", path);
  return r;
}

// The settings after merging, with where each came from.
struct Merged {
  Values values;
  std::map<std::string, std::string> from;
};

Merged Merge(const Values& explicit_values, const Values& env, const FileResult& file) {
  Merged m;
  for (const Attr& a : kAttrs) {
    if (auto it = explicit_values.find(a.key); it != explicit_values.end()) {
      m.values[a.key] = it->second;
      m.from[a.key] = "provider configuration";
    } else if (auto e = env.find(a.key); e != env.end()) {
      m.values[a.key] = e->second;
      m.from[a.key] = absl::StrCat("environment (", a.env, ")");
    } else if (auto f = file.values.find(a.key); f != file.values.end() && !f->second.empty()) {
      m.values[a.key] = f->second;
      m.from[a.key] = file.description;
    }
  }
  return m;
}

// "host, token" — names of the host/auth attributes a source provided, as
// attribute names or as the environment variables that set them.
enum class NameAs { kAttribute, kEnvironmentVariable };
std::string Provided(const Values& v, NameAs name_as) {
  std::vector<std::string> names;
  for (const Attr& a : kAttrs) {
    if (a.credential && v.count(a.key)) names.push_back(name_as == NameAs::kEnvironmentVariable ? a.env : a.key);
  }
  return names.empty() ? "nothing" : absl::StrJoin(names, ", ");
}

std::string WhatIsMissing(const Values& v) {
  auto has = [&](const char* k) { return v.count(k) > 0; };
  const bool creds = has("token") || (has("client_id") && has("client_secret")) ||
                     (has("azure_client_id") && has("azure_client_secret") && has("azure_tenant_id"));
  if (has("host") && creds) return "";
  std::vector<std::string> missing;
  if (!has("host")) missing.push_back("host (DATABRICKS_HOST)");
  if (has("client_id") != has("client_secret")) {
    missing.push_back(has("client_id") ? "client_secret (DATABRICKS_CLIENT_SECRET) for OAuth M2M"
                                       : "client_id (DATABRICKS_CLIENT_ID) for OAuth M2M");
  }
  int azure = has("azure_client_id") + has("azure_client_secret") + has("azure_tenant_id");
  if (azure > 0 && azure < 3) {
    missing.push_back("the full azure_client_id / azure_client_secret / azure_tenant_id triple "
                      "(ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID) for an Azure service principal");
  }
  if (!has("token") && !(has("client_id") && has("client_secret")) && azure != 3) {
    missing.push_back("credentials: token (DATABRICKS_TOKEN), or client_id + client_secret, or "
                      "azure_client_id + azure_client_secret + azure_tenant_id");
  }
  return absl::StrJoin(missing, "; ");
}

absl::Status ParseNumbers(const Values& v, ResolvedConfig& out) {
  // Bounds as in the provider schema; rate_limit 0 means "no limit".
  auto number = [&](const char* key, auto& field, double min, double max) -> absl::Status {
    auto it = v.find(key);
    if (it == v.end()) return absl::OkStatus();
    char* end = nullptr;
    double d = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0' || !std::isfinite(d) || d < min || d > max) {
      return absl::InvalidArgumentError(absl::StrCat(key, " must be a number from ", min, " to ", max, ", got \"",
                                                     it->second, "\""));
    }
    // In range, so the conversion to an int field is defined behaviour.
    field = static_cast<std::remove_reference_t<decltype(field)>>(d);
    return absl::OkStatus();
  };
  for (auto st : {number("http_timeout_seconds", out.http_timeout_seconds, 1, 3600),
                  number("retry_timeout_seconds", out.retry_timeout_seconds, 0, 86400),
                  number("rate_limit", out.rate_limit, 0, 1e6)}) {
    if (!st.ok()) return st;
  }
  // A positive rate below one request per 100 s would turn into an absurd
  // (overflowing) spacing between requests: only 0 (off) or >= 0.01.
  if (out.rate_limit > 0 && out.rate_limit < 0.01) {
    return absl::InvalidArgumentError(absl::StrCat("rate_limit must be 0 (no limit) or at least 0.01 requests per "
                                                   "second, got \"", v.at("rate_limit"), "\""));
  }
  if (auto it = v.find("skip_verify"); it != v.end()) out.skip_verify = text::EqualsIgnoreCase(it->second, "true");
  return absl::OkStatus();
}

std::string Sources(const Merged& m) {
  std::vector<std::string> parts;
  for (const auto& [key, from] : m.from) parts.push_back(key + ": " + from);
  return absl::StrJoin(parts, "; ");
}

}  // namespace

bool IsAuthType(std::string_view name) {
  for (const char* t : kAuthTypes) {
    if (name == t) return true;
  }
  return false;
}

std::string AuthTypeList() { return absl::StrJoin(kAuthTypes, ", "); }

std::string NormalizeHost(std::string_view host) {
  std::string h(text::Trim(host));
  while (!h.empty() && h.back() == '/') h.pop_back();
  if (!h.empty() && h.find("://") == std::string::npos) h = "https://" + h;
  return h;
}

Getenv ProcessGetenv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<ResolvedConfig> ResolveConfig(const Config& explicit_config, const Getenv& getenv,
                                             std::string_view home_dir, HostRequirement host_requirement) {
  const Values explicit_values = ExplicitValues(explicit_config);
  const Values env = EnvValues(getenv);
  std::optional<std::string> profile = explicit_config.profile;
  if (!profile || profile->empty()) profile = getenv("DATABRICKS_CONFIG_PROFILE");
  if (profile && profile->empty()) profile.reset();
  std::optional<std::string> path = explicit_config.config_file;
  if (!path || path->empty()) path = getenv("DATABRICKS_CONFIG_FILE");
  const bool path_explicit = path && !path->empty();
  if (!path_explicit) path = std::string(home_dir) + "/.databrickscfg";

  FileResult file;
  if (!profile && (HasCredentialOrHost(explicit_values) || HasCredentialOrHost(env))) {
    file.note = "config file " + *path + " not read (settings already given and no profile named)";
  } else {
    auto read = ReadProfile(*path, profile, path_explicit);
    if (!read.ok()) return read.status();
    file = std::move(*read);
  }
  Merged m = Merge(explicit_values, env, file);
  // Without a host nothing can work; with one, which credential applies is
  // the chain's decision (it may come from a CLI, a managed identity or a
  // federated token that no setting here names).
  std::string missing = m.values.count("host") || host_requirement == HostRequirement::kOptional ? "" : WhatIsMissing(m.values);
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot configure Databricks authentication; missing ", missing, ". Tried: provider configuration (",
        Provided(explicit_values, NameAs::kAttribute), "); environment (", Provided(env, NameAs::kEnvironmentVariable), "); ",
        file.description.empty() ? file.note : file.description + " (" + Provided(file.values, NameAs::kAttribute) + ")",
        ". Set host and one credential set in the provider block, the environment or a profile."));
  }
  ResolvedConfig out;
  auto get = [&](const char* k) { return m.values.count(k) ? m.values.at(k) : std::string(); };
  out.host = NormalizeHost(get("host"));
  out.token = get("token");
  out.client_id = get("client_id");
  out.client_secret = get("client_secret");
  out.azure_client_id = get("azure_client_id");
  out.azure_client_secret = get("azure_client_secret");
  out.azure_tenant_id = get("azure_tenant_id");
  if (!get("azure_authority_url").empty()) {
    out.azure_authority_url = NormalizeHost(get("azure_authority_url"));
  } else if (auto authority = getenv("AZURE_AUTHORITY_HOST"); authority && !authority->empty()) {
    out.azure_authority_url = NormalizeHost(*authority);
  }
  out.auth_type = get("auth_type");
  if (!out.auth_type.empty() && !IsAuthType(out.auth_type)) {
    return absl::InvalidArgumentError(absl::StrCat("auth_type \"", out.auth_type, "\" (", m.from["auth_type"],
                                                   ") is not a method dcs knows; use one of: ", AuthTypeList()));
  }
  auto truthy = [&](const char* k) {
    return text::EqualsIgnoreCase(get(k), "true") || get(k) == "1";
  };
  out.azure_use_msi = truthy("azure_use_msi");
  out.azure_msi_endpoint = get("azure_msi_endpoint");
  out.azure_workspace_resource_id = get("azure_workspace_resource_id");
  out.azure_subscription_id = get("azure_subscription_id");
  if (out.azure_subscription_id.empty()) {
    // /subscriptions/<id>/resourceGroups/…/workspaces/<name>, as the SDKs read it.
    std::string_view id = out.azure_workspace_resource_id;
    constexpr std::string_view kPrefix = "/subscriptions/";
    if (id.substr(0, kPrefix.size()) == kPrefix) {
      id.remove_prefix(kPrefix.size());
      out.azure_subscription_id = std::string(id.substr(0, id.find('/')));
    }
  }
  out.audience = get("audience");
  out.oidc_token_env = get("oidc_token_env");
  out.oidc_token_filepath = get("databricks_id_token_filepath");
  out.actions_id_token_request_url = get("actions_id_token_request_url");
  out.actions_id_token_request_token = get("actions_id_token_request_token");
  out.azure_use_oidc = truthy("azure_use_oidc");
  out.azure_oidc_token = get("azure_oidc_token");
  out.azure_oidc_token_file_path = get("azure_oidc_token_file_path");
  out.azure_oidc_request_url = get("azure_oidc_request_url");
  out.azure_oidc_request_token = get("azure_oidc_request_token");
  out.databricks_cli_path = get("databricks_cli_path");
  if (auto st = ParseNumbers(m.values, out); !st.ok()) return st;
  out.sources = Sources(m);
  out.config_file_note = file.note;
  return out;
}

}  // namespace dcs::databricks
