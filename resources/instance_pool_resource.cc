// dcs_instance_pool: an instance pool (Instance Pools API 2.0), usually
// preloading the team's golden image. The schema is the pool's only model:
// bodies and state are mapped through it (api_json.h), and the fields marked
// RequiresReplace are the ones instance-pools/edit does not take.
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "clients/databricks/instance_pools_api.h"
#include "resources/api_errors.h"
#include "resources/api_json.h"
#include "resources/compute_blocks.h"
#include "resources/image_preflight.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/validators.h"
#include "sdk/framework/walk.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using databricks::InstancePoolsApi;
using nlohmann::json;
using schema::Attribute;
using schema::Mode;
using schema::NestedBlock;
using schema::Nesting;

constexpr char kImagesBlock[] = "preloaded_docker_image";    // ours, one block per image
constexpr char kImagesField[] = "preloaded_docker_images";   // the API's array

schema::Schema PoolSchema() {
  const cty::Type S = cty::Type::String();
  const cty::Type N = cty::Type::Number();
  schema::Schema s;
  s.block.description =
      "An instance pool: idle cloud instances that clusters start from quickly, optionally with Docker "
      "images pulled in advance (`preloaded_docker_image`). Pools support Docker images only when created "
      "with them. Settings the API cannot edit in place replace the pool when they change (each says so "
      "below), and so the clusters on it are planned for update.";
  s.block.attributes = {
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed, .description = "The pool id (same as `instance_pool_id`).",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "instance_pool_id", .type = S, .mode = Mode::kComputed, .description = "The pool id.",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "instance_pool_name", .type = S, .mode = Mode::kRequired,
                .description = "Unique pool name in the workspace.", .validators = {fw::LengthBetween(1, 100)}},
      Attribute{.name = "node_type_id", .type = S, .mode = Mode::kRequired,
                .description = "Node type of every instance, e.g. `Standard_NC6s_v3`.",
                .plan_modifiers = {fw::RequiresReplaceIfConfigured()}},
      Attribute{.name = "min_idle_instances", .type = N, .description = "Instances kept idle and ready.",
                .validators = {fw::IntBetween(0, 10000)}},
      Attribute{.name = "max_capacity", .type = N, .description = "Upper bound of idle plus used instances.",
                .validators = {fw::IntBetween(1, 100000)}},
      Attribute{.name = "idle_instance_autotermination_minutes", .type = N, .mode = Mode::kOptionalComputed,
                .description = "Minutes an idle instance above `min_idle_instances` is kept.",
                .validators = {fw::IntBetween(0, 10000)}},
      Attribute{.name = "custom_tags", .type = cty::Type::Map(S), .description = "Tags for the pool's cloud resources."},
      Attribute{.name = "enable_elastic_disk", .type = cty::Type::Bool(), .mode = Mode::kOptionalComputed,
                .description = "Autoscaling local storage.", .plan_modifiers = {fw::RequiresReplaceIfConfigured()}},
      Attribute{.name = "preloaded_spark_versions", .type = cty::Type::List(S),
                .description = "At most one runtime to preload, e.g. `[\"14.3.x-scala2.12\"]`.",
                .plan_modifiers = {fw::RequiresReplaceIfConfigured()}},
      Attribute{.name = "state", .type = S, .mode = Mode::kComputed, .description = "`ACTIVE`, `STOPPED` or `DELETED`."},
      Attribute{.name = "default_tags", .type = cty::Type::Map(S), .mode = Mode::kComputed,
                .description = "Tags the service adds.", .plan_modifiers = {fw::UseStateForUnknown()}},
      PreflightAttribute(),
  };
  auto disk_type = schema::MakeBlock(
      {Attribute{.name = "azure_disk_volume_type", .type = S, .description = "`PREMIUM_LRS` or `STANDARD_LRS`."},
       Attribute{.name = "ebs_volume_type", .type = S, .description = "`GENERAL_PURPOSE_SSD` or `THROUGHPUT_OPTIMIZED_HDD`."}});
  s.block.blocks = {
      DockerImageBlock(kImagesBlock, Nesting::kList, 0),
      NestedBlock{.name = "disk_spec", .nesting = Nesting::kSingle,
                  .block = schema::MakeBlock(
                      {Attribute{.name = "disk_count", .type = N, .description = "Disks per instance."},
                       Attribute{.name = "disk_size", .type = N, .description = "Disk size in GiB."},
                       Attribute{.name = "disk_iops", .type = N, .description = "IOPS (gp3)."},
                       Attribute{.name = "disk_throughput", .type = N, .description = "Throughput in MiB/s (gp3)."}},
                      {NestedBlock{.name = "disk_type", .nesting = Nesting::kSingle, .block = disk_type}},
                      "Extra disks attached to each instance.")},
      AzureAttributesBlock(ComputeKind::kPool),
      AwsAttributesBlock(ComputeKind::kPool),
  };
  // instance-pools/edit takes none of the blocks: changing one replaces the pool.
  for (NestedBlock& b : s.block.blocks) b.plan_modifiers = {fw::RequiresReplace()};
  return s;
}

