#include "emulator/admin.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "emulator/air_images.h"
#include "emulator/api_error.h"
#include "emulator/cluster_lifecycle.h"
#include "emulator/ids.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;

Json StateDump(const Workspace& ws) {
  Json j = ws;
  for (auto& [name, scope] : j["scopes"].items()) {
    for (auto& [key, secret] : scope["secrets"].items()) {
      secret["value"] = absl::StrCat("[REDACTED ", secret["value"].get<std::string>().size(), " bytes]");
    }
  }
  j.erase("oauth_tokens");
  for (auto& [image, credentials] : j["settings"]["air_private_images"].items()) {
    credentials = absl::StrCat("[REDACTED ", credentials.get<std::string>().size(), " bytes]");
  }
  Json rendered = Json::object();
  for (const auto& [id, c] : ws.clusters) rendered[id] = RenderCluster(c, ws, true);
  j["rendered_clusters"] = rendered;
  return j;
}

absl::Status DriftCluster(Workspace& ws, const std::string& id, const Json& req) {
  auto it = ws.clusters.find(id);
  if (it == ws.clusters.end()) return NotFound(absl::StrCat("Cluster ", id, " does not exist"));
  Cluster& c = it->second;
  if (req.value("delete", false)) {
    ws.clusters.erase(it);
    return absl::OkStatus();
  }
  if (req.contains("patch")) c.spec.merge_patch(req["patch"]);
  std::string state = req.value("state", "");
  int64_t now = NowMs();
  if (state == "TERMINATED") {
    c.state = "TERMINATED";
    c.deadline_ms = 0;
    c.terminated_time = now;
    c.termination_reason = {{"code", "INACTIVITY"}, {"type", "SUCCESS"},
                            {"parameters", {{"inactivity_duration_min", "60"}}}};
    c.state_message = "Inactive cluster terminated (inactive for 60 minutes).";
    c.idempotency_token.clear();
    AddEvent(c, now, "TERMINATING", {{"reason", c.termination_reason}});
  } else if (state == "RUNNING") {
    c.state = "RUNNING";
    c.deadline_ms = 0;
    c.state_message = "";
    c.termination_reason = nullptr;
  } else if (!state.empty()) {
    return InvalidParameter("drift state must be TERMINATED or RUNNING");
  }
  return absl::OkStatus();
}

absl::Status DriftPool(Workspace& ws, const std::string& id, const Json& req) {
  auto it = ws.pools.find(id);
  if (it == ws.pools.end()) return NotFound(absl::StrCat("Instance pool ", id, " does not exist"));
  if (req.value("delete", false)) {
    ws.pools.erase(it);
  } else if (req.contains("patch")) {
    it->second.spec.merge_patch(req["patch"]);
  }
  return absl::OkStatus();
}

absl::Status DriftConf(Workspace& ws, const Json& req) {
  const Json patch = req.value("patch", Json::object());  // items() must not outlive it
  if (!patch.is_object()) return InvalidParameter("workspace_conf drift patch must be an object");
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null()) {
      ws.conf.erase(k);
    } else if (v.is_string()) {
      ws.conf[k] = v.get<std::string>();
    } else {
      return InvalidParameter(absl::StrCat("workspace_conf value for ", k, " must be a string"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> SettingsRoute(Store* store, const ApiRequest& req) {
  return store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    if (req.method == "POST") {
      dcs::emulator::Settings& s = ws.settings;
      s.start_delay_ms = req.body.value("start_delay_ms", s.start_delay_ms);
      s.terminate_delay_ms = req.body.value("terminate_delay_ms", s.terminate_delay_ms);
      s.resize_delay_ms = req.body.value("resize_delay_ms", s.resize_delay_ms);
      if (req.body.contains("failing_images")) {
        s.failing_images = req.body["failing_images"].get<std::set<std::string>>();
      }
      s.air_step_delay_ms = req.body.value("air_step_delay_ms", s.air_step_delay_ms);
      if (req.body.contains("air_private_images")) {
        s.air_private_images = req.body["air_private_images"].get<std::map<std::string, std::string>>();
      }
      if (req.body.contains("air_image_digests")) {
        s.air_image_digests = req.body["air_image_digests"].get<std::map<std::string, std::string>>();
      }
      ws.Touch();
    }
    Json out = ws.settings;
    for (auto& [image, credentials] : out["air_private_images"].items()) {
      credentials = absl::StrCat("[REDACTED ", credentials.get<std::string>().size(), " bytes]");
    }
    return Reply::Ok(out);
  });
}

}  // namespace

absl::Status ApplyDrift(Workspace& ws, const Json& req) {
  std::string resource = req.value("resource", "");
  std::string id = req.value("id", "");
  absl::Status s;
  if (resource == "cluster") {
    s = DriftCluster(ws, id, req);
  } else if (resource == "pool") {
    s = DriftPool(ws, id, req);
  } else if (resource == "workspace_conf") {
    s = DriftConf(ws, req);
  } else if (resource == "air_image") {
    s = DriftAirImage(ws, req);
  } else if (resource == "secret_scope" && req.value("delete", false)) {
    s = ws.scopes.erase(id) ? absl::OkStatus() : NotFound(absl::StrCat("Scope ", id, " does not exist!"));
  } else {
    s = InvalidParameter(
        "drift resource must be cluster, pool, workspace_conf, air_image or secret_scope (delete)");
  }
  if (s.ok()) ws.Touch();
  return s;
}

void RegisterAdminRoutes(Router& router, Store* store, FaultInjector* faults, RequestLog* log) {
  const std::string p = kAdminPrefix;
  router.Add("GET", p + "health", [](const ApiRequest&) -> absl::StatusOr<Reply> {
    return Reply::Ok({{"status", "ok"}});
  }, Access::kPublic);
  router.Add("GET", p + "state", [store](const ApiRequest&) {
    return store->Run([](Workspace& ws) -> absl::StatusOr<Reply> {
      AdvanceAll(ws, NowMs());
      AdvanceAllAirImages(ws, NowMs());
      return Reply::Ok(StateDump(ws));
    });
  }, Access::kPublic);
  auto settings = [store](const ApiRequest& r) { return SettingsRoute(store, r); };
  router.Add("GET", p + "settings", settings, Access::kPublic);
  router.Add("POST", p + "settings", settings, Access::kPublic);
  router.Add("GET", p + "faults", [faults](const ApiRequest&) -> absl::StatusOr<Reply> {
    return Reply::Ok(faults->Describe());
  }, Access::kPublic);
  router.Add("POST", p + "faults", [faults](const ApiRequest& r) -> absl::StatusOr<Reply> {
    if (auto s = faults->Configure(r.body); !s.ok()) return s;
    return Reply::Ok(faults->Describe());
  }, Access::kPublic);
  router.Add("DELETE", p + "faults", [faults](const ApiRequest&) -> absl::StatusOr<Reply> {
    (void)faults->Configure(Json::object());
    return Reply::Ok(faults->Describe());
  }, Access::kPublic, false);
  router.Add("POST", p + "drift", [store](const ApiRequest& r) {
    return store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
      if (auto s = ApplyDrift(ws, r.body); !s.ok()) return s;
      return Reply::Ok(Json::object());
    });
  }, Access::kPublic);
  router.Add("GET", p + "requests", [log](const ApiRequest& r) -> absl::StatusOr<Reply> {
    int64_t since = 0;
    (void)absl::SimpleAtoi(r.Query("since"), &since);
    return Reply::Ok({{"requests", log->Since(since)}});
  }, Access::kPublic);
}

}  // namespace dcs::emulator
