#include "resources/compute_blocks.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using schema::Attribute;
using schema::MakeBlock;
using schema::Mode;
using schema::NestedBlock;
using schema::Nesting;
namespace fw = framework;

const cty::Type S = cty::Type::String();
const cty::Type N = cty::Type::Number();
const cty::Type B = cty::Type::Bool();

NestedBlock Single(std::string name, std::vector<Attribute> attrs, std::string description,
                   std::vector<NestedBlock> blocks = {}) {
  return NestedBlock{.name = std::move(name), .nesting = Nesting::kSingle,
                     .block = MakeBlock(std::move(attrs), std::move(blocks), std::move(description))};
}

NestedBlock Destination(std::string name, std::string what) {
  return Single(std::move(name),
                {Attribute{.name = "destination", .type = S, .mode = Mode::kRequired,
                           .description = "Path, e.g. " + what + "."}},
                "");
}

NestedBlock S3Destination() {
  return Single("s3",
                {Attribute{.name = "destination", .type = S, .mode = Mode::kRequired, .description = "`s3://bucket/key`."},
                 Attribute{.name = "region", .type = S, .description = "Bucket region."},
                 Attribute{.name = "endpoint", .type = S, .description = "S3 endpoint."},
                 Attribute{.name = "enable_encryption", .type = B, .description = "Server-side encryption."},
                 Attribute{.name = "encryption_type", .type = S, .description = "`sse-s3` or `sse-kms`."},
                 Attribute{.name = "kms_key", .type = S, .description = "KMS key for `sse-kms`."},
                 Attribute{.name = "canned_acl", .type = S, .description = "Canned ACL, e.g. `bucket-owner-full-control`."}},
                "");
}

}  // namespace

NestedBlock DockerImageBlock(std::string name, Nesting nesting, int64_t max_items) {
  auto basic_auth = MakeBlock(
      {Attribute{.name = "username", .type = S, .mode = Mode::kRequired,
                 .description = "Registry user, or a `{{secrets/scope/key}}` reference (passed through untouched)."},
       Attribute{.name = "password", .type = S, .mode = Mode::kRequired,
                 .description = "Registry password or token, or a `{{secrets/scope/key}}` reference (recommended: "
                                "the workspace resolves it at cluster start). Write-only on Terraform >= 1.11 / "
                                "OpenTofu >= 1.11 — never stored in state; bump `password_version` to push a "
                                "rotated value. On older clients it is a sensitive attribute kept in state.",
                 .sensitive = true, .write_only = true},
       Attribute{.name = "password_version", .type = N,
                 .description = "Any number; change it to send a new `password` (a write-only value alone never "
                                "shows as a change)."}},
      {}, "Credentials for a private registry.");
  return NestedBlock{
      .name = std::move(name),
      .nesting = nesting,
      .block = MakeBlock(
          {Attribute{.name = "url", .type = S, .mode = Mode::kRequired,
                     .description = "Image reference, e.g. `myacr.azurecr.io/nlp/gpu@sha256:…` or `…:1.4.2`. Pin a "
                                    "tag or digest: `latest` warns at plan."}},
          {NestedBlock{.name = "basic_auth", .nesting = Nesting::kSingle, .block = basic_auth}},
          "A custom container image (Databricks Container Services)."),
      .max_items = max_items,
  };
}

NestedBlock AzureAttributesBlock(ComputeKind kind) {
  std::vector<Attribute> attrs = {
      Attribute{.name = "availability", .type = S, .mode = Mode::kOptionalComputed,
                .description = "`ON_DEMAND_AZURE` or `SPOT_AZURE`" + std::string(kind == ComputeKind::kPool ? "." : " or `SPOT_WITH_FALLBACK_AZURE`."),
                .validators = {fw::OneOf({"ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"})}},
      Attribute{.name = "spot_bid_max_price", .type = N, .mode = Mode::kOptionalComputed,
                .description = "Maximum spot price in US dollars; `-1` = up to the on-demand price."},
  };
  if (kind == ComputeKind::kCluster) {
    attrs.push_back(Attribute{.name = "first_on_demand", .type = N, .mode = Mode::kOptionalComputed,
                              .description = "Nodes (driver first) placed on on-demand instances."});
  }
  return Single("azure_attributes", std::move(attrs), "Azure placement settings.");
}