ApiMapping PoolApiMapping() {
  ApiMapping m;
  m.state_only = {"id", "preflight"};
  AddDockerImageStateOnlyFields(kImagesBlock, m.state_only);
  m.renamed = {{kImagesBlock, kImagesField}};
  // In instance-pools/get answers, not modelled: status and counters, other
  // clouds, and settings dcs does not offer (yet).
  m.api_only = {"stats", "status", "gcp_attributes", "node_type_flexibility", "remote_disk_throughput",
                "total_initial_remote_disk_size", "azure_attributes.capacity_reservation_group",
                "aws_attributes.instance_profile_arn"};
  return m;
}

// The create body from planned values, with the passwords from the config
// (write-only, so absent from the plan on newer clients).
json CreateBody(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned,
                const cty::Value& config) {
  json body = ApiCreateBody(block, mapping, planned);
  if (!body.contains(kImagesField)) return body;
  auto images = GetKnown(config, kImagesBlock);
  for (size_t i = 0; images && i < images->Elements().size() && i < body[kImagesField].size(); ++i) {
    auto auth = GetKnown(images->Elements()[i], "basic_auth");
    auto password = auth ? GetString(*auth, "password") : std::nullopt;
    if (password && body[kImagesField][i].contains("basic_auth")) {
      log::RegisterSecret(*password);
      body[kImagesField][i]["basic_auth"]["password"] = *password;
    }
  }
  return body;
}

cty::Value ToState(const schema::Block& block, const ApiMapping& mapping, const json& pool, const cty::Value& prior) {
  cty::Value v = StateFromApi(block, mapping, pool, prior);
  std::map<std::string, cty::Value> attrs = v.Attributes();
  attrs["id"] = attrs["instance_pool_id"];
  if (attrs["state"].IsNull()) attrs["state"] = cty::Value::String("ACTIVE");
  if (attrs["default_tags"].IsNull()) attrs["default_tags"] = cty::Value::Map(cty::Type::String(), {});
  return cty::Value::Object(v.type(), attrs);
}

bool IsGone(const absl::StatusOr<json>& pool) {
  if (!pool.ok()) return pool.status().code() == absl::StatusCode::kNotFound;
  auto state = pool->find("state");
  return state != pool->end() && *state == "DELETED";
}

