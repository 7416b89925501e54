#include "clients/databricks/cluster_waiter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/log/log.h"

namespace dcs::databricks {
namespace {

absl::Status Failed(const std::string& id, const ClusterInfo& info, const std::set<std::string>& targets) {
  std::string msg = absl::StrCat("cluster ", id, " is ", info.state, " instead of ", absl::StrJoin(targets, "/"));
  if (info.state_message && !info.state_message->empty()) absl::StrAppend(&msg, ": ", *info.state_message);
  if (info.termination_reason && info.termination_reason->code) {
    absl::StrAppend(&msg, " (termination reason ", *info.termination_reason->code);
    if (info.termination_reason->type) absl::StrAppend(&msg, ", ", *info.termination_reason->type);
    absl::StrAppend(&msg, ")");
  }
  return absl::FailedPreconditionError(msg);
}

}  // namespace

absl::StatusOr<ClusterInfo> WaitForClusterState(ClustersApi& api, const std::string& cluster_id,
                                                const std::set<std::string>& targets,
                                                std::chrono::steady_clock::time_point deadline,
                                                const std::atomic<bool>* stop, http::Clock& clock,
                                                const WaitOptions& options) {
  std::chrono::milliseconds interval = options.initial_interval;
  std::string last_state;
  while (true) {
    auto info = api.Get(cluster_id, stop);
    if (!info.ok()) return info.status();
    if (targets.count(info->state)) return info;
    if (info->state == "TERMINATED" || info->state == "ERROR") return Failed(cluster_id, *info, targets);
    if (info->state != last_state) {
      dcs::log::Debug("waiting for cluster", {{"@module", "databricks"}, {"cluster_id", cluster_id},
                                              {"state", info->state}});
      interval = options.initial_interval;
      last_state = info->state;
    }
    const auto now = clock.Now();
    if (now >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("timed out waiting for cluster ", cluster_id, " to be ",
                                                      absl::StrJoin(targets, "/"), "; it is still ",
                                                      info->state));
    }
    auto wait = std::min(interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (!clock.Sleep(wait, stop)) {
      return absl::CancelledError(absl::StrCat("cancelled while waiting for cluster ", cluster_id));
    }
    interval = std::min(options.max_interval,
                        std::chrono::milliseconds(static_cast<int64_t>(interval.count() * options.growth)));
  }
}

}  // namespace dcs::databricks
