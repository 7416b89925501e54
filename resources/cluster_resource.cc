// dcs_cluster: CRUD against the Clusters API. The schema is in
// cluster_schema.cc, the plan-time checks in cluster_checks.cc; API bodies
// and state are mapped by the schema (api_json.h), which is the cluster's
// only model.
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "clients/databricks/cluster_waiter.h"
#include "clients/databricks/clusters_api.h"
#include "resources/api_errors.h"
#include "resources/api_json.h"
#include "resources/cluster_checks.h"
#include "resources/cluster_schema.h"
#include "resources/create_journal.h"
#include "resources/image_preflight.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/values.h"
#include "sdk/framework/walk.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using databricks::ClusterInfo;
using databricks::ClustersApi;
using nlohmann::json;


std::chrono::steady_clock::time_point Deadline(const cty::Value& object, std::string_view op) {
  return std::chrono::steady_clock::now() + TimeoutFor(object, op, kClusterTimeouts);
}

// The create body (`for_edit`: the edit body): the planned values, plus the
// password from the config (it is write-only, so absent from the plan on
// newer clients).
json SpecFrom(const schema::Block& block, const ApiMapping& mapping, const cty::Value& planned,
              const cty::Value& config, bool for_edit) {
  json body = for_edit ? ApiEditBody(block, mapping, planned) : ApiCreateBody(block, mapping, planned);
  auto image = GetKnown(config, "docker_image");
  auto auth = image ? GetKnown(*image, "basic_auth") : std::nullopt;
  if (auth && body.contains("docker_image")) {
    if (auto password = GetString(*auth, "password")) {
      log::RegisterSecret(*password);
      body["docker_image"]["basic_auth"]["password"] = *password;
    }
  }
  if (body.contains("instance_pool_id")) {
    // The pool decides these: clusters/create refuses node types next to an instance_pool_id.
    for (const char* f : {"node_type_id", "driver_node_type_id", "enable_elastic_disk", "azure_attributes"}) body.erase(f);
  }
  return body;
}

std::string ClusterUrl(const std::string& host, const std::string& id) {
  return absl::StrCat(host, "/#setting/clusters/", id, "/configuration");
}

// State from a clusters/get answer. User-settable fields come from the
// last submitted settings (free of server defaults); `prior` supplies what
// the API never returns.
cty::Value ToState(const schema::Block& block, const ApiMapping& mapping, const ClusterInfo& info,
                   const cty::Value& prior, const std::string& host) {
  cty::Value v = StateFromApi(block, mapping, info.settings(), prior);
  std::map<std::string, cty::Value> attrs = v.Attributes();
  attrs["id"] = cty::Value::String(info.cluster_id);
  attrs["cluster_id"] = cty::Value::String(info.cluster_id);
  attrs["state"] = cty::Value::String(info.state);
  attrs["url"] = cty::Value::String(ClusterUrl(host, info.cluster_id));
  std::map<std::string, cty::Value> tags;
  for (const auto& [k, t] : info.default_tags.value_or(databricks::StringMap{})) tags[k] = cty::Value::String(t);
  attrs["default_tags"] = cty::Value::Map(cty::Type::String(), std::move(tags));
  return cty::Value::Object(v.type(), std::move(attrs));
}

// Databricks answers that deserve a pointer to the fix.
void AddClusterApiError(framework::Diagnostics& d, const absl::Status& st, const std::string& summary) {
  const std::string m(st.message());
  if (databricks::ContainerServicesDisabled(st)) {
    AddApiError(d, st, summary, cty::Path::Root("docker_image"));  // the hint says how to enable it
    return;
  }
  if (absl::StrContains(m, kPoolWithoutImagesMessage)) {
    d.AddError(summary, absl::StrCat(m, "\n\nCreate the pool with a preloaded_docker_image for this image."),
               cty::Path::Root("instance_pool_id"));
    return;
  }
  AddApiError(d, st, summary);
}

