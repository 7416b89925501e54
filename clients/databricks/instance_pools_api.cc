// Instance Pools API calls.
#include "clients/databricks/instance_pools_api.h"

#include "clients/databricks/json_fields.h"

namespace dcs::databricks {
namespace {
constexpr char kPrefix[] = "/api/2.0/instance-pools/";
}  // namespace

absl::StatusOr<std::string> InstancePoolsApi::Create(const nlohmann::json& pool, const std::atomic<bool>* stop) {
  auto answer = client_.Call("POST", std::string(kPrefix) + "create", pool, stop, Retry::kOnce);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::string>(*answer, "instance-pools/create", [](const nlohmann::json& j) {
    return j.at("instance_pool_id").get<std::string>();
  });
}

absl::Status InstancePoolsApi::Edit(const std::string& id, const nlohmann::json& pool,
                                    const std::atomic<bool>* stop) {
  nlohmann::json body = pool.is_object() ? pool : nlohmann::json::object();
  body["instance_pool_id"] = id;
  return client_.Call("POST", std::string(kPrefix) + "edit", body, stop, Retry::kIdempotent).status();
}

absl::StatusOr<nlohmann::json> InstancePoolsApi::Get(const std::string& id, const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "get", {{"instance_pool_id", id}}, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<nlohmann::json>(std::move(*answer), "instance-pools/get",
                                     [](nlohmann::json&& j) { return std::move(j); });
}

absl::StatusOr<std::vector<nlohmann::json>> InstancePoolsApi::List(const std::atomic<bool>* stop) {
  auto answer = client_.Call("GET", std::string(kPrefix) + "list", nullptr, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<std::vector<nlohmann::json>>(std::move(*answer), "instance-pools/list", [](nlohmann::json&& j) {
    std::vector<nlohmann::json> pools;
    if (!j.contains("instance_pools")) return pools;
    if (!j.at("instance_pools").is_array()) {
      throw nlohmann::json::type_error::create(302, "instance_pools is not an array", nullptr);
    }
    for (auto& p : j.at("instance_pools")) {
      if (!p.is_object()) throw nlohmann::json::type_error::create(302, "a pool is not an object", nullptr);
      pools.push_back(std::move(p));
    }
    return pools;
  });
}

absl::Status InstancePoolsApi::Delete(const std::string& id, const std::atomic<bool>* stop) {
  return client_.Call("POST", std::string(kPrefix) + "delete", {{"instance_pool_id", id}}, stop, Retry::kIdempotent).status();
}

std::vector<std::string> PreloadedImageUrls(const nlohmann::json& pool) {
  std::vector<std::string> urls;
  auto images = pool.find("preloaded_docker_images");
  if (images == pool.end() || !images->is_array()) return urls;
  for (const auto& image : *images) {
    if (image.is_object() && image.contains("url") && image["url"].is_string()) urls.push_back(image["url"]);
  }
  return urls;
}

}  // namespace dcs::databricks