class InstancePoolResource : public fw::Resource, public fw::ResourceWithModifyPlan, public fw::ResourceWithImport, public fw::ResourceWithIdentity, public ResourceWithApiMapping {
 public:
  std::string TypeName() const override { return "dcs_instance_pool"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const ApiMapping& GetApiMapping() const override { return mapping_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, framework::Diagnostics& d) const override {
    auto lo = GetInt(req.config, "min_idle_instances"), hi = GetInt(req.config, "max_capacity");
    if (lo && hi && *lo > *hi) {
      d.AddError("min_idle_instances exceeds max_capacity",
                 absl::StrCat("The pool cannot keep ", *lo, " idle instances with max_capacity ", *hi,
                              ". Raise max_capacity or lower min_idle_instances."),
                 cty::Path::Root("min_idle_instances"));
    }
    if (auto versions = GetKnown(req.config, "preloaded_spark_versions"); versions && versions->Length() > 1) {
      d.AddError("Too many preloaded runtimes", "A pool preloads at most one Spark version.",
                 cty::Path::Root("preloaded_spark_versions"));
    }
    if (auto images = GetKnown(req.config, kImagesBlock)) {
      for (size_t i = 0; i < images->Elements().size(); ++i) {
        auto url = GetString(images->Elements()[i], "url");
        if (url && IsFloatingImageTag(*url)) {
          d.AddWarning("Image tag is not pinned",
                       absl::StrCat("\"", *url, "\" uses `latest` or no tag; the pool keeps whatever it pulled "
                                    "first. Pin a version tag or a digest."),
                       cty::Path::Root(kImagesBlock).Index(i).Attr("url"));
        }
      }
    }
  }

  // Create-only fields replace the pool through their schema's
  // RequiresReplace; at plan time the images are looked up in their registry.
  void ModifyPlan(const fw::ModifyPlanRequest& req, fw::ModifyPlanResponse& resp) const override {
    PreflightPoolPlan(req, resp.diagnostics);
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    InstancePoolsApi api(*client);
    auto id = api.Create(CreateBody(schema_.block, mapping_, req.planned, req.config), nullptr);
    if (!id.ok()) return AddApiError(resp.diagnostics, id.status(), "Cannot create the instance pool");
    log::Info("instance pool created", {{"instance_pool_id", *id}});
    auto info = api.Get(*id, nullptr);
    if (!info.ok()) {
      // The pool exists: keep its id (the client marks it tainted, so the next
      // apply replaces it) rather than forget a pool that costs money.
      std::map<std::string, cty::Value> attrs = fw::UnknownsAsNull(req.planned).Attributes();
      attrs["id"] = attrs["instance_pool_id"] = cty::Value::String(*id);
      resp.new_state = cty::Value::Object(req.planned.type(), std::move(attrs));
      const absl::Status st(info.status().code(),
                            absl::StrCat(info.status().message(), "\n\nThe pool is kept in state as tainted: the ",
                                         "next apply replaces it (`untaint` the resource to keep it instead)."));
      return AddApiError(resp.diagnostics, st, "Instance pool " + *id + " was created but cannot be read back");
    }
    resp.new_state = ToState(schema_.block, mapping_, *info, req.planned);
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    auto id = GetString(req.state, "id");
    if (!id) return;
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    InstancePoolsApi api(*client);
    auto info = api.Get(*id, req.ctx.stop.get());
    if (IsGone(info)) {
      log::Warn("instance pool gone; it will be planned for creation", {{"instance_pool_id", *id}});
      resp.new_state = cty::Value::Null(schema_.block.ImpliedType());
      return;
    }
    if (!info.ok()) return AddApiError(resp.diagnostics, info.status(), "Cannot read instance pool " + *id);
    resp.new_state = ToState(schema_.block, mapping_, *info, req.state);
  }

  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    const std::string id = GetString(req.prior, "id").value_or("");
    InstancePoolsApi api(*client);
    if (auto st = api.Edit(id, ApiEditBody(schema_.block, mapping_, req.planned), req.ctx.stop.get()); !st.ok()) {
      return AddApiError(resp.diagnostics, st, "Cannot update instance pool " + id);
    }
    ReadInto(api, id, req.planned, req.ctx, resp.new_state, resp.diagnostics);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    auto id = GetString(req.prior, "id");
    if (!id) return;
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    InstancePoolsApi api(*client);
    auto st = api.Delete(*id, req.ctx.stop.get());
    if (!st.ok() && st.code() != absl::StatusCode::kNotFound) {
      AddApiError(resp.diagnostics, st, "Cannot delete instance pool " + *id);
    }
  }

  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    std::map<std::string, cty::Value> attrs;
    attrs["id"] = cty::Value::String(req.id);
    resp.state = cty::Value::Object(schema_.block.ImpliedType(), attrs);
  }

 private:
  void ReadInto(InstancePoolsApi& api, const std::string& id, const cty::Value& planned, const fw::Context& ctx,
                cty::Value& state, framework::Diagnostics& d) const {
    auto info = api.Get(id, ctx.stop.get());
    if (!info.ok()) return AddApiError(d, info.status(), "Cannot read instance pool " + id);
    state = ToState(schema_.block, mapping_, *info, planned);
  }

  schema::Schema schema_ = PoolSchema();
  ApiMapping mapping_ = PoolApiMapping();
  fw::IdentitySchema identity_ = fw::StringIdentity("instance_pool_id", "The pool id, as `instance-pools/get` takes it.");
};

}  // namespace

std::unique_ptr<framework::Resource> NewInstancePoolResource() { return std::make_unique<InstancePoolResource>(); }

}  // namespace dcs::resources
