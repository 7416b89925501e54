// The dcs_cluster schema: API field names, blocks for nested structures
// (as in terraform-provider-databricks), provider-only settings last.
#include "resources/cluster_schema.h"

#include "resources/compute_blocks.h"
#include "resources/image_preflight.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {

using schema::Attribute;
using schema::Mode;
using schema::NestedBlock;
using schema::Nesting;
namespace fw = framework;

const TimeoutDefaults kClusterTimeouts{std::chrono::minutes(30), std::chrono::minutes(30), std::chrono::minutes(20)};

schema::Schema ClusterSchema() {
  const cty::Type S = cty::Type::String();
  const cty::Type N = cty::Type::Number();
  const cty::Type B = cty::Type::Bool();
  const cty::Type MapS = cty::Type::Map(S);
  schema::Schema s;
  s.block.description =
      "A Databricks cluster (Clusters API 2.1), typically running a custom image through Databricks "
      "Container Services.\n\n"
      "Create waits until the cluster is `RUNNING` (set `no_wait = true` to return as soon as it is "
      "accepted); a cluster that terminates while starting fails the apply with its termination reason. "
      "Updates use `clusters/edit`: **a running cluster restarts** to apply them; a terminated one stays "
      "terminated. `idempotency_token` cannot be edited and forces a new cluster. Destroy permanently "
      "deletes the cluster.\n\n"
      "Checked at plan, on the attribute: a `docker_image` with an ML runtime or a shared / "
      "`USER_ISOLATION` / `DATA_SECURITY_MODE_STANDARD` access mode; `instance_pool_id` together with "
      "`node_type_id`; `num_workers` together with `autoscale`; a `docker_image` missing from the pool's "
      "preloaded images (looked up when the pool id is known); the image itself in its registry (see "
      "`preflight`). Warnings: floating image tags, Unity Catalog volumes without "
      "`spark.databricks.unityCatalog.volumes.enabled`, a GPU node type with a CPU-only Databricks base image.";
  s.block.attributes = {
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed, .description = "The cluster id (same as `cluster_id`).",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "cluster_id", .type = S, .mode = Mode::kComputed, .description = "The cluster id.",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "cluster_name", .type = S, .description = "Display name (not unique)."},
      Attribute{.name = "spark_version", .type = S, .mode = Mode::kRequired,
                .description = "Runtime key, e.g. `14.3.x-scala2.12` or `14.3.x-gpu-ml-scala2.12`. Custom images "
                               "need a standard (non-ML) runtime."},
      Attribute{.name = "node_type_id", .type = S, .mode = Mode::kOptionalComputed,
                .description = "Worker node type, e.g. `Standard_NC6s_v3`. Leave unset with `instance_pool_id` "
                               "(the pool's node type is used and shown here)."},
      Attribute{.name = "driver_node_type_id", .type = S, .mode = Mode::kOptionalComputed,
                .description = "Driver node type; defaults to `node_type_id`."},
      Attribute{.name = "num_workers", .type = N, .mode = Mode::kOptionalComputed,
                .description = "Fixed number of workers (0 = single node). Conflicts with `autoscale`.",
                .validators = {fw::IntBetween(0, 100000)}},
      Attribute{.name = "spark_conf", .type = MapS, .description = "Spark configuration key/value pairs."},
      Attribute{.name = "spark_env_vars", .type = MapS, .description = "Environment variables for Spark processes."},
      Attribute{.name = "custom_tags", .type = MapS, .description = "Tags for the cloud resources (merged with `default_tags`)."},
      Attribute{.name = "instance_pool_id", .type = S, .description = "Pool for the workers (and the driver unless `driver_instance_pool_id`)."},
      Attribute{.name = "driver_instance_pool_id", .type = S, .description = "Pool for the driver; needs `instance_pool_id`."},
      Attribute{.name = "data_security_mode", .type = S, .mode = Mode::kOptionalComputed,
                .description = "Access mode. Custom images need a dedicated mode: `SINGLE_USER`, `NONE`, "
                               "`DATA_SECURITY_MODE_DEDICATED` or `LEGACY_SINGLE_USER`.",
                .validators = {fw::OneOf({"NONE", "SINGLE_USER", "USER_ISOLATION", "LEGACY_TABLE_ACL",
                                          "LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER", "LEGACY_SINGLE_USER_STANDARD",
                                          "DATA_SECURITY_MODE_STANDARD", "DATA_SECURITY_MODE_DEDICATED",
                                          "DATA_SECURITY_MODE_AUTO"})}},
      Attribute{.name = "single_user_name", .type = S, .description = "User or group of a `SINGLE_USER` cluster."},
      Attribute{.name = "runtime_engine", .type = S, .mode = Mode::kOptionalComputed,
                .description = "`STANDARD` or `PHOTON`.", .validators = {fw::OneOf({"STANDARD", "PHOTON"})}},
      Attribute{.name = "autotermination_minutes", .type = N, .mode = Mode::kOptionalComputed,
                .description = "Terminate after this many idle minutes (10–10000; 0 = never).",
                .validators = {fw::IntBetween(0, 10000)}},
      Attribute{.name = "enable_elastic_disk", .type = B, .mode = Mode::kOptionalComputed,
                .description = "Autoscaling local storage (the service turns it on by default)."},
      Attribute{.name = "enable_local_disk_encryption", .type = B, .mode = Mode::kOptionalComputed,
                .description = "Encrypt local disks."},
      Attribute{.name = "ssh_public_keys", .type = cty::Type::List(S), .description = "Up to 10 SSH public keys for the nodes."},
      Attribute{.name = "policy_id", .type = S, .description = "Cluster policy."},
      Attribute{.name = "apply_policy_default_values", .type = B,
                .description = "Fill unset fields from the policy's defaults."},
      Attribute{.name = "idempotency_token", .type = S,
                .description = "At most 64 characters. A create with a token held by a live cluster returns that "
                               "cluster instead of starting another. dcs also sends a token of its own to every "
                               "create it retries, so retries never duplicate clusters.",
                .validators = {fw::LengthBetween(1, 64)},
                // clusters/edit does not take it; the API never returns it,
                // so an imported cluster adopts the configured token.
                .plan_modifiers = {fw::RequiresReplaceIf(
                    [](const schema::AttributePlanRequest& req) { return !req.prior.IsNull(); },
                    "If it changes, the cluster is replaced — unless the state has no token yet (an imported "
                    "cluster, whose token the API does not return, adopts the configured one).")}},
      Attribute{.name = "no_wait", .type = B,
                .description = "Return from create as soon as the cluster is accepted instead of waiting for `RUNNING`."},
      Attribute{.name = "state", .type = S, .mode = Mode::kComputed,
                .description = "Last seen state (`PENDING`, `RUNNING`, `TERMINATED`, …). Not drift: a stopped "
                               "cluster is not restarted by apply."},
      Attribute{.name = "default_tags", .type = MapS, .mode = Mode::kComputed,
                .description = "Tags the service adds (Vendor, Creator, ClusterName, ClusterId, …)."},
      Attribute{.name = "url", .type = S, .mode = Mode::kComputed, .description = "The cluster's page in the workspace UI.",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      PreflightAttribute(),
  };
  s.block.blocks = {
      NestedBlock{.name = "autoscale", .nesting = Nesting::kSingle,
                  .block = schema::MakeBlock(
                      {Attribute{.name = "min_workers", .type = N, .mode = Mode::kRequired, .description = "Fewest workers.",
                                 .validators = {fw::IntBetween(0, 100000)}},
                       Attribute{.name = "max_workers", .type = N, .mode = Mode::kRequired, .description = "Most workers.",
                                 .validators = {fw::IntBetween(1, 100000)}}},
                      {}, "Autoscaling range. Conflicts with `num_workers`.")},
      DockerImageBlock("docker_image", Nesting::kSingle, 0),
      InitScriptsBlock(),
      AzureAttributesBlock(ComputeKind::kCluster),
      AwsAttributesBlock(ComputeKind::kCluster),
      ClusterLogConfBlock(),
      TimeoutsBlock(kClusterTimeouts),
  };
  return s;
}

ApiMapping ClusterApiMapping() {
  ApiMapping m;
  m.state_only = {"id", "url", "idempotency_token", "no_wait", "timeouts", "apply_policy_default_values", "preflight"};
  AddDockerImageStateOnlyFields("docker_image", m.state_only);
  m.api_only = {
      // Settings dcs does not offer (yet): preview kinds, other clouds, flexible node types, GCP disks.
      "kind", "is_single_node", "use_ml_runtime", "workload_type", "gcp_attributes", "clone_from",
      "dependency_mode", "driver_node_type_flexibility", "worker_node_type_flexibility", "remote_disk_throughput",
      "total_initial_remote_disk_size", "cluster_mount_infos", "azure_attributes.log_analytics_info",
      "azure_attributes.capacity_reservation_group",
      // Read-only status of clusters/get and clusters/list (cluster_id, state and default_tags are mapped).
      "state_message", "start_time", "terminated_time", "last_restarted_time", "last_state_loss_time",
      "termination_reason", "creator_user_name", "cluster_source", "spark_context_id", "driver", "executors",
      "jdbc_port", "cluster_memory_mb", "cluster_cores", "cluster_log_status", "spec"};
  return m;
}

}  // namespace dcs::resources
