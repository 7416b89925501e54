#include "clients/databricks/secrets_api.h"

#include "clients/databricks/json_fields.h"

namespace dcs::databricks {

absl::Status SecretsApi::CreateScope(const std::string& scope,
                                     const std::optional<std::string>& initial_manage_principal,
                                     const std::atomic<bool>* stop) {
  nlohmann::json body = {{"scope", scope}};
  Put(body, "initial_manage_principal", initial_manage_principal);
  return client_.Call("POST", "/api/2.0/secrets/scopes/create", body, stop, Retry::kOnce).status();
}

absl::StatusOr<std::vector<SecretScope>> SecretsApi::ListScopes(const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", "/api/2.0/secrets/scopes/list", nullptr, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::vector<SecretScope>>(*answer, "secrets/scopes/list", [](const nlohmann::json& j) {
    std::vector<SecretScope> out;
    for (const auto& s : j.value("scopes", nlohmann::json::array())) {
      out.push_back({s.at("name").get<std::string>(), s.value("backend_type", std::string())});
    }
    return out;
  });
}

absl::Status SecretsApi::DeleteScope(const std::string& scope, const std::atomic<bool>* stop) {
  return client_.Call("POST", "/api/2.0/secrets/scopes/delete", {{"scope", scope}}, stop, Retry::kIdempotent).status();
}

absl::Status SecretsApi::PutSecret(const std::string& scope, const std::string& key,
                                   const std::string& string_value, const std::atomic<bool>* stop) {
  nlohmann::json body = {{"scope", scope}, {"key", key}, {"string_value", string_value}};
  return client_.Call("POST", "/api/2.0/secrets/put", body, stop, Retry::kIdempotent).status();
}

absl::StatusOr<std::vector<SecretMetadata>> SecretsApi::ListSecrets(const std::string& scope,
                                                                    const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", "/api/2.0/secrets/list", {{"scope", scope}}, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::vector<SecretMetadata>>(*answer, "secrets/list", [](const nlohmann::json& j) {
    std::vector<SecretMetadata> out;
    for (const auto& s : j.value("secrets", nlohmann::json::array())) {
      out.push_back({s.at("key").get<std::string>(), s.value("last_updated_timestamp", int64_t{0})});
    }
    return out;
  });
}

absl::Status SecretsApi::DeleteSecret(const std::string& scope, const std::string& key,
                                      const std::atomic<bool>* stop) {
  return client_.Call("POST", "/api/2.0/secrets/delete", {{"scope", scope}, {"key", key}}, stop, Retry::kIdempotent).status();
}

}  // namespace dcs::databricks
