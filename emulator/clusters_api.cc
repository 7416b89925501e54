// Clusters API mutations and get (2.0 and 2.1 paths, identical semantics).
#include "emulator/clusters_api.h"

#include <functional>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/cluster_lifecycle.h"
#include "emulator/cluster_validation.h"
#include "emulator/ids.h"
#include "emulator/json_fields.h"

namespace dcs::emulator {
namespace {

using ClusterFn = std::function<absl::StatusOr<Reply>(Cluster&, Workspace&, int64_t now)>;

absl::Status UnexpectedState(const Cluster& c) {
  return InvalidState(absl::StrCat("Cluster ", c.cluster_id, " is in unexpected state ",
                                   StateWord(c.state), "."));
}

// Looks the cluster up (advancing its timers) and runs fn under the store lock.
absl::StatusOr<Reply> WithCluster(ServiceContext& ctx, const std::string& id, const ClusterFn& fn) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.clusters.find(id);
    if (it == ws.clusters.end()) return ClusterNotFound(ctx, id);
    int64_t now = NowMs();
    Advance(it->second, ws, now);
    return fn(it->second, ws, now);
  });
}

absl::StatusOr<std::string> ClusterIdFrom(const ApiRequest& req) {
  if (req.method == "GET") {
    std::string id = req.Query("cluster_id");
    if (id.empty()) return MissingField("cluster_id");
    return id;
  }
  return ReqString(req.body, "cluster_id");
}

absl::StatusOr<Reply> Create(ServiceContext& ctx, const ApiRequest& req) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    int64_t now = NowMs();
    AdvanceAll(ws, now);  // a token is only held by clusters not yet terminated
    auto spec = ValidateClusterSpec(req.body, ws);
    if (!spec.ok()) return spec.status();
    std::string token = spec->value("idempotency_token", "");
    for (const auto& [id, existing] : ws.clusters) {
      if (!token.empty() && existing.idempotency_token == token) {
        return Reply::Ok({{"cluster_id", id}});
      }
    }
    Cluster c;
    c.cluster_id = NewClusterId(now);
    c.spec = *std::move(spec);
    c.creator = req.principal;
    c.idempotency_token = token;
    BeginLaunch(c, ws, now, /*first_start=*/true);
    std::string id = c.cluster_id;
    ws.clusters[id] = std::move(c);
    ws.Touch();
    return Reply::Ok({{"cluster_id", id}});
  });
}

// Shared by edit and update: apply a validated spec according to the state rules.
absl::StatusOr<Reply> ApplySpec(Cluster& c, Workspace& ws, int64_t now, const Json& body,
                                const std::string& user) {
  if (c.state != "RUNNING" && c.state != "TERMINATED") return UnexpectedState(c);
  auto spec = ValidateClusterSpec(body, ws);
  if (!spec.ok()) return spec.status();
  Json previous = c.spec;
  spec->erase("idempotency_token");
  if (c.spec.contains("idempotency_token")) (*spec)["idempotency_token"] = c.spec["idempotency_token"];
  c.spec = *std::move(spec);
  AddEvent(c, now, "EDITED", {{"previous_attributes", previous}, {"attributes", c.spec}, {"user", user}});
  if (c.state == "RUNNING") BeginRestart(c, ws, now);  // edits apply through a restart
  ws.Touch();
  return Reply::Ok(Json::object());
}

absl::StatusOr<Reply> Edit(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) {
    return ApplySpec(c, ws, now, req.body, req.principal);
  });
}

// clusters/update: copy the fields named in update_mask from `cluster` onto the spec.
absl::StatusOr<Reply> Update(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  auto mask = ReqString(req.body, "update_mask");
  if (!mask.ok()) return mask.status();
  auto patch = OptObject(req.body, "cluster");
  if (!patch.ok()) return patch.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) {
    Json merged = c.spec;
    for (absl::string_view field : absl::StrSplit(*mask, ',', absl::SkipWhitespace())) {
      std::string f(absl::StripAsciiWhitespace(field));
      if (*patch != nullptr && (*patch)->contains(f)) {
        merged[f] = (**patch)[f];
      } else {
        merged.erase(f);
      }
    }
    return ApplySpec(c, ws, now, merged, req.principal);
  });
}

