#include "clients/azure/azure.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/http_status.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "clients/http/text.h"

namespace dcs::azure {
namespace {

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// A string field, "" when absent or of another type (value() would throw:
// fuzzer finding, {"id": 3599} escaped GetRegistry as an exception).
std::string StringField(const nlohmann::json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}

RegistryInfo ParseRegistry(const nlohmann::json& j) {
  RegistryInfo info;
  info.id = StringField(j, "id");
  if (j.contains("sku") && j["sku"].is_object()) info.sku = StringField(j["sku"], "name");
  if (j.contains("properties") && j["properties"].is_object()) {
    const auto& p = j["properties"];
    info.login_server = StringField(p, "loginServer");
    if (p.contains("policies") && p["policies"].is_object() && p["policies"].contains("retentionPolicy") &&
        p["policies"]["retentionPolicy"].is_object()) {
      const auto& r = p["policies"]["retentionPolicy"];
      if (r.contains("days") && r["days"].is_number_integer()) info.retention.days = r["days"].get<int64_t>();
      info.retention.enabled = absl::AsciiStrToLower(StringField(r, "status")) == "enabled";
    }
  }
  return info;
}

}  // namespace

absl::StatusOr<AzureConfig> ResolveAzureConfig(AzureConfig c, const Getenv& getenv_in) {
  const Getenv getenv = getenv_in ? getenv_in : Getenv([](const char* n) { return std::getenv(n); });
  auto fill = [&](std::string& field, const char* var) {
    if (!field.empty()) return;
    const char* v = getenv(var);
    if (v) field = v;
  };
  fill(c.client_id, "ARM_CLIENT_ID");
  fill(c.client_secret, "ARM_CLIENT_SECRET");
  fill(c.tenant_id, "ARM_TENANT_ID");
  if (c.authority.empty() || c.authority == kDefaultAuthority) {
    c.authority.clear();
    fill(c.authority, "AZURE_AUTHORITY_HOST");
    if (c.authority.empty()) c.authority = kDefaultAuthority;
  }
  if (c.resource_manager.empty() || c.resource_manager == kDefaultResourceManager) {
    c.resource_manager.clear();
    fill(c.resource_manager, "ARM_RESOURCE_MANAGER_ENDPOINT");
    if (c.resource_manager.empty()) c.resource_manager = kDefaultResourceManager;
  }
  c.authority = TrimSlash(c.authority);
  c.resource_manager = TrimSlash(c.resource_manager);
  std::vector<std::string> missing;
  if (c.client_id.empty()) missing.push_back("azure_client_id / ARM_CLIENT_ID");
  if (c.client_secret.empty()) missing.push_back("azure_client_secret / ARM_CLIENT_SECRET");
  if (c.tenant_id.empty()) missing.push_back("azure_tenant_id / ARM_TENANT_ID");
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Azure service principal credentials are incomplete: set ", absl::StrJoin(missing, ", ")));
  }
  dcs::log::RegisterSecret(c.client_secret);
  return c;
}

absl::Status ArmError(const http::Response& r, const std::string& what) {
  std::string code, message;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  // A field of the wrong type is ignored (value() would throw).
  const auto text_of = [](const nlohmann::json& o, const char* key) {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
  };
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    code = text_of(j["error"], "code");
    message = text_of(j["error"], "message");
  } else if (j.is_object() && j.contains("error") && j["error"].is_string()) {  // Entra (OAuth2)
    code = j["error"].get<std::string>();
    message = text_of(j, "error_description");
  } else {
    message = http::text::Utf8Prefix(r.body, 300);  // cut at a character boundary
  }
  const std::string text = absl::StrCat(what, " failed (HTTP ", r.status, code.empty() ? "" : ", " + code,
                                        "): ", message);
  return StatusForHttp(r.status, text);
}

std::string RegistryId::Path() const {
  return absl::StrCat("/subscriptions/", subscription, "/resourceGroups/", resource_group,
                      "/providers/Microsoft.ContainerRegistry/registries/", name);
}

absl::StatusOr<RegistryId> ParseRegistryId(const std::string& id) {
  std::vector<std::string> parts = absl::StrSplit(id, '/', absl::SkipEmpty());
  auto is = [](const std::string& a, const char* b) { return absl::AsciiStrToLower(a) == absl::AsciiStrToLower(b); };
  if (parts.size() != 8 || !is(parts[0], "subscriptions") || !is(parts[2], "resourceGroups") ||
      !is(parts[4], "providers") || !is(parts[5], "Microsoft.ContainerRegistry") || !is(parts[6], "registries")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", id, "\" is not a container registry resource id; expected /subscriptions/<id>/resourceGroups/",
        "<group>/providers/Microsoft.ContainerRegistry/registries/<name>"));
  }
  return RegistryId{parts[1], parts[3], parts[7]};
}

ArmClient::ArmClient(AzureConfig config, std::shared_ptr<http::Transport> transport, http::RetryPolicy retry)
    : resource_manager_(config.resource_manager),
      http_(std::make_shared<http::RetryingClient>(transport, retry)),
      credential_(NewClientSecretCredential(
          EntraOptions{.authority = config.authority, .tenant_id = config.tenant_id, .client_id = config.client_id,
                       .retry = retry},
          config.client_secret, transport, http::RealClock())) {}

ArmClient::ArmClient(std::shared_ptr<TokenCredential> credential, std::string resource_manager,
                     std::shared_ptr<http::Transport> transport, http::RetryPolicy retry)
    : resource_manager_(std::move(resource_manager)),
      http_(std::make_shared<http::RetryingClient>(std::move(transport), retry)),
      credential_(std::move(credential)) {
  while (!resource_manager_.empty() && resource_manager_.back() == '/') resource_manager_.pop_back();
}

absl::StatusOr<http::Response> ArmClient::Call(const std::string& method, const RegistryId& id,
                                               const std::string& body) {
  DCS_ASSIGN_OR_RETURN(std::string token, credential_->Token(resource_manager_ + "/.default", nullptr));
  http::Request req;
  req.method = method;
  req.url = absl::StrCat(resource_manager_, id.Path(), "?api-version=", kRegistryApiVersion);
  req.headers.emplace_back("Authorization", "Bearer " + token);
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
  }
  return http_->Send(req);
}

absl::StatusOr<RegistryInfo> ArmClient::GetRegistry(const RegistryId& id) {
  DCS_ASSIGN_OR_RETURN(http::Response r, Call("GET", id, ""));
  if (r.status != 200) return ArmError(r, absl::StrCat("GET registry ", id.name));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) return absl::DataLossError(absl::StrCat("GET registry ", id.name, ": answer is not JSON"));
  return ParseRegistry(j);
}

absl::StatusOr<RegistryInfo> ArmClient::SetRetentionPolicy(const RegistryId& id, const RetentionPolicy& p) {
  nlohmann::json body = {{"properties",
                          {{"policies",
                            {{"retentionPolicy", {{"days", p.days}, {"status", p.enabled ? "enabled" : "disabled"}}}}}}}};
  DCS_ASSIGN_OR_RETURN(http::Response r, Call("PATCH", id, body.dump()));
  if (r.status == 201 || r.status == 202) return GetRegistry(id);  // long-running: read back
  if (r.status != 200) return ArmError(r, absl::StrCat("PATCH registry ", id.name, " retention policy"));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) return GetRegistry(id);
  return ParseRegistry(j);
}

}  // namespace dcs::azure
