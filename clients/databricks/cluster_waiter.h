// Waiting for clusters to reach a state.
//
// Every waiter of one Client shares one poll: while a single cluster is
// awaited the poll is clusters/get for it; while several are, it is one
// paginated clusters/list (which carries each cluster's state), with
// clusters/get only for what the list cannot answer (a cluster missing from
// it, a failed list page) and once per waiter at the end, for the full answer
// (the list omits `spec`). So N clusters waited for T seconds cost about
// T / interval requests instead of N × T / interval, and the workspace's
// request budget is left to the other pipelines that share it.
//
// There is no background thread: whichever waiter finds the next poll due
// runs it and the others read its result.
#ifndef DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_
#define DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "clients/databricks/clusters_api.h"
#include "clients/http/http.h"

namespace dcs::databricks {

// The defaults see a state change within about a second of it happening.
struct WaitOptions {
  std::chrono::milliseconds initial_interval{200};
  double growth = 1.5;
  std::chrono::milliseconds max_interval{1000};
};

class ClusterStateBoard {
 public:
  // The interval between polls starts at initial_interval and grows ×growth
  // up to max_interval; while a single cluster is awaited, it goes back to
  // initial_interval whenever that cluster changes state.
  ClusterStateBoard(Client& client, http::Clock& clock, WaitOptions options = {});

  // Waits until the cluster's state is in `targets` and returns the
  // clusters/get answer in that state. Errors: FailedPrecondition as soon as
  // the cluster is TERMINATED or ERROR (unless targeted), quoting
  // state_message and the termination reason; DeadlineExceeded at `deadline`
  // naming the last state seen; Cancelled on `*stop` (other waiters go on);
  // any error of clusters/get for this cluster (NotFound when it vanished).
  absl::StatusOr<ClusterInfo> Wait(const std::string& cluster_id, const std::set<std::string>& targets,
                                   std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* stop);

 private:
  struct Answer {
    absl::StatusOr<ClusterInfo> info;
    bool complete = false;  // a clusters/get answer; a list entry is not
  };
  struct Sighting {
    Answer answer;
    int64_t generation = 0;
  };
  void Poll(const std::atomic<bool>* stop);
  // Answers for `ids` from one clusters/list; those it cannot answer by get.
  std::map<std::string, Answer> PollList(const std::set<std::string>& ids, const std::atomic<bool>* stop,
                                         bool& cancelled);

  ClustersApi api_;
  http::Clock& clock_;
  const WaitOptions options_;

  std::mutex mu_;
  std::map<std::string, int> waiting_;         // cluster id -> waiters
  std::map<std::string, Sighting> sightings_;  // latest answer per awaited cluster
  int64_t generation_ = 0;                     // polls completed
  bool polling_ = false;
  std::chrono::steady_clock::time_point next_poll_{};
  std::chrono::milliseconds interval_;
};

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_CLUSTER_WAITER_H_
