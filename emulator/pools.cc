// Instance Pools API 2.0: create, edit, get, list, delete.
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/catalog.h"
#include "emulator/cluster_lifecycle.h"
#include "emulator/cluster_validation.h"
#include "emulator/ids.h"
#include "emulator/json_fields.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

constexpr absl::string_view kCreateFields[] = {
    "instance_pool_name", "node_type_id", "min_idle_instances", "max_capacity",
    "idle_instance_autotermination_minutes", "custom_tags", "enable_elastic_disk", "disk_spec",
    "preloaded_spark_versions", "preloaded_docker_images", "aws_attributes", "azure_attributes",
    "gcp_attributes", "node_type_flexibility", "remote_disk_throughput",
    "total_initial_remote_disk_size"};
// Everything else is create-only; edit ignores it (the Terraform provider sends the
// whole object on update and marks those attributes ForceNew).
constexpr absl::string_view kEditableFields[] = {
    "instance_pool_name", "min_idle_instances", "max_capacity",
    "idle_instance_autotermination_minutes", "custom_tags", "remote_disk_throughput",
    "total_initial_remote_disk_size"};

absl::Status CheckTypes(const Json& body) {
  for (absl::string_view k : {"min_idle_instances", "max_capacity",
                             "idle_instance_autotermination_minutes", "remote_disk_throughput",
                             "total_initial_remote_disk_size"}) {
    auto v = OptInt(body, k);
    if (!v.ok()) return v.status();
    if (v->has_value() && **v < 0) {
      return InvalidParameter(absl::StrCat("Invalid value for field ", k, ": must be non-negative"));
    }
  }
  for (absl::string_view k : {"disk_spec", "aws_attributes", "azure_attributes", "gcp_attributes",
                             "node_type_flexibility"}) {
    if (auto v = OptObject(body, k); !v.ok()) return v.status();
  }
  if (auto v = OptBool(body, "enable_elastic_disk"); !v.ok()) return v.status();
  if (auto s = CheckStringMap(body, "custom_tags"); !s.ok()) return s;
  return CheckStringArray(body, "preloaded_spark_versions");
}

