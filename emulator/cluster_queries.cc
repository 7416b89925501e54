// Clusters API reads: list (2.0 unpaged, 2.1 paged/filtered/sorted), events,
// spark-versions and list-node-types.
#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/catalog.h"
#include "emulator/cluster_lifecycle.h"
#include "emulator/clusters_api.h"
#include "emulator/ids.h"
#include "emulator/json_fields.h"

namespace dcs::emulator {
namespace {

int StateRank(const std::string& s) {
  static const char* kOrder[] = {"RUNNING", "PENDING", "RESTARTING", "RESIZING", "TERMINATING",
                                 "TERMINATED"};
  for (int i = 0; i < 6; ++i) {
    if (s == kOrder[i]) return i;
  }
  return 6;
}

// Default ordering: state, then pinned first, then name (then id for stability).
bool DefaultLess(const Cluster* a, const Cluster* b) {
  if (StateRank(a->state) != StateRank(b->state)) return StateRank(a->state) < StateRank(b->state);
  if (a->pinned != b->pinned) return a->pinned;
  std::string na = a->spec.value("cluster_name", ""), nb = b->spec.value("cluster_name", "");
  if (na != nb) return na < nb;
  return a->cluster_id < b->cluster_id;
}

absl::StatusOr<int64_t> IntParam(const ApiRequest& req, const std::string& key, int64_t fallback) {
  std::string raw = req.Query(key);
  if (raw.empty()) return fallback;
  int64_t v = 0;
  if (!absl::SimpleAtoi(raw, &v) || v < 0) {
    return InvalidParameter(absl::StrCat("Invalid value for parameter ", key, ": ", raw));
  }
  return v;
}

bool Matches(const Cluster& c, const ApiRequest& req) {
  auto states = req.QueryAll("filter_by.cluster_states");
  if (!states.empty() && std::find(states.begin(), states.end(), c.state) == states.end()) {
    return false;
  }
  auto sources = req.QueryAll("filter_by.cluster_sources");
  if (!sources.empty() && std::find(sources.begin(), sources.end(), "API") == sources.end()) {
    return false;
  }
  std::string pinned = req.Query("filter_by.is_pinned");
  if (!pinned.empty() && (pinned == "true") != c.pinned) return false;
  std::string policy = req.Query("filter_by.policy_id");
  return policy.empty() || c.spec.value("policy_id", "") == policy;
}

absl::Status CheckSort(const ApiRequest& req) {
  std::string field = req.Query("sort_by.field"), dir = req.Query("sort_by.direction");
  if (!field.empty() && field != "CLUSTER_NAME" && field != "DEFAULT") {
    return InvalidParameter(absl::StrCat("Invalid value for parameter sort_by.field: ", field));
  }
  if (!dir.empty() && dir != "ASC" && dir != "DESC") {
    return InvalidParameter(absl::StrCat("Invalid value for parameter sort_by.direction: ", dir));
  }
  return absl::OkStatus();
}

std::vector<const Cluster*> Sorted(const Workspace& ws, const ApiRequest& req) {
  std::vector<const Cluster*> out;
  for (const auto& [id, c] : ws.clusters) {
    if (Matches(c, req)) out.push_back(&c);
  }
  bool by_name = req.Query("sort_by.field") == "CLUSTER_NAME";
  std::sort(out.begin(), out.end(), [by_name](const Cluster* a, const Cluster* b) {
    if (by_name && a->spec.value("cluster_name", "") != b->spec.value("cluster_name", "")) {
      return a->spec.value("cluster_name", "") < b->spec.value("cluster_name", "");
    }
    return DefaultLess(a, b);
  });
  if (req.Query("sort_by.direction") == "DESC") std::reverse(out.begin(), out.end());
  return out;
}

// 2.0: every cluster, no paging. An empty workspace answers {} like the service.
absl::StatusOr<Reply> ListV20(ServiceContext& ctx, const ApiRequest& req) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    AdvanceAll(ws, NowMs());
    Json clusters = Json::array();
    ApiRequest unfiltered;
    for (const Cluster* c : Sorted(ws, unfiltered)) clusters.push_back(RenderCluster(*c, ws, false));
    Json body = Json::object();
    if (!clusters.empty()) body["clusters"] = clusters;
    return Reply::Ok(body);
  });
}

