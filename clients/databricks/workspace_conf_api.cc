#include "clients/databricks/workspace_conf_api.h"

#include "absl/strings/str_join.h"

namespace dcs::databricks {

absl::StatusOr<StringMap> WorkspaceConfApi::Get(const std::vector<std::string>& keys,
                                                const std::atomic<bool>* stop) {
  if (keys.empty()) return absl::InvalidArgumentError("workspace-conf: no keys requested");
  auto answer = client_.Call("GET", "/api/2.0/workspace-conf", {{"keys", absl::StrJoin(keys, ",")}}, stop, Retry::kIdempotent);
  if (!answer.ok()) return answer.status();
  return ParseAnswer<StringMap>(*answer, "workspace-conf", [](const nlohmann::json& j) {
    StringMap out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.value().is_string()) {
        out[it.key()] = it.value().get<std::string>();
      } else if (!it.value().is_null()) {
        out[it.key()] = it.value().dump();
      }
    }
    return out;
  });
}

absl::Status WorkspaceConfApi::Set(const StringMap& values, const std::atomic<bool>* stop) {
  return client_.Call("PATCH", "/api/2.0/workspace-conf", nlohmann::json(values), stop, Retry::kIdempotent).status();
}

}  // namespace dcs::databricks
