// ClusterStateBoard with many concurrent waiters, against a simulated
// workspace whose clusters turn RUNNING at set times (real clock, short
// intervals). Single-waiter behaviour (interval growth, reset, deadline,
// stop, fail-fast) is covered in apis_test.cc.
#include "clients/databricks/cluster_waiter.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/unit/clients/databricks/fixture.h"

namespace dcs::databricks {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using ::testing::HasSubstr;

// clusters/get and paginated clusters/list over clusters that are PENDING
// until their start time, then RUNNING (or `final_state`).
class SimulatedWorkspace : public http::Transport {
 public:
  struct Cluster {
    steady_clock::time_point ready_at;
    std::string final_state = "RUNNING";
    bool vanished = false;  // get answers 404, list omits it
  };

  void AddCluster(const std::string& id, milliseconds after, std::string final_state = "RUNNING") {
    std::lock_guard<std::mutex> lock(mu_);
    clusters_[id] = {steady_clock::now() + after, std::move(final_state)};
  }
  void Vanish(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    clusters_[id].vanished = true;
  }
  void FailLists(int n) { failing_lists_ = n; }
  void DuplicateInList(bool on) { duplicate_ = on; }

  int gets() const { return gets_; }
  int lists() const { return lists_; }

  absl::StatusOr<http::Response> Send(const http::Request& request) override {
    const std::string path = request.url.substr(request.url.find("/api/"));
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::StartsWith(path, "/api/2.1/clusters/get?cluster_id=")) {
      ++gets_;
      const std::string id = path.substr(path.find('=') + 1);
      auto it = clusters_.find(id);
      if (it == clusters_.end() || it->second.vanished) {
        return Answer(400, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Cluster )" + id +
                               R"( does not exist"})");
      }
      nlohmann::json c = Render(id, it->second);
      c["spec"] = {{"spark_version", "15.4.x-scala2.12"}};
      return Answer(200, c.dump());
    }
    if (absl::StartsWith(path, "/api/2.1/clusters/list")) {
      ++lists_;
      if (failing_lists_ > 0) {
        --failing_lists_;
        return Answer(500, R"({"error_code":"INTERNAL_ERROR","message":"list broke"})");
      }
      // Pages of two, token = index of the next entry.
      std::vector<std::string> ids;
      for (const auto& [id, c] : clusters_) {
        if (!c.vanished) ids.push_back(id);
      }
      size_t start = 0;
      if (auto p = path.find("page_token="); p != std::string::npos) start = std::stoul(path.substr(p + 11));
      nlohmann::json page = {{"clusters", nlohmann::json::array()}};
      for (size_t i = start; i < ids.size() && i < start + 2; ++i) {
        page["clusters"].push_back(Render(ids[i], clusters_[ids[i]]));
        if (duplicate_) page["clusters"].push_back(Render(ids[i], clusters_[ids[i]]));
      }
      if (start + 2 < ids.size()) page["next_page_token"] = std::to_string(start + 2);
      return Answer(200, page.dump());
    }
    return absl::InternalError("unexpected request " + request.method + " " + path);
  }

 private:
  static nlohmann::json Render(const std::string& id, const Cluster& c) {
    const bool ready = steady_clock::now() >= c.ready_at;
    nlohmann::json j = {{"cluster_id", id}, {"state", ready ? c.final_state : "PENDING"}};
    if (ready && c.final_state == "TERMINATED") j["state_message"] = "Failed to pull image";
    return j;
  }

  mutable std::mutex mu_;
  std::map<std::string, Cluster> clusters_;
  std::atomic<int> gets_{0}, lists_{0}, failing_lists_{0};
  std::atomic<bool> duplicate_{false};
};

struct Fixture {
  Fixture()
      : workspace(std::make_shared<SimulatedWorkspace>()),
        client(PatConfig(), workspace, http::RealClock(), "1.2.3"),
        board(client, *http::RealClock(), {milliseconds(5), 1.5, milliseconds(20)}) {}

  // Waits for each id on its own thread; results in id order.
  std::vector<absl::StatusOr<ClusterInfo>> WaitAll(const std::vector<std::string>& ids, milliseconds timeout) {
    std::vector<absl::StatusOr<ClusterInfo>> results(ids.size(), absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    const auto deadline = steady_clock::now() + timeout;
    for (size_t i = 0; i < ids.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = board.Wait(ids[i], {"RUNNING"}, deadline, nullptr); });
    }
    for (auto& t : threads) t.join();
    return results;
  }

  std::shared_ptr<SimulatedWorkspace> workspace;
  Client client;
  ClusterStateBoard board;
};

std::vector<std::string> Ids(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("c", 100 + i));
  return ids;
}

