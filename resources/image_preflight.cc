#include "resources/image_preflight.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "resources/compat/compat.h"
#include "resources/compat_diagnostics.h"
#include "resources/compute_blocks.h"
#include "resources/provider.h"
#include "resources/values.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using cty::Path;
constexpr size_t kNearestTags = 5;

// ---- the only place that reaches the provider configuration and its clients.

const ProviderConfig* Config(const framework::Context& ctx) {
  auto clients = ClientsOf(ctx);
  return clients.ok() ? &(*clients)->config() : nullptr;
}

ImageLookup LookUpWithProviderClients(const framework::Context& ctx, const registry::Reference& ref,
                                      const ExplicitCredentials& creds, const registry::Platform& want) {
  ImageLookup out;
  auto clients = ClientsOf(ctx);
  if (!clients.ok()) {
    out.status = clients.status();
    return out;
  }
  http::RetryPolicy retry;
  retry.total_deadline = std::chrono::seconds(20);
  retry.max_attempts = 2;
  retry.initial_backoff = std::chrono::milliseconds(200);
  retry.max_backoff = std::chrono::seconds(1);
  std::string who;
  if (!creds.empty()) {
    who = absl::StrCat("the resource's basic_auth (user \"", creds.username, "\")");
  } else {
    auto found = (*clients)->RegistryCredentials(ref.domain, {});
    if (found.ok() && found->has_value()) {
      who = absl::StrCat("the provider's credentials for ", ref.domain, " (registry_auth or Docker config",
                         (*found)->username.empty() ? "" : ", user \"" + (*found)->username + "\"", ")");
    } else {
      // What Registry() falls back to.
      const bool acr = (*clients)->UsesAzureIdentity(ref.domain);
      who = absl::StrCat(acr ? "the provider's Azure identity" : "anonymous access", " (no credentials for ",
                         ref.domain, " in the resource, the provider's registry_auth or the Docker config)");
    }
  }
  auto client = (*clients)->Registry(ref.domain, creds, &retry);
  if (!client.ok()) {
    out.status = client.status();
  } else {
    out = LookUpImage(**client, ref, want);
  }
  out.credentials = who;
  return out;
}

// ---- policy

bool IsSecretReference(const std::string& s) { return absl::StartsWith(absl::StripLeadingAsciiWhitespace(s), "{{secrets/"); }

void Finding(framework::Diagnostics& d, PreflightMode mode, std::string summary, std::string detail, const Path& path) {
  if (mode == PreflightMode::kWarn) {
    d.AddWarning(std::move(summary), detail + "\n\n(preflight = \"warn\": reported, not enforced.)", path);
  } else {
    d.AddError(std::move(summary), std::move(detail), path);
  }
}

std::string CloudOf(const std::string& node_type) {
  if (absl::StartsWith(node_type, "Standard_")) return "azure";
  if (node_type.find('.') != std::string::npos) return "aws";
  return "";
}

// Leading dotted number of `s` ("12.4.1-1" -> "12.4.1"), or "" when none.
std::string CleanVersion(const std::string& s) {
  size_t n = 0;
  while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
  std::string v = s.substr(0, n);
  while (!v.empty() && v.back() == '.') v.pop_back();
  if (v.empty() || v[0] == '.') return "";
  return v;
}

// "14.3" from "14.3.x-scala2.12", "14.3", "14.3.1"; "18" from "18.x-scala2.13".
std::string MajorMinor(const std::string& s) {
  std::string v = CleanVersion(s);
  std::vector<std::string> parts = absl::StrSplit(v, '.');
  if (parts.size() > 2) parts.resize(2);
  return absl::StrJoin(parts, ".");
}

std::string CredentialKey(const ExplicitCredentials& c) {
  if (c.empty()) return "provider";
  return absl::StrCat("explicit:", c.username, ":", registry::Sha256Digest(c.password));
}

