#include "resources/cluster_checks.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/databricks/instance_pools_api.h"
#include "resources/compute_blocks.h"
#include "resources/values.h"

namespace dcs::resources {
namespace {

using cty::Path;
constexpr char kVolumesFlag[] = "spark.databricks.unityCatalog.volumes.enabled";

std::optional<std::string> DockerUrl(const cty::Value& config) {
  auto image = GetKnown(config, "docker_image");
  return image ? GetString(*image, "url") : std::nullopt;
}

void CheckRuntimeAndAccessMode(const cty::Value& config, const std::string& url, framework::Diagnostics& d) {
  if (auto version = GetString(config, "spark_version"); version && absl::StrContains(*version, "-ml-")) {
    d.AddError("Custom image with an ML runtime",
               absl::StrCat("spark_version \"", *version, "\" is a Databricks Runtime for Machine Learning, which "
                            "cannot run a custom container (", url, "). Use the standard runtime of the same "
                            "version (e.g. \"", absl::StrReplaceAll(*version, {{"-gpu-ml-", "-"}, {"-cpu-ml-", "-"}, {"-ml-", "-"}}),
                            "\") and install the ML libraries in the image."),
               Path::Root("spark_version"));
  }
  auto mode = GetString(config, "data_security_mode");
  if (!mode) return;
  if (*mode == "USER_ISOLATION" || *mode == "DATA_SECURITY_MODE_STANDARD" || *mode == "LEGACY_TABLE_ACL") {
    d.AddError("Custom image with a shared access mode",
               absl::StrCat("data_security_mode \"", *mode, "\" (shared/standard access) does not support custom "
                            "containers. Use \"SINGLE_USER\" (with single_user_name) or "
                            "\"DATA_SECURITY_MODE_DEDICATED\", or \"NONE\" without Unity Catalog."),
               Path::Root("data_security_mode"));
  } else if (*mode == "DATA_SECURITY_MODE_AUTO") {
    d.AddWarning("Automatic access mode may pick a shared mode",
                 "DATA_SECURITY_MODE_AUTO resolves to the standard (shared) mode for non-ML, non-GPU clusters, "
                 "which refuses custom containers. Set \"SINGLE_USER\" or \"DATA_SECURITY_MODE_DEDICATED\".",
                 Path::Root("data_security_mode"));
  }
}

void CheckImage(const cty::Value& config, const std::string& url, framework::Diagnostics& d) {
  const Path url_path = Path::Root("docker_image").Attr("url");
  if (IsFloatingImageTag(url)) {
    d.AddWarning("Image tag is not pinned",
                 absl::StrCat("\"", url, "\" uses `latest` or no tag, so nodes started at different times may "
                              "run different images and plans cannot see it. Pin a version tag or a digest "
                              "(e.g. dcs_image's `repo_digest`)."),
                 url_path);
  }
  auto node = GetString(config, "node_type_id");
  if (node && IsGpuNodeType(*node) && IsKnownCpuOnlyImage(url)) {
    d.AddWarning("GPU node type with a CPU-only image",
                 absl::StrCat("\"", url, "\" is a Databricks base image built without CUDA, but \"", *node,
                              "\" has NVIDIA GPUs that it cannot use. Build from a GPU base "
                              "(databricksruntime/gpu-* or nvidia/cuda) or pick a CPU node type."),
                 url_path);
  }
}

// Set in the configuration, even if not known yet (e.g. another resource's id).
bool IsSet(const cty::Value& config, const char* name) { return !config.GetAttr(name).IsNull(); }

void CheckConflicts(const cty::Value& config, framework::Diagnostics& d) {
  if (IsSet(config, "instance_pool_id") && IsSet(config, "node_type_id")) {
    d.AddError("node_type_id conflicts with instance_pool_id",
               "A cluster on an instance pool uses the pool's node type. Remove node_type_id (and "
               "driver_node_type_id), or remove instance_pool_id.",
               Path::Root("node_type_id"));
  }
  if (IsSet(config, "driver_instance_pool_id") && IsSet(config, "driver_node_type_id")) {
    d.AddError("driver_node_type_id conflicts with driver_instance_pool_id",
               "The driver uses its pool's node type. Remove driver_node_type_id.", Path::Root("driver_node_type_id"));
  }
  if (IsSet(config, "driver_instance_pool_id") && !IsSet(config, "instance_pool_id")) {
    d.AddError("driver_instance_pool_id needs instance_pool_id",
               "A pool driver requires pool workers: set instance_pool_id too.", Path::Root("driver_instance_pool_id"));
  }
  if (IsSet(config, "num_workers") && IsSet(config, "autoscale")) {
    d.AddError("num_workers conflicts with autoscale",
               "Set either a fixed num_workers or an autoscale block, not both.", Path::Root("num_workers"));
  }
  if (auto scale = GetKnown(config, "autoscale")) {
    auto lo = GetInt(*scale, "min_workers"), hi = GetInt(*scale, "max_workers");
    if (lo && hi && *lo > *hi) {
      d.AddError("autoscale range is empty",
                 absl::StrCat("min_workers (", *lo, ") is larger than max_workers (", *hi, ")."),
                 Path::Root("autoscale").Attr("min_workers"));
    }
  }
}

// The first attribute that reads from /Volumes, if any.
std::optional<Path> VolumesReference(const cty::Value& config) {
  if (auto scripts = GetKnown(config, "init_scripts")) {
    for (size_t i = 0; i < scripts->Elements().size(); ++i) {
      if (GetKnown(scripts->Elements()[i], "volumes")) return Path::Root("init_scripts").Index(i).Attr("volumes");
    }
  }
  if (auto log = GetKnown(config, "cluster_log_conf"); log && GetKnown(*log, "volumes")) {
    return Path::Root("cluster_log_conf").Attr("volumes");
  }
  for (const char* map : {"spark_conf", "spark_env_vars"}) {
    if (auto conf = GetKnown(config, map)) {
      for (const auto& [k, v] : conf->Attributes()) {
        if (v.IsKnown() && !v.IsNull() && absl::StrContains(v.AsString(), "/Volumes/")) {
          return Path::Root(map).Key(k);
        }
      }
    }
  }
  return std::nullopt;
}

void CheckVolumes(const cty::Value& config, framework::Diagnostics& d) {
  auto where = VolumesReference(config);
  if (!where) return;
  auto conf = GetKnown(config, "spark_conf");
  if (conf) {
    auto it = conf->Attributes().find(kVolumesFlag);
    if (it != conf->Attributes().end() && (!it->second.IsKnown() || (!it->second.IsNull() && it->second.AsString() == "true"))) {
      return;
    }
  }
  d.AddWarning("Unity Catalog volumes without the volumes flag",
               absl::StrCat("This cluster reads from /Volumes, which containers only see with spark_conf \"",
                            kVolumesFlag, "\" = \"true\". Add it to spark_conf."),
               *where);
}

}  // namespace

void CheckClusterConfig(const cty::Value& config, framework::Diagnostics& d) {
  if (!config.IsKnown() || config.IsNull()) return;
  CheckConflicts(config, d);
  CheckVolumes(config, d);
  if (auto url = DockerUrl(config)) {
    CheckRuntimeAndAccessMode(config, *url, d);
    CheckImage(config, *url, d);
  }
}

void CheckClusterPools(const cty::Value& config, databricks::Client& client, const std::atomic<bool>* stop,
                       framework::Diagnostics& d) {
  auto url = DockerUrl(config);
  if (!url) return;
  databricks::InstancePoolsApi pools(client);
  for (const char* attr : {"instance_pool_id", "driver_instance_pool_id"}) {
    auto pool_id = GetString(config, attr);
    if (!pool_id) continue;
    auto pool = pools.Get(*pool_id, stop);
    if (!pool.ok()) continue;  // a missing pool fails at apply with the API's message
    const std::vector<std::string> preloaded = databricks::PreloadedImageUrls(*pool);
    if (preloaded.empty()) {
      d.AddError("Pool does not preload Docker images",
                 absl::StrCat("Instance pool ", *pool_id, " ", kPoolWithoutImagesMessage,
                              ". Add a preloaded_docker_image block with url = \"", *url,
                              "\" to the pool (pools get Docker support only when created with preloaded images, "
                              "so this replaces the pool), or run the cluster without the pool."),
                 Path::Root(attr));
    } else if (std::find(preloaded.begin(), preloaded.end(), *url) == preloaded.end()) {
      d.AddError("Image not preloaded by the pool",
                 absl::StrCat("Instance pool ", *pool_id, " preloads ", absl::StrJoin(preloaded, ", "), " but not \"",
                              *url, "\". Add it as a preloaded_docker_image of the pool, or use one of those."),
                 Path::Root("docker_image").Attr("url"));
    }
  }
}

}  // namespace dcs::resources
