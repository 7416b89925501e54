#include "emulator/cluster_validation.h"

#include <regex>


#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/catalog.h"
#include "emulator/json_fields.h"

namespace dcs::emulator {
namespace {

constexpr absl::string_view kStringFields[] = {
    "cluster_name", "spark_version", "node_type_id", "driver_node_type_id", "instance_pool_id",
    "driver_instance_pool_id", "data_security_mode", "single_user_name", "runtime_engine",
    "policy_id", "kind", "idempotency_token", "dependency_mode"};
constexpr absl::string_view kIntFields[] = {"num_workers", "autotermination_minutes",
                                           "remote_disk_throughput",
                                           "total_initial_remote_disk_size"};
constexpr absl::string_view kBoolFields[] = {"enable_elastic_disk", "enable_local_disk_encryption",
                                            "apply_policy_default_values", "is_single_node",
                                            "use_ml_runtime"};
constexpr absl::string_view kMapFields[] = {"spark_conf", "spark_env_vars", "custom_tags"};
constexpr absl::string_view kObjectFields[] = {
    "autoscale", "docker_image", "aws_attributes", "azure_attributes", "gcp_attributes",
    "cluster_log_conf", "workload_type", "clone_from", "driver_node_type_flexibility",
    "worker_node_type_flexibility"};
constexpr absl::string_view kArrayFields[] = {"init_scripts", "ssh_public_keys",
                                             "cluster_mount_infos"};

constexpr absl::string_view kAccessModes[] = {
    "DATA_SECURITY_MODE_AUTO", "DATA_SECURITY_MODE_STANDARD", "DATA_SECURITY_MODE_DEDICATED",
    "USER_ISOLATION", "SINGLE_USER", "NONE", "LEGACY_TABLE_ACL", "LEGACY_PASSTHROUGH",
    "LEGACY_SINGLE_USER", "LEGACY_SINGLE_USER_STANDARD"};
constexpr absl::string_view kInitScriptKinds[] = {"workspace", "volumes", "dbfs", "abfss",
                                                 "file",      "s3",      "gcs"};

template <size_t N>
bool OneOf(absl::string_view v, const absl::string_view (&set)[N]) {
  for (auto s : set) {
    if (v == s) return true;
  }
  return false;
}

absl::Status CheckTypes(const Json& body) {
  for (auto k : kStringFields) {
    if (auto r = OptString(body, k); !r.ok()) return r.status();
  }
  for (auto k : kIntFields) {
    if (auto r = OptInt(body, k); !r.ok()) return r.status();
  }
  for (auto k : kBoolFields) {
    if (auto r = OptBool(body, k); !r.ok()) return r.status();
  }
  for (auto k : kMapFields) {
    if (auto s = CheckStringMap(body, k); !s.ok()) return s;
  }
  for (auto k : kObjectFields) {
    if (auto r = OptObject(body, k); !r.ok()) return r.status();
  }
  for (auto k : kArrayFields) {
    if (auto r = OptArray(body, k); !r.ok()) return r.status();
  }
  return CheckStringArray(body, "ssh_public_keys");
}

Json KnownFieldsOnly(const Json& body) {
  Json out = Json::object();
  auto copy = [&](absl::string_view k) {
    if (Has(body, k)) out[std::string(k)] = body[std::string(k)];
  };
  for (auto k : kStringFields) copy(k);
  for (auto k : kIntFields) copy(k);
  for (auto k : kBoolFields) copy(k);
  for (auto k : kMapFields) copy(k);
  for (auto k : kObjectFields) copy(k);
  for (auto k : kArrayFields) copy(k);
  return out;
}

absl::Status CheckRuntime(const Json& body) {
  auto version = ReqString(body, "spark_version");
  if (!version.ok()) return version.status();
  if (!IsKnownSparkVersion(*version)) {
    return InvalidParameter(absl::StrCat("Invalid spark version ", *version, "."));
  }
  std::string engine = body.value("runtime_engine", "");
  if (!engine.empty() && engine != "STANDARD" && engine != "PHOTON") {
    return InvalidParameter(absl::StrCat("Invalid value for field runtime_engine: ", engine,
                                         " (expected STANDARD or PHOTON)"));
  }
  if (!engine.empty() && IsPhotonKey(*version)) {
    return InvalidParameter(absl::StrCat("runtime_engine cannot be set together with the Photon "
                                         "spark_version ", *version));
  }
  std::string kind = body.value("kind", "");
  if (!kind.empty() && kind != "CLASSIC_PREVIEW") {
    return InvalidParameter(absl::StrCat("Invalid value for field kind: ", kind));
  }
  for (absl::string_view f : {"is_single_node", "use_ml_runtime"}) {
    if (Has(body, f) && kind.empty()) {
      return InvalidParameter(absl::StrCat(f, " can only be set when kind is CLASSIC_PREVIEW"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNodeType(const Json& body, absl::string_view field) {
  std::string id = body.value(std::string(field), "");
  if (!id.empty() && FindNodeType(id) == nullptr) {
    return InvalidParameter(absl::StrCat("Node type ", id, " is not supported (field ", field,
                                         "). Supported node types are listed by "
                                         "clusters/list-node-types."));
  }
  return absl::OkStatus();
}

absl::Status CheckPoolExists(const Workspace& ws, const std::string& id, absl::string_view field) {
  if (!id.empty() && ws.pools.find(id) == ws.pools.end()) {
    return InvalidParameter(absl::StrCat("Instance pool ", id, " (field ", field,
                                         ") does not exist"));
  }
  return absl::OkStatus();
}

absl::Status CheckNodesAndPools(const Json& body, const Workspace& ws) {
  std::string pool = body.value("instance_pool_id", "");
  std::string driver_pool = body.value("driver_instance_pool_id", "");
  if (pool.empty()) {
    if (!driver_pool.empty()) {
      return InvalidParameter("driver_instance_pool_id requires instance_pool_id to be set");
    }
    if (!Has(body, "node_type_id") || body["node_type_id"] == "") {
      return MissingField("node_type_id");
    }
    if (auto s = CheckNodeType(body, "node_type_id"); !s.ok()) return s;
    return CheckNodeType(body, "driver_node_type_id");
  }
  for (absl::string_view f : {"node_type_id", "driver_node_type_id"}) {
    if (Has(body, f)) {
      return InvalidParameter(absl::StrCat(
          "The field ", f, " cannot be supplied when instance_pool_id is set: cluster nodes "
          "take the node type of instance pool ", pool));
    }
  }
  if (auto s = CheckPoolExists(ws, pool, "instance_pool_id"); !s.ok()) return s;
  return CheckPoolExists(ws, driver_pool, "driver_instance_pool_id");
}

absl::Status CheckAutoscale(const Json& scale) {
  auto min = OptInt(scale, "min_workers", "autoscale.min_workers");
  if (!min.ok()) return min.status();
  auto max = OptInt(scale, "max_workers", "autoscale.max_workers");
  if (!max.ok()) return max.status();
  if (!min->has_value()) return MissingField("autoscale.min_workers");
  if (!max->has_value()) return MissingField("autoscale.max_workers");
  if (**min < 0) return InvalidParameter("autoscale.min_workers must be non-negative");
  if (**max <= **min) {
    return InvalidParameter(absl::StrCat("Invalid autoscale settings: max_workers (", **max,
                                         ") must be greater than min_workers (", **min, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateClusterSize(const Json& body) {
  auto workers = OptInt(body, "num_workers");
  if (!workers.ok()) return workers.status();
  auto scale = OptObject(body, "autoscale");
  if (!scale.ok()) return scale.status();
  if (*scale != nullptr) {
    if (workers->has_value() && **workers != 0) {
      return InvalidParameter("Only one of num_workers or autoscale can be specified");
    }
    return CheckAutoscale(**scale);
  }
  if (!workers->has_value()) {
    return InvalidParameter("One of num_workers or autoscale must be specified");
  }
  if (**workers < 0 || **workers > 100000) {
    return InvalidParameter(absl::StrCat("Invalid value for field num_workers: ", **workers));
  }
  return absl::OkStatus();
}

bool IsSecretReference(const std::string& value) {
  static const std::regex kRef(R"(^\{\{secrets/[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+\}\}$)");
  return std::regex_match(value, kRef);
}

std::pair<std::string, std::string> SplitSecretReference(const std::string& value) {
  std::string inner = value.substr(10, value.size() - 12);  // strip "{{secrets/" and "}}"
  auto slash = inner.find('/');
  return {inner.substr(0, slash), inner.substr(slash + 1)};
}

absl::Status ValidateDockerImage(const Json& image, const std::string& name) {
  auto url = ReqString(image, "url", name + ".url");
  if (!url.ok()) return url.status();
  if (url->find_first_of(" \t\n") != std::string::npos) {
    return InvalidParameter(absl::StrCat("Invalid value for field ", name, ".url: '", *url,
                                         "' is not a valid image reference"));
  }
  auto auth = OptObject(image, "basic_auth", name + ".basic_auth");
  if (!auth.ok() || *auth == nullptr) return auth.status();
  for (absl::string_view f : {"username", "password"}) {
    std::string field = absl::StrCat(name, ".basic_auth.", f);
    auto v = ReqString(**auth, f, field);
    if (!v.ok()) return v.status();
    if (absl::StartsWith(*v, "{{secrets/") && !IsSecretReference(*v)) {
      return InvalidParameter(absl::StrCat("Invalid secret reference in field ", field,
                                           ": expected {{secrets/<scope>/<key>}}"));
    }
  }
  return absl::OkStatus();
}

namespace {

absl::Status DcsDisabled(absl::string_view what) {
  return FeatureDisabled(absl::StrCat(
      "Databricks Container Services is not enabled for this workspace, so ", what,
      " cannot use docker_image. A workspace admin can enable it by setting the workspace "
      "configuration enableDcs to true."));
}

// Standard (shared) access mode, or AUTO when it would resolve to Standard.
bool IsStandardAccess(const Json& body) {
  std::string mode = body.value("data_security_mode", "");
  if (mode == "USER_ISOLATION" || mode == "DATA_SECURITY_MODE_STANDARD") return true;
  if (mode != "DATA_SECURITY_MODE_AUTO") return false;
  const Json* node = FindNodeType(body.value("node_type_id", ""));
  bool gpu = node != nullptr && node->contains("num_gpus");
  return !IsMlRuntime(body.value("spark_version", "")) && !body.value("use_ml_runtime", false) &&
         !gpu;
}

absl::Status CheckDocker(const Json& body, const Workspace& ws) {
  const Json& image = body["docker_image"];
  if (auto s = ValidateDockerImage(image, "docker_image"); !s.ok()) return s;
  if (!ws.DcsEnabled()) return DcsDisabled("clusters");
  std::string version = body.value("spark_version", "");
  if (IsMlRuntime(version) || body.value("use_ml_runtime", false)) {
    return InvalidParameter(absl::StrCat(
        "Custom containers (docker_image) are not supported on Databricks Runtime for Machine "
        "Learning (spark_version ", version, "). Use a standard runtime."));
  }
  if (IsStandardAccess(body)) {
    return InvalidParameter(absl::StrCat(
        "Custom containers (docker_image) are not supported with data_security_mode ",
        body.value("data_security_mode", ""),
        " (standard/shared access mode). Use SINGLE_USER (dedicated) or NONE."));
  }
  for (absl::string_view f : {"instance_pool_id", "driver_instance_pool_id"}) {
    auto pool = ws.pools.find(body.value(std::string(f), ""));
    if (pool == ws.pools.end()) continue;
    const Json& images = pool->second.spec.value("preloaded_docker_images", Json::array());
    if (images.empty()) {
      return InvalidParameter(absl::StrCat("Instance pool ", pool->first,
                                           " does not have docker images configured, thus not "
                                           "supporting Docker container"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckInitScripts(const Json& body) {
  if (!Has(body, "init_scripts")) return absl::OkStatus();
  const Json& scripts = body["init_scripts"];
  for (size_t i = 0; i < scripts.size(); ++i) {
    std::string name = absl::StrCat("init_scripts[", i, "]");
    if (!scripts[i].is_object() || scripts[i].size() != 1 ||
        !OneOf(scripts[i].begin().key(), kInitScriptKinds)) {
      return InvalidParameter(absl::StrCat(name, " must set exactly one destination kind "
                                           "(workspace, volumes, dbfs, abfss, file, s3, gcs)"));
    }
    const Json& dest = scripts[i].begin().value();
    auto d = ReqString(dest, "destination",
                       absl::StrCat(name, ".", scripts[i].begin().key(), ".destination"));
    if (!d.ok()) return d.status();
  }
  return absl::OkStatus();
}

absl::Status CheckLimits(const Json& body) {
  if (auto minutes = body.value("autotermination_minutes", int64_t{0});
      minutes != 0 && (minutes < 10 || minutes > 10000)) {
    return InvalidParameter(absl::StrCat("Invalid value for field autotermination_minutes: ",
                                         minutes, ". It must be 0 or between 10 and 10000."));
  }
  if (Has(body, "custom_tags") && body["custom_tags"].size() > 45) {
    return InvalidParameter("custom_tags: a cluster can have at most 45 custom tags");
  }
  if (Has(body, "ssh_public_keys") && body["ssh_public_keys"].size() > 10) {
    return InvalidParameter("ssh_public_keys: at most 10 keys can be specified");
  }
  if (body.value("idempotency_token", "").size() > 64) {
    return InvalidParameter("idempotency_token must be at most 64 characters");
  }
  std::string mode = body.value("data_security_mode", "");
  if (!mode.empty() && !OneOf(mode, kAccessModes)) {
    return InvalidParameter(absl::StrCat("Invalid value for field data_security_mode: ", mode));
  }
  return CheckInitScripts(body);
}

}  // namespace

absl::StatusOr<Json> ValidateClusterSpec(const Json& body, const Workspace& ws) {
  if (auto s = CheckTypes(body); !s.ok()) return s;
  if (auto s = CheckRuntime(body); !s.ok()) return s;
  if (auto s = ValidateClusterSize(body); !s.ok()) return s;
  if (auto s = CheckNodesAndPools(body, ws); !s.ok()) return s;
  if (auto s = CheckLimits(body); !s.ok()) return s;
  if (Has(body, "docker_image")) {
    if (auto s = CheckDocker(body, ws); !s.ok()) return s;
  }
  return KnownFieldsOnly(body);
}

}  // namespace dcs::emulator