void ReportLookupFailure(const ImageCheck& c, PreflightMode mode, const ImageLookup& l, const std::string& host,
                         framework::Diagnostics& d) {
  const absl::Status& st = l.status;
  const bool fallback = !c.unreadable_credentials.empty();
  const std::string msg(st.message());
  if (st.code() == absl::StatusCode::kNotFound) {
    if (fallback) {
      d.AddWarning("Image preflight could not see the image",
                   absl::StrCat("\"", c.url, "\" was not found with ", l.credentials, ": ", msg,
                                "\n\nPrivate repositories look missing without their credentials, and the ones this "
                                "resource names cannot be read by dcs, so existence was not checked."),
                   c.url_path);
      return;
    }
    std::string detail = absl::StrCat("\"", c.url, "\" does not exist: ", msg, "\n\n");
    auto ref = registry::ParseReference(c.url);
    const std::string wanted = ref.ok() ? ref->Ref() : c.url;
    if (l.tags_status.ok() && !l.tags.empty()) {
      absl::StrAppend(&detail, "Nearest existing tags of ", ref.ok() ? ref->Repository() : c.url, ": ",
                      absl::StrJoin(registry::NearestTags(l.tags, wanted, kNearestTags), ", "), " (",
                      l.tags.size(), l.tags.size() == 1 ? " tag" : " tags", " in all). ");
    } else if (l.tags_status.ok()) {
      absl::StrAppend(&detail, "The repository has no tags. ");
    } else if (l.tags_status.code() == absl::StatusCode::kNotFound) {
      absl::StrAppend(&detail, "The repository ", ref.ok() ? ref->Repository() : c.url,
                      " does not exist either (or is private and ", l.credentials, " cannot see it). ");
    } else {
      absl::StrAppend(&detail, "Its tags could not be listed: ", l.tags_status.message(), " ");
    }
    absl::StrAppend(&detail, "Fix the tag or digest, or push the image first. If this configuration builds it with "
                             "dcs_image, reference that resource's `repo_digest` so the check waits for the push.");
    Finding(d, mode, "Image not found in the registry", detail, c.url_path);
    return;
  }
  if (st.code() == absl::StatusCode::kUnauthenticated || st.code() == absl::StatusCode::kPermissionDenied) {
    const std::string detail =
        absl::StrCat("Registry ", host, " does not let ", l.credentials, " pull ", c.url, ": ", msg);
    if (fallback) {
      d.AddWarning(absl::StrCat("Image preflight could not pull from ", host),
                   detail + "\n\nThe resource's own credentials cannot be read by dcs, so whether they can pull "
                            "was not checked.",
                   c.url_path);
      return;
    }
    Finding(d, mode, absl::StrCat("Registry ", host, " refuses to let these credentials pull"),
            detail + "\n\nThe cluster would fail the same way when it pulls the image. Fix the user name and password "
                     "(basic_auth of the resource, or the provider's registry_auth / Docker config) or grant them "
                     "pull on the repository. (Some registries, Docker Hub among them, also answer this way for a "
                     "repository that does not exist.)",
            c.url_path);
    return;
  }
  if (st.code() == absl::StatusCode::kFailedPrecondition && absl::StrContains(msg, "multi-platform image without")) {
    Finding(d, mode, "Image not built for the node's platform",
            absl::StrCat(msg, ".\n\nDatabricks nodes pull the image for their own platform. Build and push it for that "
                              "platform (docker buildx --platform)."),
            c.url_path);
    return;
  }
  d.AddWarning("Image preflight could not check the image",
               absl::StrCat("What the registry answered for \"", c.url, "\" could not be used: ", msg,
                            "\n\nNot checked: that the tag exists, that the credentials can pull, the platform, "
                            "ENTRYPOINT and CUDA stack. The plan goes on; the cluster may still fail when it pulls "
                            "the image. (`preflight = \"off\"` skips these lookups.)"),
               c.url_path);
}

