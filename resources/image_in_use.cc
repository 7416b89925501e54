#include "resources/image_in_use.h"


#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/databricks/ai_runtime_images_api.h"
#include "clients/databricks/clusters_api.h"
#include "clients/databricks/config.h"
#include "clients/databricks/instance_pools_api.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"

namespace dcs::resources {
namespace {

// Records `url` under its tag and digest when it names `repository`.
// `who` is the subject of the reason ("cluster 0123-… (TERMINATED)"), `verb`
// how it uses the image ("uses", "preloads").
void Record(const std::string& url, const registry::Reference& repository, const std::string& who,
            const std::string& verb, ImageUses& uses) {
  auto ref = registry::ParseReference(url);
  if (!ref.ok() || !absl::EqualsIgnoreCase(ref->domain, repository.domain) || ref->path != repository.path) return;
  if (!ref->digest.empty()) uses.digests[ref->digest].push_back(absl::StrCat(who, " ", verb, " ", ref->digest));
  // `repo:tag@digest` pulls the digest; the tag is kept too (a reader takes it for the image).
  if (!ref->tag.empty()) uses.tags[ref->tag].push_back(absl::StrCat(who, " ", verb, " tag ", ref->tag));
}

std::string Quoted(const std::optional<std::string>& name) {
  return name && !name->empty() ? absl::StrCat(" \"", *name, "\"") : "";
}

void RecordRegistration(const databricks::ImageRegistration& r, const registry::Reference& repository,
                        ImageUses& uses) {
  const std::string who = absl::StrCat("AI Runtime image registration of ", r.docker_image_url, " (", r.state, ")");
  Record(r.docker_image_url, repository, who, "uses", uses);
  if (r.manifest_sha256 && !r.manifest_sha256->empty()) {
    // What it imported: the digest behind the tag at registration.
    const std::string digest =
        absl::StartsWith(*r.manifest_sha256, "sha256:") ? *r.manifest_sha256 : "sha256:" + *r.manifest_sha256;
    Record(absl::StrCat(repository.Repository(), "@", digest), repository, who, "imported", uses);
  }
}

}  // namespace

absl::StatusOr<ImageUses> CollectWorkspaceImageUses(databricks::Client& client, const registry::Reference& repository,
                                                    const std::vector<std::string>& probe_urls,
                                                    const std::atomic<bool>* stop) {
  ImageUses uses;
  auto clusters = databricks::ClustersApi(client).List(stop);
  if (!clusters.ok()) {
    return absl::Status(clusters.status().code(), absl::StrCat("listing clusters: ", clusters.status().message()));
  }
  // Field access on the JSON answers: the schema is the only model of a
  // cluster's and a pool's settings.
  auto text = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const auto& c : *clusters) {
    const nlohmann::json& settings = c.settings();
    auto image = settings.find("docker_image");
    if (image == settings.end() || !image->is_object()) continue;
    const std::string url = text(*image, "url");
    if (url.empty()) continue;
    Record(url, repository,
           absl::StrCat("cluster ", c.cluster_id, Quoted(text(settings, "cluster_name")), " (", c.state, ")"),
           "uses", uses);
  }
  auto pools = databricks::InstancePoolsApi(client).List(stop);
  if (!pools.ok()) {
    return absl::Status(pools.status().code(), absl::StrCat("listing instance pools: ", pools.status().message()));
  }
  for (const auto& p : *pools) {
    if (text(p, "state") == "DELETED") continue;
    for (const auto& url : databricks::PreloadedImageUrls(p)) {
      Record(url, repository,
             absl::StrCat("instance pool ", text(p, "instance_pool_id"), Quoted(text(p, "instance_pool_name"))),
             "preloads", uses);
    }
  }
  databricks::AiRuntimeImagesApi air(client);
  auto registrations = air.List(stop);
  if (registrations.ok()) {
    for (const auto& r : *registrations) RecordRegistration(r, repository, uses);
  } else if (databricks::ApiErrorCode(registrations.status()) == "ENDPOINT_NOT_FOUND") {
    // No listing call: ask for each reference retention would delete.
    for (const auto& url : probe_urls) {
      auto r = air.Get(url, stop);
      if (!r.ok()) {
        return absl::Status(r.status().code(),
                            absl::StrCat("reading the AI Runtime image registration of ", url, ": ", r.status().message()));
      }
      if (r->has_value()) RecordRegistration(**r, repository, uses);
    }
  } else {
    return absl::Status(registrations.status().code(), absl::StrCat("listing AI Runtime image registrations: ",
                                                                    registrations.status().message()));
  }
  return uses;
}

