// Clusters API 2.1: the calls a provider needs. Cluster settings (create and
// edit bodies) are JSON with the API's field names; answers keep their JSON
// next to the typed status fields.
#ifndef DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_
#define DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/databricks/json_fields.h"

namespace dcs::databricks {

struct TerminationReason {
  std::optional<std::string> code, type;
  std::optional<StringMap> parameters;
};

// A clusters/get or clusters/list entry: the read-only status fields this
// client and the cluster waiter act on, typed, and the cluster's settings as
// JSON with the API's field names: their shape is the caller's to declare
// (dcs declares it once, in the resource's schema), not mirrored here.
struct ClusterInfo {
  std::string cluster_id;
  std::string state;  // PENDING, RUNNING, RESTARTING, RESIZING, TERMINATING, TERMINATED, ERROR, UNKNOWN
  std::optional<std::string> state_message, creator_user_name, cluster_source;
  std::optional<StringMap> default_tags;
  std::optional<int64_t> start_time, terminated_time;
  std::optional<TerminationReason> termination_reason;
  // The whole answer, as sent.
  nlohmann::json answer = nlohmann::json::object();
  // The last user-submitted settings: the answer's `spec` (clusters/get;
  // free of server defaults), or the answer itself when it has none (list).
  const nlohmann::json& settings() const;
};

void FromJson(const nlohmann::json& j, ClusterInfo& info);
// The same for an answer the caller is done with: it becomes info.answer
// without a copy.
void FromJson(nlohmann::json&& j, ClusterInfo& info);

// Thin typed wrapper over a Client; `stop` may be null. Errors are those of
// Client::Call (NotFound for a missing cluster, FailedPrecondition for
// INVALID_STATE, …) plus Internal for an answer of the wrong shape.
class ClustersApi {
 public:
  explicit ClustersApi(Client& client) : client_(client) {}
  // `spec` is the create body; returns the new cluster_id. Retried only when
  // it carries a non-empty idempotency_token.
  absl::StatusOr<std::string> Create(const nlohmann::json& spec, const std::atomic<bool>* stop);
  // `spec` holds the fields clusters/edit takes (the caller decides which);
  // the cluster_id is added.
  absl::Status Edit(const std::string& cluster_id, const nlohmann::json& spec, const std::atomic<bool>* stop);
  absl::StatusOr<ClusterInfo> Get(const std::string& cluster_id, const std::atomic<bool>* stop);
  // Every page (follows next_page_token).
  absl::StatusOr<std::vector<ClusterInfo>> List(const std::atomic<bool>* stop);
  absl::Status Delete(const std::string& cluster_id, const std::atomic<bool>* stop);  // terminate
  absl::Status PermanentDelete(const std::string& cluster_id, const std::atomic<bool>* stop);
  absl::Status Start(const std::string& cluster_id, const std::atomic<bool>* stop);

 private:
  absl::Status Post(const char* path, const std::string& cluster_id, const std::atomic<bool>* stop);
  Client& client_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CLUSTERS_API_H_