void ReportCuda(const ImageCheck& c, PreflightMode mode, const GpuStack& gpu,
                const std::map<std::string, std::string>& drivers, framework::Diagnostics& d) {
  if (!gpu.cuda && !gpu.nccl) return;
  const compat::Matrix& matrix = compat::Matrix::Embedded();
  std::vector<std::string> seen;
  for (const std::string& node : c.node_types) {
    if (node.empty() || std::find(seen.begin(), seen.end(), node) != seen.end()) continue;
    seen.push_back(node);
    compat::Inputs in;
    std::string driver_from;
    if (auto it = drivers.find(node); it != drivers.end()) {
      in.host_driver_version = it->second;
      driver_from = absl::StrCat("driver ", it->second, " of ", node, " (provider gpu_host_drivers)");
    } else if (!IsGpuNodeType(node)) {
      continue;  // no GPU, no driver to match
    } else if (auto any = drivers.find("*"); any != drivers.end()) {
      in.host_driver_version = any->second;
      driver_from = absl::StrCat("driver ", any->second, " (provider gpu_host_drivers \"*\")");
    }
    const std::string cloud = CloudOf(node);
    if (!cloud.empty()) in.cloud = cloud;
    if (!in.host_driver_version && !in.cloud) continue;  // nothing known about the host
    if (driver_from.empty()) driver_from = absl::StrCat("the ", cloud, " node image driver the matrix lists");
    in.cuda_version = gpu.cuda;
    in.os_nccl_version = gpu.nccl;
    if (auto errors = matrix.Validate(in); !errors.empty()) {
      d.AddWarning("Image preflight could not check the CUDA stack",
                   absl::StrCat("The versions found (", gpu.cuda_from, " ", gpu.nccl_from, "; ", driver_from,
                                ") are not versions the compatibility matrix reads: ", errors[0].message),
                   c.url_path);
      return;
    }
    const compat::Report report = matrix.Evaluate(in);
    const std::string source = absl::StrCat("\n\nFrom the image config of ", c.url, ": ",
                                            absl::StrJoin(std::vector<std::string>{gpu.cuda_from, gpu.nccl_from}, " "),
                                            "; host: node type ", node, ", ", driver_from, ".");
    for (const compat::Check& check : report.checks) {
      if (check.name != "cuda_driver" && check.name != "nccl") continue;
      if (check.status == compat::Status::kFail) {
        Finding(d, mode, CompatSummary(check), CompatDetail(check) + source, c.url_path);
      } else if (check.status == compat::Status::kWarn) {
        d.AddWarning(CompatSummary(check), CompatDetail(check) + source, c.url_path);
      }
    }
  }
}

void ReportRuntime(const ImageCheck& c, const registry::ImageConfig& config, framework::Diagnostics& d) {
  if (c.spark_version.empty()) return;
  std::string declared, from;
  for (const char* label : {"com.databricks.runtime.version", "com.databricks.runtime-version", "databricks.runtime.version"}) {
    if (auto it = config.labels.find(label); declared.empty() && it != config.labels.end()) {
      declared = it->second;
      from = absl::StrCat("label ", label);
    }
  }
  if (auto it = config.env.find("DATABRICKS_RUNTIME_VERSION"); declared.empty() && it != config.env.end()) {
    declared = it->second;
    from = "env DATABRICKS_RUNTIME_VERSION";
  }
  const std::string image_dbr = MajorMinor(declared), cluster_dbr = MajorMinor(c.spark_version);
  if (image_dbr.empty() || cluster_dbr.empty() || image_dbr == cluster_dbr) return;
  d.AddWarning("Image built for another Databricks runtime",
               absl::StrCat("The image config of ", c.url, " says Databricks Runtime ", image_dbr, " (", from, "=\"",
                            declared, "\") but spark_version is \"", c.spark_version, "\" (", cluster_dbr,
                            "). Databricks base images carry the system libraries and Python of their runtime; use "
                            "the base image of the same runtime, or set spark_version to ", image_dbr, "."),
               c.url_path);
}

}  // namespace

// ---- attribute and mode

schema::Attribute PreflightAttribute() {
  return schema::Attribute{
      .name = "preflight",
      .type = cty::Type::String(),
      .description = "Image preflight at plan for this resource, overriding the provider's `preflight`: `error` "
                     "fails the plan when the registry proves the image cannot run (tag or digest missing — the "
                     "nearest existing tags are named —, credentials that cannot pull, a platform other than the "
                     "node's, a CUDA toolkit the host driver cannot run); `warn` reports the same as warnings; "
                     "`off` makes no registry call. An ENTRYPOINT (clusters and pools), a Databricks runtime label "
                     "that differs from the runtime, and anything that could not be checked (registry down, 5xx, HTML, a config "
                     "that is not JSON or over 4 MiB, `{{secrets/…}}` credentials) are warnings. Checked on create "
                     "and when the image, node type or runtime changes; an unknown url is skipped.",
      .validators = {framework::OneOf({"error", "warn", "off"})},
  };
}