class ClusterResource : public fw::Resource, public fw::ResourceWithModifyPlan, public fw::ResourceWithImport, public fw::ResourceWithIdentity, public ResourceWithApiMapping {
 public:
  std::string TypeName() const override { return "dcs_cluster"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const ApiMapping& GetApiMapping() const override { return mapping_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, framework::Diagnostics& d) const override {
    CheckClusterConfig(req.config, d);
  }

  void ModifyPlan(const fw::ModifyPlanRequest& req, fw::ModifyPlanResponse& resp) const override {
    if (req.planned.IsNull()) return;
    PreflightClusterPlan(req, resp.diagnostics);
    // Ask the API about pools only when the image or the pools change.
    bool relevant = req.prior.IsNull();
    for (const char* a : {"docker_image", "instance_pool_id", "driver_instance_pool_id"}) {
      if (!req.prior.IsNull() && !req.config.GetAttr(a).Equals(req.prior.GetAttr(a))) relevant = true;
    }
    if (!relevant || !GetKnown(req.config, "docker_image") || !GetKnown(req.config, "instance_pool_id")) return;
    auto clients = ClientsOf(req.ctx);
    if (!clients.ok()) return;
    auto client = (*clients)->Workspace();
    if (!client.ok()) return;  // credentials are reported at apply
    CheckClusterPools(req.config, **client, req.ctx.stop.get(), resp.diagnostics);
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    json spec = SpecFrom(schema_.block, mapping_, req.planned, req.config, /*for_edit=*/false);
    // Our own token makes the create safe to retry (429/503/resets), and,
    // kept in the create journal until the result is handed back, safe
    // across a provider that dies mid-create (see create_journal.h).
    CreateJournal& journal = CreateJournal::ForProcess();
    std::optional<std::string> journaled;
    if (!spec.contains("idempotency_token")) {
      json body = spec;
      if (body.contains("docker_image") && body["docker_image"].contains("basic_auth")) {
        body["docker_image"]["basic_auth"].erase("password");  // no secret-derived data on disk
      }
      bool resumed = false;
      journaled = journal.Take(CreateJournal::Key(client->config().host, body.dump()), &resumed);
      spec["idempotency_token"] = *journaled;
      if (resumed) log::Info("resuming a create an earlier run did not finish", {{"token", *journaled}});
    }
    ClustersApi api(*client);
    // Not cancelled by a stop request: an abandoned create could leave a
    // cluster that no state knows about.
    auto id = api.Create(spec, nullptr);
    if (!id.ok()) {
      // Keep the token when the create may have happened (no answer, or an
      // internal error): the next run then adopts that cluster.
      const absl::StatusCode code = id.status().code();
      const bool maybe_created = code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
                                 code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
                                 code == absl::StatusCode::kCancelled;
      if (journaled && !maybe_created) journal.Settle(*journaled);
      return AddClusterApiError(resp.diagnostics, id.status(), "Cannot create the cluster");
    }
    log::Info("cluster created", {{"cluster_id", *id}});
    FinishStart(req.ctx, *client, *id, req.planned, "create", resp);
    // The new object (or its id, tainted) goes back to Terraform now.
    if (journaled) journal.Settle(*journaled);
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    auto id = GetString(req.state, "id");
    if (!id) return;
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    ClustersApi api(*client);
    auto info = api.Get(*id, req.ctx.stop.get());
    if (IsGone(info.status())) {
      log::Warn("cluster gone; it will be planned for creation", {{"cluster_id", *id}});
      resp.new_state = cty::Value::Null(schema_.block.ImpliedType());
      return;
    }
    if (!info.ok()) return AddApiError(resp.diagnostics, info.status(), "Cannot read cluster " + *id);
    resp.new_state = ToState(schema_.block, mapping_, *info, req.state, client->config().host);
  }

  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    if (auto same = OnlyPreflightChanged(req.prior, req.planned)) {
      resp.new_state = *same;  // a provider-side setting: no edit, no restart
      return;
    }
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    const std::string id = GetString(req.prior, "id").value_or("");
    ClustersApi api(*client);
    // Edits are refused while the cluster is starting, restarting or resizing.
    auto current = client->cluster_states().Wait(id, {"RUNNING", "TERMINATED", "ERROR"},
                                                 Deadline(req.planned, "update"), req.ctx.stop.get());
    if (!current.ok()) return AddApiError(resp.diagnostics, current.status(), "Cluster " + id + " is not editable");
    const json spec = SpecFrom(schema_.block, mapping_, req.planned, req.config, /*for_edit=*/true);
    if (auto st = api.Edit(id, spec, req.ctx.stop.get()); !st.ok()) {
      return AddClusterApiError(resp.diagnostics, st, "Cannot update cluster " + id);
    }
    log::Info("cluster edited", {{"cluster_id", id}, {"was", current->state}});
    if (current->state == "RUNNING") {
      FinishStart(req.ctx, *client, id, req.planned, "update", resp);
      return;
    }
    auto info = api.Get(id, req.ctx.stop.get());
    if (!info.ok()) return AddApiError(resp.diagnostics, info.status(), "Cannot read cluster " + id);
    resp.new_state = ToState(schema_.block, mapping_, *info, req.planned, client->config().host);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    auto id = GetString(req.prior, "id");
    if (!id) return;
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    ClustersApi api(*client);
    auto st = api.PermanentDelete(*id, req.ctx.stop.get());
    if (!st.ok() && !IsGone(st)) AddApiError(resp.diagnostics, st, "Cannot delete cluster " + *id);
  }

  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    std::map<std::string, cty::Value> attrs;
    attrs["id"] = cty::Value::String(req.id);
    resp.state = cty::Value::Object(schema_.block.ImpliedType(), attrs);
  }

 private:
  static bool IsGone(const absl::Status& st) {
    if (st.code() == absl::StatusCode::kNotFound) return true;
    // Clusters terminated long ago answer INVALID_STATE "Cannot access cluster …".
    return st.code() == absl::StatusCode::kFailedPrecondition && absl::StrContains(st.message(), "Cannot access cluster");
  }

  // Waits for RUNNING (unless no_wait) and fills the state. A cluster that
  // fails to start is permanently deleted so nothing is left behind; a wait
  // cut short (timeout, interrupt) keeps the cluster in state, tainted, so
  // the next apply replaces it.
  void FinishStart(const fw::Context& ctx, databricks::Client& client, const std::string& id,
                   const cty::Value& planned, std::string_view op, fw::ApplyResponse& resp) const {
    ClustersApi api(client);
    const bool wait = !GetBool(planned, "no_wait").value_or(false);
    absl::StatusOr<ClusterInfo> info =
        wait ? client.cluster_states().Wait(id, {"RUNNING"}, Deadline(planned, op), ctx.stop.get())
             : api.Get(id, nullptr);
    if (info.ok()) {
      resp.new_state = ToState(schema_.block, mapping_, *info, planned, client.config().host);
      return;
    }
    const absl::Status failure = info.status();
    if (failure.code() == absl::StatusCode::kFailedPrecondition && op == "create") {
      (void)api.PermanentDelete(id, nullptr);
      AddClusterApiError(resp.diagnostics, failure, "Cluster " + id + " failed to start");
      return;
    }
    auto last = api.Get(id, nullptr);
    if (failure.code() == absl::StatusCode::kCancelled && last.ok() &&
        (last->state == "PENDING" || last->state == "RUNNING" || last->state == "RESIZING" ||
         last->state == "RESTARTING")) {
      // Interrupted (Ctrl-C, StopProvider) while a healthy cluster was still
      // starting: record it as it is, with a warning, not an error; an error
      // would make the client taint it and the next apply replace it.
      resp.new_state = ToState(schema_.block, mapping_, *last, planned, client.config().host);
      resp.diagnostics.AddWarning(
          absl::StrCat("Cluster ", id, " still starting (interrupted)"),
          absl::StrCat("The run was interrupted while cluster ", id, " was ", last->state,
                       ". It is recorded in state and keeps starting; the next plan reads its state."));
      return;
    }
    if (last.ok()) {
      resp.new_state = ToState(schema_.block, mapping_, *last, planned, client.config().host);
    } else if (op == "create") {
      // The cluster exists but cannot be read: keep its id (tainted, so the
      // next apply replaces it) rather than orphan a running cluster.
      std::map<std::string, cty::Value> attrs = fw::UnknownsAsNull(planned).Attributes();
      attrs["id"] = attrs["cluster_id"] = cty::Value::String(id);
      resp.new_state = cty::Value::Object(planned.type(), std::move(attrs));
    }
    AddApiError(resp.diagnostics, failure,
                absl::StrCat("Cluster ", id, " did not reach RUNNING",
                             failure.code() == absl::StatusCode::kCancelled ? " (interrupted)" : ""));
  }

  schema::Schema schema_ = ClusterSchema();
  ApiMapping mapping_ = ClusterApiMapping();
  fw::IdentitySchema identity_ = fw::StringIdentity("cluster_id", "The cluster id, as `clusters/get` takes it.");
};

}  // namespace

std::unique_ptr<framework::Resource> NewClusterResource() { return std::make_unique<ClusterResource>(); }

}  // namespace dcs::resources
