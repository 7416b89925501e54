// Clusters API calls and the typed status fields of answers.
#include "clients/databricks/clusters_api.h"

namespace dcs::databricks {
namespace {
constexpr char kPrefix[] = "/api/2.1/clusters/";
}  // namespace

void FromJson(const nlohmann::json& j, TerminationReason& v) {
  Get(j, "code", v.code);
  Get(j, "type", v.type);
  Get(j, "parameters", v.parameters);
}

const nlohmann::json& ClusterInfo::settings() const {
  auto spec = answer.find("spec");
  return spec != answer.end() && spec->is_object() ? *spec : answer;
}

void FromJson(const nlohmann::json& j, ClusterInfo& info) { FromJson(nlohmann::json(j), info); }

void FromJson(nlohmann::json&& j, ClusterInfo& info) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a cluster is not an object", nullptr);
  info.cluster_id = j.value("cluster_id", std::string());
  info.state = j.value("state", std::string());
  Get(j, "state_message", info.state_message);
  Get(j, "creator_user_name", info.creator_user_name);
  Get(j, "cluster_source", info.cluster_source);
  Get(j, "default_tags", info.default_tags);
  Get(j, "start_time", info.start_time);
  Get(j, "terminated_time", info.terminated_time);
  Get(j, "termination_reason", info.termination_reason);
  // Last: the typed fields above were read from it.
  info.answer = std::move(j);
}

absl::StatusOr<std::string> ClustersApi::Create(const nlohmann::json& spec, const std::atomic<bool>* stop) {
  auto token = spec.find("idempotency_token");
  const bool has_token = token != spec.end() && token->is_string() && !token->get<std::string>().empty();
  auto answer = client_.Call("POST", std::string(kPrefix) + "create", spec, stop,
                             has_token ? Retry::kIdempotent : Retry::kOnce);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::string>(*answer, "clusters/create", [](const nlohmann::json& j) {
    return j.at("cluster_id").get<std::string>();
  });
}

absl::Status ClustersApi::Edit(const std::string& cluster_id, const nlohmann::json& spec,
                               const std::atomic<bool>* stop) {
  nlohmann::json body = spec.is_object() ? spec : nlohmann::json::object();
  body["cluster_id"] = cluster_id;
  return client_.Call("POST", std::string(kPrefix) + "edit", body, stop, Retry::kIdempotent).status();
}

absl::StatusOr<ClusterInfo> ClustersApi::Get(const std::string& cluster_id, const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "get", {{"cluster_id", cluster_id}}, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<ClusterInfo>(std::move(*answer), "clusters/get", [](nlohmann::json&& j) {
    ClusterInfo info;
    FromJson(std::move(j), info);
    return info;
  });
}

absl::StatusOr<std::vector<ClusterInfo>> ClustersApi::List(const std::atomic<bool>* stop) {
  std::vector<ClusterInfo> all;
  nlohmann::json query = {{"page_size", 100}};
  for (int page = 0; page < 10000; ++page) {
    auto answer = client_.Call("GET", std::string(kPrefix) + "list", query, stop, Retry::kIdempotent);
    if (!answer.ok()) return answer.status();
    auto token = ParseAnswer<std::string>(std::move(*answer), "clusters/list", [&](nlohmann::json&& j) {
      if (auto clusters = j.find("clusters"); clusters != j.end()) {
        for (auto& c : *clusters) FromJson(std::move(c), all.emplace_back());
      }
      return j.value("next_page_token", std::string());
    });
    if (!token.ok()) return token.status();
    if (token->empty()) break;
    query["page_token"] = *token;
  }
  return all;
}

absl::Status ClustersApi::Post(const char* path, const std::string& cluster_id, const std::atomic<bool>* stop) {
  return client_.Call("POST", std::string(kPrefix) + path, {{"cluster_id", cluster_id}}, stop, Retry::kIdempotent).status();
}

absl::Status ClustersApi::Delete(const std::string& id, const std::atomic<bool>* stop) {
  return Post("delete", id, stop);
}
absl::Status ClustersApi::PermanentDelete(const std::string& id, const std::atomic<bool>* stop) {
  return Post("permanent-delete", id, stop);
}
absl::Status ClustersApi::Start(const std::string& id, const std::atomic<bool>* stop) {
  return Post("start", id, stop);
}

}  // namespace dcs::databricks
