#include "emulator/cluster_lifecycle.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "emulator/catalog.h"
#include "emulator/cluster_validation.h"
#include "emulator/ids.h"

namespace dcs::emulator {
namespace {

int64_t TargetWorkers(const Json& spec) {
  if (spec.contains("autoscale")) return spec["autoscale"].value("min_workers", int64_t{0});
  return spec.value("num_workers", int64_t{0});
}

Json SizeOf(const Json& spec) {
  if (spec.contains("autoscale")) return Json{{"autoscale", spec["autoscale"]}};
  return Json{{"num_workers", spec.value("num_workers", 0)}};
}

Json Reason(const std::string& code, const std::string& type, Json params) {
  return Json{{"code", code}, {"type", type}, {"parameters", std::move(params)}};
}

// Why a launch fails, or null when it succeeds: secret references in basic_auth
// are resolved against the secrets store, and admin-marked images fail to pull.
Json LaunchFailure(const Cluster& c, const Workspace& ws, std::string* message) {
  if (!c.spec.contains("docker_image")) return nullptr;
  const Json& image = c.spec["docker_image"];
  std::string url = image.value("url", "");
  if (image.contains("basic_auth")) {
    for (const char* f : {"username", "password"}) {
      std::string v = image["basic_auth"].value(f, "");
      if (!IsSecretReference(v)) continue;
      auto [scope, key] = SplitSecretReference(v);
      auto s = ws.scopes.find(scope);
      if (s == ws.scopes.end() || !s->second.secrets.count(absl::AsciiStrToLower(key))) {
        *message = absl::StrCat("Failed to resolve secret reference ", v,
                                " in docker_image.basic_auth.", f,
                                ": the secret does not exist or the owner cannot read it.");
        return Reason("SECRET_RESOLUTION_ERROR", "CLIENT_ERROR", {{"databricks_error_message", *message}});
      }
    }
  }
  if (ws.settings.failing_images.count(url)) {
    *message = absl::StrCat("Failed to pull docker image ", url, " on the driver node.");
    return Reason("DOCKER_IMAGE_PULL_FAILURE", "CLIENT_ERROR", {{"databricks_error_message", *message}});
  }
  return nullptr;
}

void FinishLaunch(Cluster& c, Workspace& ws, int64_t at) {
  std::string message;
  Json failure = LaunchFailure(c, ws, &message);
  if (!failure.is_null()) {
    BeginTerminate(c, ws, at, failure, message);
    return;
  }
  c.state = "RUNNING";
  c.state_message = "";
  c.deadline_ms = 0;
  c.spark_context_id = RandomPositive();
  int64_t n = TargetWorkers(c.spec);
  AddEvent(c, at, "RUNNING", {{"current_num_workers", n}, {"target_num_workers", n}});
}

void FinishResize(Cluster& c, int64_t at) {
  int64_t before = TargetWorkers(c.spec);
  c.spec.erase("num_workers");
  c.spec.erase("autoscale");
  for (auto& [k, v] : c.pending_size.items()) c.spec[k] = v;
  c.pending_size = nullptr;
  c.state = "RUNNING";
  c.state_message = "";
  c.deadline_ms = 0;
  int64_t after = TargetWorkers(c.spec);
  AddEvent(c, at, after >= before ? "UPSIZE_COMPLETED" : "RESIZING",
           {{"current_num_workers", after}, {"target_num_workers", after}});
}

}  // namespace

void AddEvent(Cluster& c, int64_t ts, const std::string& type, Json details) {
  c.events.push_back(
      Json{{"cluster_id", c.cluster_id}, {"timestamp", ts}, {"type", type}, {"details", details}});
}

Json UserRequestReason(const std::string& user) {
  return Reason("USER_REQUEST", "SUCCESS", {{"username", user}});
}

std::string StateWord(const std::string& state) {
  if (state.empty()) return state;
  return std::string(1, state[0]) + absl::AsciiStrToLower(state.substr(1));
}

bool IsTransitional(const std::string& s) {
  return s == "PENDING" || s == "RESTARTING" || s == "RESIZING" || s == "TERMINATING";
}

void Advance(Cluster& c, Workspace& ws, int64_t now) {
  if (c.deadline_ms == 0 || now < c.deadline_ms) return;
  int64_t at = c.deadline_ms;
  ws.Touch();
  if (c.state == "PENDING" || c.state == "RESTARTING") {
    FinishLaunch(c, ws, at);
  } else if (c.state == "RESIZING") {
    FinishResize(c, at);
  }
  if (c.state == "TERMINATING" && c.deadline_ms != 0 && now >= c.deadline_ms) {
    c.state = "TERMINATED";
    c.terminated_time = c.deadline_ms;
    c.deadline_ms = 0;
    c.idempotency_token.clear();  // the token is free again once terminated
  }
}

void AdvanceAll(Workspace& ws, int64_t now) {
  for (auto& [id, c] : ws.clusters) Advance(c, ws, now);
}

void BeginLaunch(Cluster& c, const Workspace& ws, int64_t now, bool first_start) {
  c.state = "PENDING";
  c.state_message = "Finding instances for new nodes, acquiring more instances if necessary";
  c.deadline_ms = now + ws.settings.start_delay_ms;
  c.start_time = now;
  c.terminated_time = 0;
  c.termination_reason = nullptr;
  c.pending_size = nullptr;
  AddEvent(c, now, first_start ? "CREATING" : "STARTING",
           first_start ? Json{{"cluster_size", SizeOf(c.spec)}, {"user", c.creator}}
                       : Json{{"user", c.creator}});
}

void BeginRestart(Cluster& c, const Workspace& ws, int64_t now) {
  c.state = "RESTARTING";
  c.state_message = "Restarting Spark and applying the latest cluster configuration";
  c.deadline_ms = now + ws.settings.start_delay_ms;
  c.last_restarted_time = now;
  AddEvent(c, now, "RESTARTING", {{"user", c.creator}});
}

void BeginTerminate(Cluster& c, const Workspace& ws, int64_t now, Json reason,
                    std::string message) {
  c.state = "TERMINATING";
  c.state_message = std::move(message);
  c.deadline_ms = now + ws.settings.terminate_delay_ms;
  c.termination_reason = reason;
  c.pending_size = nullptr;
  AddEvent(c, now, "TERMINATING", {{"reason", reason}});
}

void BeginResize(Cluster& c, const Workspace& ws, int64_t now, Json size) {
  int64_t target = size.contains("autoscale") ? size["autoscale"].value("min_workers", int64_t{0})
                                              : size.value("num_workers", int64_t{0});
  c.state = "RESIZING";
  c.state_message = absl::StrCat("Resizing cluster to ", target, " workers");
  c.deadline_ms = now + ws.settings.resize_delay_ms;
  c.pending_size = std::move(size);
  AddEvent(c, now, "RESIZING",
           {{"current_num_workers", TargetWorkers(c.spec)}, {"target_num_workers", target}});
}

}  // namespace dcs::emulator