absl::Status CheckLimits(const Json& body) {
  std::string name = body.value("instance_pool_name", "");
  if (name.size() > 100) return InvalidParameter("instance_pool_name must be at most 100 characters");
  if (body.value("idle_instance_autotermination_minutes", int64_t{0}) > 10000) {
    return InvalidParameter("idle_instance_autotermination_minutes must be between 0 and 10000");
  }
  if (Has(body, "max_capacity") &&
      body.value("min_idle_instances", int64_t{0}) > body["max_capacity"].get<int64_t>()) {
    return InvalidParameter("min_idle_instances cannot be greater than max_capacity");
  }
  if (Has(body, "custom_tags") && body["custom_tags"].size() > 43) {
    return InvalidParameter("custom_tags: an instance pool can have at most 43 custom tags");
  }
  if (Has(body, "azure_attributes")) {
    std::string a = body["azure_attributes"].value("availability", "ON_DEMAND_AZURE");
    if (a != "ON_DEMAND_AZURE" && a != "SPOT_AZURE") {
      return InvalidParameter(absl::StrCat("Invalid value for field azure_attributes.availability: ", a));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPreloads(const Json& body, const Workspace& ws) {
  if (Has(body, "preloaded_spark_versions")) {
    const Json& versions = body["preloaded_spark_versions"];
    if (versions.size() > 1) {
      return InvalidParameter(absl::StrCat("preloaded_spark_versions must be less than or equal to "
                                           "1 images, got ", versions.size()));
    }
    for (const Json& v : versions) {
      if (!IsKnownSparkVersion(v.get<std::string>())) {
        return InvalidParameter(absl::StrCat("Invalid spark version ", v.get<std::string>(), "."));
      }
    }
  }
  auto images = OptArray(body, "preloaded_docker_images");
  if (!images.ok() || *images == nullptr) return images.status();
  for (size_t i = 0; i < (*images)->size(); ++i) {
    std::string name = absl::StrCat("preloaded_docker_images[", i, "]");
    const Json& image = (**images)[i];
    if (!image.is_object()) return InvalidParameter(absl::StrCat(name, " must be an object"));
    if (auto s = ValidateDockerImage(image, name); !s.ok()) return s;
  }
  if (!(*images)->empty() && !ws.DcsEnabled()) {
    return FeatureDisabled("Databricks Container Services is not enabled for this workspace, so "
                           "instance pools cannot preload docker images. A workspace admin can "
                           "enable it by setting the workspace configuration enableDcs to true.");
  }
  return absl::OkStatus();
}

absl::Status CheckNameFree(const Workspace& ws, const std::string& name, const std::string& self) {
  for (const auto& [id, p] : ws.pools) {
    if (id != self && p.spec.value("instance_pool_name", "") == name) {
      return AlreadyExists(absl::StrCat("Instance pool with name '", name, "' already exists"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> ValidatePool(const Json& body, const Workspace& ws) {
  auto name = ReqString(body, "instance_pool_name");
  if (!name.ok()) return name.status();
  auto node = ReqString(body, "node_type_id");
  if (!node.ok()) return node.status();
  if (FindNodeType(*node) == nullptr) {
    return InvalidParameter(absl::StrCat("Node type ", *node, " is not supported (field node_type_id)."));
  }
  if (auto s = CheckTypes(body); !s.ok()) return s;
  if (auto s = CheckLimits(body); !s.ok()) return s;
  if (auto s = CheckPreloads(body, ws); !s.ok()) return s;
  Json spec = Json::object();
  for (auto k : kCreateFields) {
    if (Has(body, k)) spec[std::string(k)] = body[std::string(k)];
  }
  return spec;
}

Json RenderPool(const Pool& p, const Workspace& ws) {
  Json j = p.spec;
  j["instance_pool_id"] = p.instance_pool_id;
  j["state"] = "ACTIVE";
  int64_t used = 0;
  for (const auto& [id, c] : ws.clusters) {
    if (c.state == "TERMINATED" || c.spec.value("instance_pool_id", "") != p.instance_pool_id) continue;
    used += 1 + (c.spec.contains("autoscale") ? c.spec["autoscale"].value("min_workers", int64_t{0})
                                              : c.spec.value("num_workers", int64_t{0}));
  }
  j["stats"] = {{"used_count", used}, {"idle_count", p.spec.value("min_idle_instances", 0)},
                {"pending_used_count", 0}, {"pending_idle_count", 0}};
  j["status"] = Json::object();
  j["default_tags"] = {{"Vendor", "Databricks"},
                       {"DatabricksInstancePoolCreatorId", p.creator},
                       {"DatabricksInstancePoolId", p.instance_pool_id}};
  return j;
}

absl::StatusOr<Reply> Create(ServiceContext& ctx, const ApiRequest& req) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto spec = ValidatePool(req.body, ws);
    if (!spec.ok()) return spec.status();
    if (auto s = CheckNameFree(ws, (*spec)["instance_pool_name"], ""); !s.ok()) return s;
    Pool p;
    p.instance_pool_id = NewPoolId(NowMs());
    p.spec = *std::move(spec);
    p.creator = req.principal;
    std::string id = p.instance_pool_id;
    ws.pools[id] = std::move(p);
    ws.Touch();
    return Reply::Ok({{"instance_pool_id", id}});
  });
}

absl::StatusOr<Reply> Edit(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ReqString(req.body, "instance_pool_id");
  if (!id.ok()) return id.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto it = ws.pools.find(*id);
    if (it == ws.pools.end()) return NotFound(absl::StrCat("Instance pool ", *id, " does not exist"));
    Json& spec = it->second.spec;
    Json candidate = spec;  // validate the edited pool as a whole, then keep editable fields
    for (auto k : kEditableFields) candidate.erase(std::string(k));
    for (auto k : kEditableFields) {
      if (Has(req.body, k)) candidate[std::string(k)] = req.body[std::string(k)];
    }
    candidate["node_type_id"] = req.body.value("node_type_id", Json());
    if (auto node = ReqString(req.body, "node_type_id"); !node.ok()) return node.status();
    if (candidate["node_type_id"] != spec["node_type_id"]) {
      return InvalidParameter(absl::StrCat("node_type_id cannot be changed: instance pool ", *id,
                                           " uses ", spec["node_type_id"].get<std::string>()));
    }
    Json checked_input = candidate;
    checked_input.erase("preloaded_docker_images");  // create-only; already accepted at create
    auto valid = ValidatePool(checked_input, ws);
    if (!valid.ok()) return valid.status();
    if (auto s = CheckNameFree(ws, candidate["instance_pool_name"], *id); !s.ok()) return s;
    spec = candidate;
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

absl::StatusOr<Reply> Get(ServiceContext& ctx, const ApiRequest& req) {
  std::string id = req.Query("instance_pool_id");
  if (id.empty()) return MissingField("instance_pool_id");
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    AdvanceAll(ws, NowMs());
    auto it = ws.pools.find(id);
    if (it == ws.pools.end()) return NotFound(absl::StrCat("Instance pool ", id, " does not exist"));
    return Reply::Ok(RenderPool(it->second, ws));
  });
}

absl::StatusOr<Reply> List(ServiceContext& ctx, const ApiRequest&) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    AdvanceAll(ws, NowMs());
    Json pools = Json::array();
    for (const auto& [id, p] : ws.pools) pools.push_back(RenderPool(p, ws));
    Json body = Json::object();
    if (!pools.empty()) body["instance_pools"] = pools;
    return Reply::Ok(body);
  });
}

absl::StatusOr<Reply> Delete(ServiceContext& ctx, const ApiRequest& req) {
  auto id = ReqString(req.body, "instance_pool_id");
  if (!id.ok()) return id.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    if (!ws.pools.erase(*id)) return NotFound(absl::StrCat("Instance pool ", *id, " does not exist"));
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

}  // namespace

void RegisterPoolRoutes(Router& router, ServiceContext& ctx) {
  router.Add("POST", "/api/2.0/instance-pools/create", [&ctx](const ApiRequest& r) { return Create(ctx, r); });
  router.Add("POST", "/api/2.0/instance-pools/edit", [&ctx](const ApiRequest& r) { return Edit(ctx, r); });
  router.Add("GET", "/api/2.0/instance-pools/get", [&ctx](const ApiRequest& r) { return Get(ctx, r); });
  router.Add("GET", "/api/2.0/instance-pools/list", [&ctx](const ApiRequest& r) { return List(ctx, r); });
  router.Add("POST", "/api/2.0/instance-pools/delete", [&ctx](const ApiRequest& r) { return Delete(ctx, r); });
}

}  // namespace dcs::emulator