WorkspaceImageUses AskWorkspaceForImageUses(const framework::Context& ctx, const std::string& image_name,
                                            const std::vector<std::string>& probe_urls) {
  WorkspaceImageUses out;
  auto repository = registry::ParseReference(image_name);
  if (!repository.ok()) {
    out.error = repository.status();
    return out;
  }
  auto clients = ClientsOf(ctx);
  auto client = clients.ok() ? (*clients)->Workspace()
                             : absl::StatusOr<std::shared_ptr<databricks::Client>>(clients.status());
  if (!client.ok()) {
    out.check = clients.ok() && (*clients)->WorkspaceConfigured() ? WorkspaceImageUses::Check::kFailed
                                                                  : WorkspaceImageUses::Check::kNoWorkspace;
    out.error = client.status();
    return out;
  }
  auto uses = CollectWorkspaceImageUses(**client, *repository, probe_urls, ctx.stop.get());
  if (!uses.ok()) {
    out.error = uses.status();
    return out;
  }
  out.check = WorkspaceImageUses::Check::kChecked;
  out.uses = *std::move(uses);
  return out;
}

std::vector<std::string> ProbeUrlsFor(const std::string& image_name, const std::vector<TagInfo>& tags,
                                      const std::vector<std::string>& entries) {
  std::vector<std::string> urls;
  for (const auto& entry : entries) {
    if (absl::StartsWith(entry, "sha256:")) {
      urls.push_back(absl::StrCat(image_name, "@", entry));
      continue;
    }
    urls.push_back(absl::StrCat(image_name, ":", entry));
    for (const auto& t : tags) {
      if (t.tag == entry && !t.digest.empty()) urls.push_back(absl::StrCat(image_name, "@", t.digest));
    }
  }
  return urls;
}

void HoldEntriesInUse(const WorkspaceImageUses& answer, bool require_workspace_check,
                      const std::vector<TagInfo>& tags, std::vector<std::string>* entries,
                      std::map<std::string, std::string>* protected_out, framework::Diagnostics& diagnostics) {
  using Check = WorkspaceImageUses::Check;
  if (answer.check == Check::kChecked) {
    *entries = ProtectInUse(tags, *entries, answer.uses, protected_out);
    return;
  }
  const cty::Path at = cty::Path::Root("retention");
  if (answer.check == Check::kNoWorkspace && !require_workspace_check) {
    diagnostics.AddWarning(
        "Retention did not check which images are in use",
        absl::StrCat("No Databricks workspace is configured for this provider, so nothing checked whether a "
                     "cluster, instance pool or AI Runtime registration uses the images retention deletes: ",
                     absl::StrJoin(*entries, ", "),
                     ". `require_workspace_check = false` lets retention delete them anyway."),
        at);
    return;
  }
  const std::string reason = answer.check == Check::kNoWorkspace
                                 ? "not deleted: no Databricks workspace configured to check whether it is in use"
                                 : "not deleted: the workspace could not be asked whether it is in use";
  for (const auto& e : *entries) (*protected_out)[e] = reason;
  const std::string held = absl::StrJoin(*entries, ", ");
  entries->clear();
  if (answer.check == Check::kNoWorkspace) {
    diagnostics.AddWarning(
        "Retention holds its deletions: in-use protection was not checked",
        absl::StrCat("No Databricks workspace is configured for this provider (`host`, DATABRICKS_HOST or a "
                     "~/.databrickscfg profile), so retention cannot ask which images clusters, instance pools "
                     "and AI Runtime registrations use, and deletes nothing. Held: ", held,
                     ".\n\nConfigure the workspace that runs these images, or set `require_workspace_check = false` "
                     "in the `retention` block to delete without that check."),
        at);
    return;
  }
  diagnostics.AddWarning(
      "Retention holds its deletions: in-use protection could not be checked",
      absl::StrCat("Asking the Databricks workspace which images are in use failed: ", answer.error.message(),
                   "\n\nNothing is deleted until the workspace answers (the credentials need to list clusters, "
                   "instance pools and AI Runtime image registrations). Held: ", held, "."),
      at);
}

absl::StatusOr<ImageUses> UsesForApply(const WorkspaceImageUses& answer, bool require_workspace_check) {
  using Check = WorkspaceImageUses::Check;
  if (answer.check == Check::kChecked) return answer.uses;
  if (answer.check == Check::kNoWorkspace && !require_workspace_check) return ImageUses{};
  return absl::FailedPreconditionError(
      absl::StrCat("in-use protection could not be checked, so nothing was deleted: ",
                   answer.check == Check::kNoWorkspace ? "no Databricks workspace is configured ("
                                                       : "the Databricks workspace did not answer (",
                   answer.error.message(), ")"));
}

}  // namespace dcs::resources