PreflightMode PreflightModeOf(const framework::Context& ctx, const cty::Value& config) {
  std::optional<std::string> mode = GetString(config, "preflight");
  if (!mode) {
    if (const ProviderConfig* p = Config(ctx)) mode = p->preflight;
  }
  if (mode == "off") return PreflightMode::kOff;
  if (mode == "warn") return PreflightMode::kWarn;
  return PreflightMode::kError;
}

// ---- lookups and the cache

ImageLookup LookUpImage(const registry::RegistryClient& client, const registry::Reference& ref,
                        const registry::Platform& want) {
  ImageLookup out;
  auto inspected = registry::InspectImage(client, ref.path, ref.Ref(), want);
  out.status = inspected.status();
  if (inspected.ok()) {
    out.image = *std::move(inspected);
  } else if (out.status.code() == absl::StatusCode::kNotFound) {
    auto tags = client.ListTags(ref.path);
    out.tags_status = tags.status();
    if (tags.ok()) out.tags = *std::move(tags);
  }
  return out;
}

struct ImageLookupCache::Entry {
  std::shared_future<std::shared_ptr<const ImageLookup>> result;
};

std::shared_ptr<const ImageLookup> ImageLookupCache::Get(const std::string& key,
                                                         const std::function<ImageLookup()>& look_up) {
  std::promise<std::shared_ptr<const ImageLookup>> promise;
  std::shared_ptr<Entry> entry;
  bool owner = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = entries_[key];
    if (!slot) {
      slot = std::make_shared<Entry>();
      slot->result = promise.get_future().share();
      owner = true;
    }
    entry = slot;
  }
  if (owner) {
    std::shared_ptr<const ImageLookup> value;
    try {
      value = std::make_shared<const ImageLookup>(look_up());
    } catch (const std::exception& e) {
      ImageLookup failed;
      failed.status = absl::InternalError(absl::StrCat("image lookup failed: ", e.what()));
      value = std::make_shared<const ImageLookup>(std::move(failed));
    }
    promise.set_value(value);
  }
  return entry->result.get();
}

ImageLookupCache& ImageLookupCache::ForProcess() {
  static ImageLookupCache* cache = new ImageLookupCache();
  return *cache;
}

std::shared_ptr<const ImageLookup> LookUpCached(const framework::Context& ctx, const registry::Reference& ref,
                                                const ExplicitCredentials& creds, const registry::Platform& want) {
  const std::string key = absl::StrCat(ref.String(), "|", want.String(), "|", CredentialKey(creds));
  return ImageLookupCache::ForProcess().Get(key, [&] {
    log::Debug("image preflight lookup", {{"image", ref.String()}, {"platform", want.String()}});
    return LookUpWithProviderClients(ctx, ref, creds, want);
  });
}

// ---- image facts

GpuStack GpuStackOf(const registry::ImageConfig& config) {
  GpuStack g;
  for (const char* name : {"CUDA_VERSION", "NV_CUDA_LIB_VERSION", "NV_CUDA_CUDART_VERSION"}) {
    auto it = config.env.find(name);
    if (it == config.env.end()) continue;
    std::string v = CleanVersion(it->second);
    if (v.empty()) continue;
    g.cuda = v;
    g.cuda_from = absl::StrCat(name, "=", it->second);
    break;
  }
  for (const char* name : {"NCCL_VERSION", "NV_LIBNCCL_PACKAGE_VERSION", "NV_LIBNCCL_DEV_PACKAGE_VERSION"}) {
    auto it = config.env.find(name);
    if (it == config.env.end()) continue;
    std::string v = CleanVersion(it->second);
    if (v.empty()) continue;
    g.nccl = v;
    g.nccl_from = absl::StrCat(name, "=", it->second);
    break;
  }
  return g;
}

std::string NodeArchitecture(const std::string& node_type_id) {
  // AWS Graviton families: a 'g' after the generation digit (m6g, c7gn, r6gd, g5g, x2gd, i4g).
  static const std::regex kGraviton("^[a-z]+[0-9]+g[a-z]*\\..*");
  return std::regex_match(node_type_id, kGraviton) ? "arm64" : "amd64";
}

// ---- reporting

