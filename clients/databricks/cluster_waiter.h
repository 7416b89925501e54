// Waiting for a cluster to reach a state, polling clusters/get adaptively.
#ifndef DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_
#define DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_

#include <atomic>
#include <chrono>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "clients/databricks/clusters_api.h"
#include "clients/http/http.h"

namespace dcs::databricks {

struct WaitOptions {
  std::chrono::milliseconds initial_interval{200};
  double growth = 1.5;
  std::chrono::milliseconds max_interval{5000};
};

// Polls until the cluster's state is in `targets` and returns that answer.
// The interval starts at initial_interval, grows ×growth up to max_interval
// and resets when the state changes. Errors: FailedPrecondition as soon as
// the cluster is TERMINATED or ERROR (unless targeted), quoting state_message
// and the termination reason; DeadlineExceeded at `deadline` naming the last
// state; Cancelled on `*stop`; any error of ClustersApi::Get.
absl::StatusOr<ClusterInfo> WaitForClusterState(ClustersApi& api, const std::string& cluster_id,
                                                const std::set<std::string>& targets,
                                                std::chrono::steady_clock::time_point deadline,
                                                const std::atomic<bool>* stop, http::Clock& clock,
                                                const WaitOptions& options = {});

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_