absl::StatusOr<Reply> Get(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t) -> absl::StatusOr<Reply> {
    return Reply::Ok(RenderCluster(c, ws, /*with_spec=*/true));
  });
}

absl::StatusOr<Reply> Delete(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) -> absl::StatusOr<Reply> {
    if (c.state != "TERMINATED" && c.state != "TERMINATING") {
      BeginTerminate(c, ws, now, UserRequestReason(req.principal),
                     absl::StrCat("Termination requested by ", req.principal));
      ws.Touch();
    }
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> PermanentDelete(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t) -> absl::StatusOr<Reply> {
    if (c.pinned) {
      return InvalidState(absl::StrCat("Cluster ", c.cluster_id,
                                       " is pinned and cannot be deleted permanently; unpin the "
                                       "cluster first."));
    }
    ws.clusters.erase(c.cluster_id);  // `c` dangles after this line
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> Start(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) -> absl::StatusOr<Reply> {
    if (c.state == "RUNNING") return Reply::Ok(Json::object());  // documented no-op
    if (c.state != "TERMINATED") return UnexpectedState(c);
    BeginLaunch(c, ws, now, /*first_start=*/false);
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> Restart(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) -> absl::StatusOr<Reply> {
    if (c.state == "TERMINATED") return Reply::Ok(Json::object());  // documented no-op
    if (c.state != "RUNNING") return UnexpectedState(c);
    BeginRestart(c, ws, now);
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> Resize(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  if (auto s = ValidateClusterSize(req.body); !s.ok()) return s;
  Json size = req.body.contains("autoscale") && !req.body["autoscale"].is_null()
                  ? Json{{"autoscale", req.body["autoscale"]}}
                  : Json{{"num_workers", req.body["num_workers"]}};
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) -> absl::StatusOr<Reply> {
    if (c.state != "RUNNING") return UnexpectedState(c);
    BeginResize(c, ws, now, size);
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> SetPinned(ServiceContext& ctx, const ApiRequest& req, bool pinned) {
  auto id = ClusterIdFrom(req);
  if (!id.ok()) return id.status();
  return WithCluster(ctx, *id, [&](Cluster& c, Workspace& ws, int64_t now) -> absl::StatusOr<Reply> {
    if (c.pinned != pinned) {
      c.pinned = pinned;
      AddEvent(c, now, pinned ? "PINNED" : "UNPINNED", {{"user", req.principal}});
      ws.Touch();
    }
    return Reply::Ok(Json::object());
  });
}

}  // namespace

absl::Status ClusterNotFound(const ServiceContext& ctx, const std::string& id) {
  std::string message = absl::StrCat("Cluster ", id, " does not exist");
  return ctx.legacy_not_found ? InvalidParameter(message) : NotFound(message);
}

void RegisterClusterRoutes(Router& router, ServiceContext& ctx) {
  auto bind = [&ctx](absl::StatusOr<Reply> (*fn)(ServiceContext&, const ApiRequest&)) {
    return [&ctx, fn](const ApiRequest& req) { return fn(ctx, req); };
  };
  router.AddBothVersions("POST", "clusters/create", bind(Create));
  router.AddBothVersions("POST", "clusters/edit", bind(Edit));
  router.AddBothVersions("POST", "clusters/update", bind(Update));
  router.AddBothVersions("GET", "clusters/get", bind(Get));
  router.AddBothVersions("POST", "clusters/delete", bind(Delete));
  router.AddBothVersions("POST", "clusters/permanent-delete", bind(PermanentDelete));
  router.AddBothVersions("POST", "clusters/start", bind(Start));
  router.AddBothVersions("POST", "clusters/restart", bind(Restart));
  router.AddBothVersions("POST", "clusters/resize", bind(Resize));
  router.AddBothVersions("POST", "clusters/pin",
                         [&ctx](const ApiRequest& r) { return SetPinned(ctx, r, true); });
  router.AddBothVersions("POST", "clusters/unpin",
                         [&ctx](const ApiRequest& r) { return SetPinned(ctx, r, false); });
  RegisterClusterQueryRoutes(router, ctx);
}

}  // namespace dcs::emulator