void ReportImage(const ImageCheck& c, PreflightMode mode, const ImageLookup& l,
                 const std::map<std::string, std::string>& drivers, framework::Diagnostics& d) {
  auto ref = registry::ParseReference(c.url);
  const std::string host = ref.ok() ? ref->domain : c.url;
  if (!c.unreadable_credentials.empty()) {
    d.AddWarning("Image preflight used other credentials",
                 absl::StrCat("This resource's registry credentials (", c.unreadable_credentials,
                              ") are resolved by Databricks, not readable by dcs, so the preflight of \"", c.url,
                              "\" used ", l.credentials.empty() ? "the provider's credentials" : l.credentials,
                              ". A pull failure it finds may not apply to the credentials the workspace uses."),
                 c.url_path);
  }
  if (!l.status.ok()) return ReportLookupFailure(c, mode, l, host, d);
  const registry::ImageConfig& config = l.image.config;
  std::string want_arch = "amd64";
  for (const auto& node : c.node_types) {
    if (NodeArchitecture(node) == "arm64") want_arch = "arm64";
  }
  const registry::Platform& have = config.platform;
  if ((!have.os.empty() && have.os != "linux") || (!have.architecture.empty() && have.architecture != want_arch)) {
    Finding(d, mode, "Image not built for the node's platform",
            absl::StrCat("\"", c.url, "\" is a ", have.String(), " image, but the nodes run linux/", want_arch,
                         ". Build and push it for linux/", want_arch, " (docker buildx --platform linux/", want_arch,
                         ")."),
            c.url_path);
  }
  if (c.check_entrypoint && !config.entrypoint.empty()) {
    d.AddWarning("Image sets an ENTRYPOINT",
                 absl::StrCat("\"", c.url, "\" has ENTRYPOINT [\"", absl::StrJoin(config.entrypoint, "\", \""),
                              "\"]. Databricks Container Services starts its own launcher in the container; an "
                              "ENTRYPOINT runs instead of it, and the cluster then fails to start (bootstrap "
                              "timeout). Remove ENTRYPOINT from the Dockerfile (or make it exec \"$@\"), and use "
                              "init scripts for start-up work."),
                 c.url_path);
  }
  ReportCuda(c, mode, GpuStackOf(config), drivers, d);
  ReportRuntime(c, config, d);
}

void RunPreflight(const framework::Context& ctx, PreflightMode mode, const std::vector<ImageCheck>& checks,
                  framework::Diagnostics& d) {
  if (mode == PreflightMode::kOff || !ctx.provider) return;
  const ProviderConfig* p = Config(ctx);
  const std::map<std::string, std::string> none;
  for (const ImageCheck& c : checks) {
    auto ref = registry::ParseReference(c.url);
    if (!ref.ok()) {
      d.AddWarning("Image preflight could not parse the image reference",
                   absl::StrCat(ref.status().message(), ". The registry was not asked about \"", c.url, "\"."),
                   c.url_path);
      continue;
    }
    std::string arch = "amd64";
    for (const auto& node : c.node_types) {
      if (NodeArchitecture(node) == "arm64") arch = "arm64";
    }
    registry::Platform want{"linux", arch, ""};
    auto lookup = LookUpCached(ctx, *ref, c.credentials, want);
    ReportImage(c, mode, *lookup, p ? p->gpu_host_drivers : none, d);
  }
}

std::optional<cty::Value> OnlyPreflightChanged(const cty::Value& prior, const cty::Value& planned) {
  if (prior.IsNull() || planned.IsNull() || !prior.IsKnown() || !planned.IsKnown()) return std::nullopt;
  for (const auto& [name, value] : planned.Attributes()) {
    if (name == "preflight" || !value.IsWhollyKnown()) continue;
    if (!value.Equals(prior.GetAttr(name))) return std::nullopt;
  }
  std::map<std::string, cty::Value> attrs = prior.Attributes();
  attrs["preflight"] = planned.GetAttr("preflight");
  return cty::Value::Object(prior.type(), std::move(attrs));
}

// ---- the resources' plan hooks