TEST(ClusterStateBoardTest, ManyWaitersShareOneListPoll) {
  Fixture f;
  const auto ids = Ids(20);
  for (size_t i = 0; i < ids.size(); ++i) f.workspace->AddCluster(ids[i], milliseconds(150 + 10 * i));
  const auto start = steady_clock::now();
  auto results = f.WaitAll(ids, std::chrono::seconds(20));
  const auto elapsed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << ids[i] << ": " << results[i].status();
    EXPECT_EQ(results[i]->state, "RUNNING");
    EXPECT_TRUE(results[i]->answer.contains("spec")) << "the waiter returns the full clusters/get answer";
  }
  // One get per cluster at the end (the list has no spec) and none while
  // polling; list polls (10 pages each) bounded by time / interval, not by the
  // number of clusters.
  EXPECT_LE(f.workspace->gets(), static_cast<int>(ids.size()) + 1);
  const int polls = f.workspace->lists() / 10;
  EXPECT_LE(polls, elapsed.count() / 5 + 2) << "elapsed " << elapsed.count() << " ms";
  // Polling each cluster on its own would have cost ~20 × elapsed / 20 ms gets.
  EXPECT_LT(f.workspace->gets() + f.workspace->lists() / 10, static_cast<int>(ids.size()) * elapsed.count() / 20);
}

TEST(ClusterStateBoardTest, FailedListPageFallsBackToGets) {
  Fixture f;
  const auto ids = Ids(4);
  for (const auto& id : ids) f.workspace->AddCluster(id, milliseconds(60));
  f.workspace->FailLists(3);
  auto results = f.WaitAll(ids, std::chrono::seconds(10));
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->state, "RUNNING");
  }
}

TEST(ClusterStateBoardTest, ClusterListedTwiceIsAnsweredOnce) {
  Fixture f;
  const auto ids = Ids(5);
  for (const auto& id : ids) f.workspace->AddCluster(id, milliseconds(50));
  f.workspace->DuplicateInList(true);
  auto results = f.WaitAll(ids, std::chrono::seconds(10));
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status();
}

TEST(ClusterStateBoardTest, VanishedClusterIsAnErrorForItsWaiterOnly) {
  Fixture f;
  const auto ids = Ids(4);
  for (const auto& id : ids) f.workspace->AddCluster(id, milliseconds(200));
  std::thread vanish([&] {
    std::this_thread::sleep_for(milliseconds(60));
    f.workspace->Vanish(ids[1]);
  });
  auto results = f.WaitAll(ids, std::chrono::seconds(10));
  vanish.join();
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kNotFound) << results[1].status();
  for (size_t i : {0, 2, 3}) ASSERT_TRUE(results[i].ok()) << results[i].status();
}

TEST(ClusterStateBoardTest, CancelledWaiterLeavesOthersWaiting) {
  Fixture f;
  const auto ids = Ids(4);
  for (const auto& id : ids) f.workspace->AddCluster(id, milliseconds(300));
  std::atomic<bool> stop{false};
  std::thread interrupt([&] {
    std::this_thread::sleep_for(milliseconds(50));
    stop = true;
  });
  const auto start = steady_clock::now();
  std::vector<absl::StatusOr<ClusterInfo>> results(ids.size(), absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = f.board.Wait(ids[i], {"RUNNING"}, start + std::chrono::seconds(10), i == 0 ? &stop : nullptr);
    });
  }
  for (auto& t : threads) t.join();
  interrupt.join();
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kCancelled);
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_TRUE(results[i].ok()) << results[i].status();
}

TEST(ClusterStateBoardTest, NobodyWaitsPastItsDeadline) {
  Fixture f;
  f.workspace->AddCluster("slow", std::chrono::hours(1));
  f.workspace->AddCluster("fast", milliseconds(30));
  const auto start = steady_clock::now();
  absl::StatusOr<ClusterInfo> slow = absl::UnknownError("not run"), fast = absl::UnknownError("not run");
  std::thread t1([&] { slow = f.board.Wait("slow", {"RUNNING"}, start + milliseconds(200), nullptr); });
  std::thread t2([&] { fast = f.board.Wait("fast", {"RUNNING"}, start + std::chrono::seconds(10), nullptr); });
  t1.join();
  t2.join();
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(slow.status().message(), HasSubstr("still PENDING"));
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  ASSERT_TRUE(fast.ok()) << fast.status();
}

TEST(ClusterStateBoardTest, TerminatedClusterFailsFastAmongOthers) {
  Fixture f;
  f.workspace->AddCluster("bad", milliseconds(30), "TERMINATED");
  f.workspace->AddCluster("good", milliseconds(60));
  auto results = f.WaitAll({"bad", "good"}, std::chrono::seconds(10));
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(results[0].status().message(), HasSubstr("Failed to pull image"));
  ASSERT_TRUE(results[1].ok()) << results[1].status();
}

}  // namespace
}  // namespace dcs::databricks
