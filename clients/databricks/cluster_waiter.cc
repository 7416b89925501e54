#include "clients/databricks/cluster_waiter.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/log.h"

namespace dcs::databricks {
namespace {

// How long a waiter sleeps while another one runs the poll.
constexpr std::chrono::milliseconds kPollInProgressSlice{20};

bool IsFinal(const std::string& state) { return state == "TERMINATED" || state == "ERROR"; }

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

ClusterStateBoard::ClusterStateBoard(Client& client, http::Clock& clock, WaitOptions options)
    : api_(client), clock_(clock), options_(options), interval_(options.initial_interval) {}

absl::StatusOr<ClusterInfo> ClusterStateBoard::Wait(const std::string& cluster_id,
                                                    const std::set<std::string>& targets,
                                                    std::chrono::steady_clock::time_point deadline,
                                                    const std::atomic<bool>* stop) {
  int64_t seen_generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++waiting_[cluster_id];
    // Only answers from polls that start after we arrived count.
    seen_generation = generation_;
  }
  struct Leave {
    ClusterStateBoard* board;
    const std::string& id;
    ~Leave() {
      std::lock_guard<std::mutex> lock(board->mu_);
      if (--board->waiting_[id] == 0) {
        board->waiting_.erase(id);
        board->sightings_.erase(id);
      }
    }
  } leave{this, cluster_id};

  std::string last_state = "unknown";
  while (true) {
    if (stop != nullptr && stop->load()) {
      return absl::CancelledError(absl::StrCat("cancelled while waiting for cluster ", cluster_id));
    }
    std::optional<Answer> answer;
    bool lead = false;
    std::chrono::steady_clock::time_point wake;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sightings_.find(cluster_id);
      if (it != sightings_.end() && it->second.generation > seen_generation) {
        seen_generation = it->second.generation;
        answer = it->second.answer;
      } else if (polling_) {
        wake = clock_.Now() + kPollInProgressSlice;
      } else if (clock_.Now() >= next_poll_) {
        polling_ = true;
        lead = true;
      } else {
        wake = next_poll_;
      }
    }
    if (lead) {
      Poll(stop);
      continue;
    }
    if (answer) {
      if (!answer->info.ok()) return answer->info.status();
      const std::string state = answer->info->state;
      if (targets.count(state) || IsFinal(state)) {
        // A list entry lacks `spec`: the caller gets the clusters/get answer.
        absl::StatusOr<ClusterInfo> full =
            answer->complete ? std::move(answer->info) : api_.Get(cluster_id, stop);
        if (!full.ok()) return full.status();
        if (targets.count(full->state)) return full;
        if (IsFinal(full->state)) return Failed(cluster_id, *full, targets);
      }
      if (state != last_state) {
        dcs::log::Debug("waiting for cluster",
                        {{"@module", "databricks"}, {"cluster_id", cluster_id}, {"state", state}});
        last_state = state;
      }
      continue;
    }
    const auto now = clock_.Now();
    if (now >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("timed out waiting for cluster ", cluster_id, " to be ",
                                                      absl::StrJoin(targets, "/"), "; it is still ", last_state));
    }
    const auto until = std::min(wake, deadline);
    const auto nap = std::max(std::chrono::milliseconds(1),
                              std::chrono::ceil<std::chrono::milliseconds>(until - now));
    if (!clock_.Sleep(nap, stop)) {
      return absl::CancelledError(absl::StrCat("cancelled while waiting for cluster ", cluster_id));
    }
  }
}

void ClusterStateBoard::Poll(const std::atomic<bool>* stop) {
  std::set<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, count] : waiting_) ids.insert(id);
  }
  std::map<std::string, Answer> answers;
  bool cancelled = false;
  if (ids.size() == 1) {
    answers.emplace(*ids.begin(), Answer{api_.Get(*ids.begin(), stop), true});
    cancelled = stop != nullptr && stop->load();
  } else {
    answers = PollList(ids, stop, cancelled);
  }

  std::lock_guard<std::mutex> lock(mu_);
  polling_ = false;
  if (cancelled) {
    // The poller's own apply was interrupted; another waiter polls at once.
    next_poll_ = clock_.Now();
    return;
  }
  ++generation_;
  bool changed = false;
  for (auto& [id, answer] : answers) {
    if (!waiting_.count(id)) continue;
    auto& sighting = sightings_[id];
    // A cluster seen for the first time is no change: a stream of new
    // waiters (a large apply creating clusters) must not keep polls fast.
    const absl::StatusOr<ClusterInfo>& before = sighting.answer.info;
    const bool first = sighting.generation == 0;
    if (first ? ids.size() == 1 : (!before.ok() || !answer.info.ok() || before->state != answer.info->state)) {
      changed = true;
    }
    sighting.answer = std::move(answer);
    sighting.generation = generation_;
  }
  // Back to the short interval after a change only while one cluster is
  // awaited (to catch its next step quickly); with many, state changes are
  // the rule, and the interval stays within max_interval anyway.
  interval_ = changed && ids.size() == 1
                  ? options_.initial_interval
                  : std::min(options_.max_interval,
                             std::chrono::milliseconds(static_cast<int64_t>(interval_.count() * options_.growth)));
  next_poll_ = clock_.Now() + interval_;
}

std::map<std::string, ClusterStateBoard::Answer> ClusterStateBoard::PollList(const std::set<std::string>& ids,
                                                                             const std::atomic<bool>* stop,
                                                                             bool& cancelled) {
  std::map<std::string, Answer> answers;
  auto listed = api_.List(stop);
  if (listed.ok()) {
    // A cluster listed twice (pages shifting under us) keeps the later entry.
    for (auto& info : *listed) {
      if (!ids.count(info.cluster_id)) continue;
      std::string id = info.cluster_id;  // not read from `info` while it is moved
      answers.insert_or_assign(std::move(id), Answer{std::move(info), false});
    }
  } else if (listed.status().code() == absl::StatusCode::kCancelled) {
    cancelled = true;
    return answers;
  } else {
    dcs::log::Debug("clusters/list failed; asking for each awaited cluster",
                    {{"@module", "databricks"}, {"error", std::string(listed.status().message())}});
  }
  for (const auto& id : ids) {
    if (answers.count(id)) continue;
    answers.emplace(id, Answer{api_.Get(id, stop), true});
    if (stop != nullptr && stop->load()) {
      cancelled = true;
      return {};
    }
  }
  return answers;
}

}  // namespace dcs::databricks