namespace {

bool Changed(const framework::ModifyPlanRequest& req, std::initializer_list<const char*> names) {
  if (req.prior.IsNull()) return true;
  for (const char* n : names) {
    if (!req.planned.GetAttr(n).Equals(req.prior.GetAttr(n))) return true;
  }
  return false;
}

// url, credentials and path of one docker image block of the config; nullopt
// when the url is unknown or absent.
std::optional<ImageCheck> DockerImageCheck(const cty::Value& block, Path url_path) {
  if (!block.IsKnown() || block.IsNull()) return std::nullopt;
  auto url = GetString(block, "url");
  if (!url) return std::nullopt;
  ImageCheck c;
  c.url = *url;
  c.url_path = std::move(url_path);
  const cty::Value& auth = block.GetAttr("basic_auth");
  if (auth.IsKnown() && !auth.IsNull()) {
    const cty::Value& user = auth.GetAttr("username");
    const cty::Value& password = auth.GetAttr("password");
    if (!user.IsKnown() || !password.IsKnown()) {
      c.unreadable_credentials = "basic_auth, not known until apply";
    } else if (user.IsNull() || password.IsNull()) {
      // write-only password absent from this config: nothing to use
      c.unreadable_credentials = "basic_auth without a password in the configuration";
    } else if (IsSecretReference(user.AsString()) || IsSecretReference(password.AsString())) {
      c.unreadable_credentials = "basic_auth with a {{secrets/…}} reference";
    } else {
      c.credentials = ExplicitCredentials{user.AsString(), password.AsString()};
      log::RegisterSecret(password.AsString());
    }
  }
  return c;
}

void AddNodeType(const cty::Value& config, const char* name, std::vector<std::string>& out) {
  if (auto v = GetString(config, name)) out.push_back(*v);
}

}  // namespace

void PreflightClusterPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& d) {
  if (req.planned.IsNull() || !req.ctx.provider) return;
  if (!Changed(req, {"docker_image", "node_type_id", "driver_node_type_id", "spark_version", "preflight"})) return;
  const PreflightMode mode = PreflightModeOf(req.ctx, req.config);
  if (mode == PreflightMode::kOff) return;
  auto check = DockerImageCheck(req.config.GetAttr("docker_image"), Path::Root("docker_image").Attr("url"));
  if (!check) return;
  AddNodeType(req.config, "node_type_id", check->node_types);
  AddNodeType(req.config, "driver_node_type_id", check->node_types);
  check->spark_version = GetString(req.config, "spark_version").value_or("");
  RunPreflight(req.ctx, mode, {*check}, d);
}

void PreflightPoolPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& d) {
  if (req.planned.IsNull() || !req.ctx.provider) return;
  if (!Changed(req, {"preloaded_docker_image", "node_type_id", "preloaded_spark_versions", "preflight"})) return;
  const PreflightMode mode = PreflightModeOf(req.ctx, req.config);
  if (mode == PreflightMode::kOff) return;
  auto images = GetKnown(req.config, "preloaded_docker_image");
  if (!images) return;
  std::string spark;
  if (auto versions = GetKnown(req.config, "preloaded_spark_versions"); versions && !versions->Elements().empty()) {
    const cty::Value& first = versions->Elements()[0];
    if (first.IsKnown() && !first.IsNull()) spark = first.AsString();
  }
  std::vector<ImageCheck> checks;
  for (size_t i = 0; i < images->Elements().size(); ++i) {
    auto check = DockerImageCheck(images->Elements()[i],
                                  Path::Root("preloaded_docker_image").Index(static_cast<int64_t>(i)).Attr("url"));
    if (!check) continue;
    AddNodeType(req.config, "node_type_id", check->node_types);
    check->spark_version = spark;
    checks.push_back(std::move(*check));
  }
  RunPreflight(req.ctx, mode, checks, d);
}

void PreflightAirPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& d) {
  if (req.planned.IsNull() || !req.ctx.provider) return;
  if (!Changed(req, {"image_url", "secret_scope", "secret_key", "credential_version", "trigger_on_digest", "preflight"})) {
    return;
  }
  const PreflightMode mode = PreflightModeOf(req.ctx, req.config);
  if (mode == PreflightMode::kOff) return;
  auto url = GetString(req.config, "image_url");
  if (!url) return;
  ImageCheck c;
  c.url = *url;
  c.url_path = Path::Root("image_url");
  c.check_entrypoint = false;  // the AI Runtime's launch contract is not Container Services'
  if (!req.config.GetAttr("secret_scope").IsNull()) {
    c.unreadable_credentials = "the Databricks secret named by secret_scope / secret_key";
  }
  RunPreflight(req.ctx, mode, {c}, d);
}

}  // namespace dcs::resources