absl::StatusOr<Reply> ListV21(ServiceContext& ctx, const ApiRequest& req) {
  if (auto s = CheckSort(req); !s.ok()) return s;
  auto page_size = IntParam(req, "page_size", 100);
  if (!page_size.ok()) return page_size.status();
  int64_t size = *page_size == 0 ? 100 : std::min<int64_t>(*page_size, 100);
  int64_t offset = 0;
  std::string token = req.Query("page_token");
  if (!token.empty() && (token[0] != 'p' || !absl::SimpleAtoi(token.substr(1), &offset))) {
    return InvalidParameter(absl::StrCat("Invalid page_token: ", token));
  }
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    AdvanceAll(ws, NowMs());
    std::vector<const Cluster*> all = Sorted(ws, req);
    Json clusters = Json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(all.size()) && i < offset + size; ++i) {
      clusters.push_back(RenderCluster(*all[i], ws, false));
    }
    Json body = Json::object();
    if (!clusters.empty()) body["clusters"] = clusters;
    bool more = offset + size < static_cast<int64_t>(all.size());
    body["next_page_token"] = more ? absl::StrCat("p", offset + size) : "";
    body["prev_page_token"] = offset > 0 ? absl::StrCat("p", std::max<int64_t>(0, offset - size)) : "";
    return Reply::Ok(body);
  });
}

struct EventQuery {
  std::string cluster_id;
  int64_t start = 0, end = 0, offset = 0, limit = 50;
  bool asc = false;
  std::vector<std::string> types;
};

absl::StatusOr<EventQuery> ParseEventQuery(const Json& body) {
  EventQuery q;
  auto id = ReqString(body, "cluster_id");
  if (!id.ok()) return id.status();
  q.cluster_id = *id;
  for (auto [key, dst] : {std::pair{"start_time", &q.start}, {"end_time", &q.end},
                          {"offset", &q.offset}, {"limit", &q.limit}, {"page_size", &q.limit}}) {
    auto v = OptInt(body, key);
    if (!v.ok()) return v.status();
    if (v->has_value()) *dst = **v;
  }
  auto order = OptString(body, "order");
  if (!order.ok()) return order.status();
  if (order->has_value() && **order != "ASC" && **order != "DESC") {
    return InvalidParameter(absl::StrCat("Invalid value for field order: ", **order));
  }
  q.asc = order->has_value() && **order == "ASC";
  if (q.limit <= 0 || q.limit > 500) q.limit = q.limit <= 0 ? 50 : 500;
  auto token = OptString(body, "page_token");
  if (!token.ok()) return token.status();
  if (token->has_value() && !(*token)->empty() && !absl::SimpleAtoi(**token, &q.offset)) {
    return InvalidParameter(absl::StrCat("Invalid page_token: ", **token));
  }
  if (auto s = CheckStringArray(body, "event_types"); !s.ok()) return s;
  if (Has(body, "event_types")) q.types = body["event_types"].get<std::vector<std::string>>();
  return q;
}

Json SelectEvents(const Json& events, const EventQuery& q) {
  Json out = Json::array();
  for (const Json& e : events) {
    int64_t ts = e["timestamp"].get<int64_t>();
    if (q.start != 0 && ts < q.start) continue;
    if (q.end != 0 && ts > q.end) continue;
    if (!q.types.empty() &&
        std::find(q.types.begin(), q.types.end(), e["type"].get<std::string>()) == q.types.end()) {
      continue;
    }
    out.push_back(e);
  }
  if (!q.asc) std::reverse(out.begin(), out.end());
  return out;
}

absl::StatusOr<Reply> Events(ServiceContext& ctx, const ApiRequest& req) {
  auto q = ParseEventQuery(req.body);
  if (!q.ok()) return q.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.clusters.find(q->cluster_id);
    if (it == ws.clusters.end()) return ClusterNotFound(ctx, q->cluster_id);
    Advance(it->second, ws, NowMs());
    Json all = SelectEvents(it->second.events, *q);
    int64_t total = static_cast<int64_t>(all.size());
    Json page = Json::array();
    for (int64_t i = q->offset; i < total && i < q->offset + q->limit; ++i) page.push_back(all[i]);
    Json body = {{"events", page}, {"total_count", total}};
    if (q->offset + q->limit < total) {
      Json next = req.body;
      next["offset"] = q->offset + q->limit;
      next["limit"] = q->limit;
      body["next_page"] = next;
      body["next_page_token"] = absl::StrCat(q->offset + q->limit);
    }
    return Reply::Ok(body);
  });
}

}  // namespace

void RegisterClusterQueryRoutes(Router& router, ServiceContext& ctx) {
  router.Add("GET", "/api/2.0/clusters/list", [&ctx](const ApiRequest& r) { return ListV20(ctx, r); });
  router.Add("GET", "/api/2.1/clusters/list", [&ctx](const ApiRequest& r) { return ListV21(ctx, r); });
  router.AddBothVersions("POST", "clusters/events",
                         [&ctx](const ApiRequest& r) { return Events(ctx, r); });
  router.AddBothVersions("GET", "clusters/spark-versions", [](const ApiRequest&) {
    return absl::StatusOr<Reply>(Reply::Ok(SparkVersionsResponse()));
  });
  router.AddBothVersions("GET", "clusters/list-node-types", [](const ApiRequest&) {
    return absl::StatusOr<Reply>(Reply::Ok(NodeTypesResponse()));
  });
}

}  // namespace dcs::emulator