NestedBlock AwsAttributesBlock(ComputeKind kind) {
  std::vector<Attribute> attrs = {
      Attribute{.name = "availability", .type = S, .mode = Mode::kOptionalComputed,
                .description = "`ON_DEMAND`, `SPOT`" + std::string(kind == ComputeKind::kPool ? "." : " or `SPOT_WITH_FALLBACK`.")},
      Attribute{.name = "zone_id", .type = S, .mode = Mode::kOptionalComputed, .description = "Availability zone, or `auto`."},
      Attribute{.name = "spot_bid_price_percent", .type = N, .mode = Mode::kOptionalComputed,
                .description = "Spot bid as a percentage of the on-demand price."},
  };
  if (kind == ComputeKind::kCluster) {
    std::vector<Attribute> more = {
        Attribute{.name = "instance_profile_arn", .type = S, .description = "Instance profile for the nodes."},
        Attribute{.name = "first_on_demand", .type = N, .mode = Mode::kOptionalComputed, .description = "Nodes placed on on-demand instances."},
        Attribute{.name = "ebs_volume_type", .type = S, .description = "`GENERAL_PURPOSE_SSD` or `THROUGHPUT_OPTIMIZED_HDD`."},
        Attribute{.name = "ebs_volume_count", .type = N, .description = "EBS volumes per node."},
        Attribute{.name = "ebs_volume_size", .type = N, .description = "Size of each volume in GiB."},
        Attribute{.name = "ebs_volume_iops", .type = N, .description = "IOPS of gp3 volumes."},
        Attribute{.name = "ebs_volume_throughput", .type = N, .description = "Throughput of gp3 volumes (MiB/s)."},
    };
    attrs.insert(attrs.end(), more.begin(), more.end());
  }
  return Single("aws_attributes", std::move(attrs), "AWS placement settings.");
}

NestedBlock InitScriptsBlock() {
  return NestedBlock{
      .name = "init_scripts",
      .nesting = Nesting::kList,
      .block = MakeBlock({},
                         {Destination("workspace", "`/Users/me/init.sh`"),
                          Destination("volumes", "`/Volumes/main/default/scripts/init.sh`"),
                          Destination("dbfs", "`dbfs:/init/setup.sh` (deprecated by Databricks)"),
                          Destination("file", "`file:/my/local/init.sh`"),
                          Destination("abfss", "`abfss://container@account.dfs.core.windows.net/init.sh`"),
                          Destination("gcs", "`gs://bucket/init.sh`"), S3Destination()},
                         "One init script; set exactly one destination kind."),
      .max_items = 10,
  };
}

NestedBlock ClusterLogConfBlock() {
  return Single("cluster_log_conf", {}, "Where driver and worker logs are delivered.",
                {Destination("dbfs", "`dbfs:/cluster-logs`"), S3Destination(),
                 Destination("volumes", "`/Volumes/main/default/logs`")});
}

void AddDockerImageStateOnlyFields(const std::string& prefix, FieldSet& fields) {
  fields.insert(prefix + ".basic_auth.password");
  fields.insert(prefix + ".basic_auth.password_version");
}

bool IsGpuNodeType(const std::string& node_type_id) {
  std::string t = absl::AsciiStrToLower(node_type_id);
  for (const char* prefix : {"standard_nc", "standard_nd", "standard_nv", "g4dn.", "g5.", "g5g.", "g6.", "g6e.",
                             "p3.", "p3dn.", "p4d.", "p4de.", "p5.", "a2-", "a3-", "g2-"}) {
    if (absl::StartsWith(t, prefix)) return true;
  }
  return false;
}

bool IsKnownCpuOnlyImage(const std::string& url) {
  std::string u = absl::AsciiStrToLower(url);
  if (absl::StrContains(u, "gpu") || absl::StrContains(u, "cuda")) return false;
  for (const char* repo : {"databricksruntime/standard", "databricksruntime/minimal", "databricksruntime/python",
                           "databricksruntime/dbfsfuse", "databricksruntime/rbase", "databricksruntime/ssh"}) {
    if (absl::StrContains(u, repo)) return true;
  }
  return false;
}

bool IsFloatingImageTag(const std::string& url) {
  if (absl::StrContains(url, "@sha256:")) return false;
  size_t slash = url.rfind('/');
  std::string last = slash == std::string::npos ? url : url.substr(slash + 1);
  size_t colon = last.rfind(':');
  if (colon == std::string::npos) return true;
  return last.substr(colon + 1) == "latest";
}

}  // namespace dcs::resources
