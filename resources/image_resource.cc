// dcs_image: build with the Docker Engine, push, track the digest, promote
// by re-tagging in the registry, and apply tag retention. Schema and model:
// image_model.cc; clients: container_clients.cc; retention: image_retention.cc.
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "clients/buildcontext/git_origin.h"
#include "clients/docker/dockerfile_scan.h"
#include "clients/registry/reference.h"
#include "resources/api_errors.h"
#include "resources/image_in_use.h"
#include "resources/image_model.h"
#include "resources/provider.h"
#include "resources/values.h"
#include "sdk/framework/resource.h"

namespace dcs::resources {
namespace {

namespace fw = framework;
using cty::Path;
using cty::Type;
using cty::Value;

constexpr char kOciCreated[] = "org.opencontainers.image.created";
constexpr char kOciRevision[] = "org.opencontainers.image.revision";
constexpr char kOciSource[] = "org.opencontainers.image.source";

std::set<std::string> TagSet(const ImageModel& m) { return {m.tags.begin(), m.tags.end()}; }

Value StringListValue(const std::vector<std::string>& items) {
  std::vector<Value> out;
  for (const auto& s : items) out.push_back(Value::String(s));
  return Value::List(cty::Type::String(), std::move(out));
}

Value StringMapValue(const std::map<std::string, std::string>& items) {
  std::map<std::string, Value> out;
  for (const auto& [k, v] : items) out[k] = Value::String(v);
  return Value::Map(cty::Type::String(), std::move(out));
}

std::vector<std::string> ListOf(const Value& object, const std::string& name) {
  std::vector<std::string> out;
  if (auto v = GetKnown(object, name)) {
    for (const auto& e : v->Elements()) {
      if (e.IsKnown() && !e.IsNull()) out.push_back(e.AsString());
    }
  }
  return out;
}

// Everything one operation needs to talk to the registry of `m.name`.
struct RegistrySide {
  std::string host, repo;
  std::unique_ptr<registry::RegistryClient> client;
};

std::optional<RegistrySide> OpenRegistry(const fw::Context& ctx, const ImageModel& m,
                                         fw::Diagnostics& d) {
  auto ref = registry::ParseReference(m.name);
  if (!ref.ok()) {
    d.AddError("Invalid image name", std::string(ref.status().message()), Path::Root("name"));
    return std::nullopt;
  }
  ExplicitCredentials creds = m.credentials;
  if (!m.auth_address.empty() && m.auth_address != ref->domain) creds = {};
  const ProviderClients* clients = ClientsOrDiagnose(ctx, d);
  if (clients == nullptr) return std::nullopt;
  auto client = clients->Registry(ref->domain, creds);
  if (!client.ok()) {
    AddContainerError(d, client.status(), "Cannot use the registry credentials", Path::Root("registry_auth"));
    return std::nullopt;
  }
  return RegistrySide{ref->domain, ref->path, *std::move(client)};
}

// The build request both builders share: context, Dockerfile, tags, args,
// labels (plus the OCI created / revision / source labels), target, platform,
// network, cache switches. `now` is the created label unless one is set.
docker::BuildOptions BuildOptionsFrom(const ImageModel& m, const std::string& now) {
  docker::BuildOptions o;
  o.context_dir = m.context;
  o.dockerfile = m.dockerfile;
  o.dockerfile_inline = m.dockerfile_inline;
  for (const auto& t : m.tags) o.tags.push_back(m.name + ":" + t);
  o.build_args = m.build_args;
  o.labels = m.labels;
  if (!o.labels.count(kOciCreated)) o.labels[kOciCreated] = now;
  // Where the context comes from, when it lives in a git repository. These
  // labels are not build inputs of context_hash: a commit that changes
  // nothing in the context does not rebuild; the image records the commit
  // it was built from.
  const buildcontext::GitOrigin origin = buildcontext::FindGitOrigin(m.context);
  if (!origin.revision.empty() && !o.labels.count(kOciRevision)) o.labels[kOciRevision] = origin.revision;
  if (!origin.source.empty() && !o.labels.count(kOciSource)) o.labels[kOciSource] = origin.source;
  o.target = m.target;
  o.platform = m.platform;
  o.network_mode = m.network_mode;
  o.no_cache = m.no_cache;
  o.pull = m.pull;
  return o;
}

class ImageResource : public fw::Resource, public fw::ResourceWithModifyPlan, public fw::ResourceWithImport,
                      public fw::ResourceWithIdentity {
 public:
  ImageResource() : schema_(ImageSchema()) {}
  std::string TypeName() const override { return "dcs_image"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  // {name, tag}: the repository and the primary tag, which `id` joins.
  Value IdentityFromState(const Value& state) const override {
    const Type t = identity_.ImpliedType();
    const Value& id = state.GetAttr("id");
    if (id.IsNull() || !id.IsKnown()) {
      return Value::Object(t, {{"name", state.GetAttr("name")}, {"tag", id.IsKnown() ? Value::Null(Type::String())
                                                                                       : Value::Unknown(Type::String())}});
    }
    const std::string& joined = id.AsString();
    const size_t colon = joined.rfind(':');
    return Value::Object(t, {{"name", Value::String(joined.substr(0, colon))},
                             {"tag", Value::String(colon == std::string::npos ? "" : joined.substr(colon + 1))}});
  }
  absl::StatusOr<std::string> ImportIdFromIdentity(const Value& identity) const override {
    for (const char* a : {"name", "tag"}) {
      const Value& v = identity.GetAttr(a);
      if (v.IsNull() || !v.IsKnown() || v.AsString().empty()) {
        return absl::InvalidArgumentError(absl::StrCat("the identity needs a non-empty `", a, "`"));
      }
    }
    return absl::StrCat(identity.GetAttr("name").AsString(), ":", identity.GetAttr("tag").AsString());
  }

  void ValidateConfig(const fw::ValidateConfigRequest& req, fw::Diagnostics& d) const override {
    const Value& c = req.config;
    if (auto name = GetString(c, "name")) {
      auto ref = registry::ParseReference(*name);
      const std::string last = name->substr(name->rfind('/') == std::string::npos ? 0 : name->rfind('/'));
      if (!ref.ok()) {
        d.AddError("Invalid image name", std::string(ref.status().message()), Path::Root("name"));
      } else if (last.find(':') != std::string::npos || last.find('@') != std::string::npos) {
        d.AddError("Image name must not carry a tag or digest",
                   absl::StrCat("\"", *name, "\": put tags in `tags` and leave the digest to the provider."),
                   Path::Root("name"));
      }
    }
    if (auto tags = GetKnown(c, "tags"); tags && tags->IsWhollyKnown()) {
      if (tags->Elements().empty()) d.AddError("No tags", "Give at least one tag; the first is the primary tag.", Path::Root("tags"));
      for (size_t i = 0; i < tags->Elements().size(); ++i) {
        const Value& t = tags->Elements()[i];
        if (!t.IsNull() && !registry::ValidTag(t.AsString())) {
          d.AddError("Invalid tag", absl::StrCat("\"", t.AsString(), "\" is not a valid tag: up to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'."),
                     Path::Root("tags").Index(static_cast<int64_t>(i)));
        }
      }
    }
    if (auto secrets = GetKnown(c, "secret")) {
      std::set<std::string> ids;
      for (size_t i = 0; i < secrets->Elements().size(); ++i) {
        const Value& b = secrets->Elements()[i];
        if (!b.IsKnown() || b.IsNull()) continue;
        const Path at = Path::Root("secret").Index(static_cast<int64_t>(i));
        if (auto id = GetString(b, "id"); id && !ids.insert(*id).second) {
          d.AddError("Duplicate secret id", absl::StrCat("Two `secret` blocks have the id \"", *id, "\"."), at.Attr("id"));
        }
        if (!b.GetAttr("value").IsKnown() || !b.GetAttr("env").IsKnown() || !b.GetAttr("file").IsKnown()) continue;
        const int sources = !b.GetAttr("value").IsNull() + !b.GetAttr("env").IsNull() + !b.GetAttr("file").IsNull();
        if (sources != 1) {
          d.AddError("Secret needs exactly one source",
                     "Set exactly one of `value` (write-only), `env` (an environment variable of the provider) or "
                     "`file` (a file read at build time).",
                     at);
        }
      }
    }
    if (GetString(c, "dockerfile") && GetString(c, "dockerfile_inline")) {
      d.AddError("Conflicting Dockerfile settings", "Set either `dockerfile` or `dockerfile_inline`, not both.",
                 Path::Root("dockerfile_inline"));
    }
  }

  void ModifyPlan(const fw::ModifyPlanRequest& req, fw::ModifyPlanResponse& resp) const override {
    resp.planned = req.planned;
    if (req.planned.IsNull() || !req.planned.IsKnown()) return;
    const ImageModel m = ImageModelFrom(req.config);
    std::map<std::string, Value> set;
    if (auto tags = GetKnown(req.config, "tags"); tags && tags->IsWhollyKnown() && !m.tags.empty()) {
      set["id"] = Value::String(m.name + ":" + m.tags.front());
    }
    const bool inputs_known = HashInputsKnown(req.config);
    std::optional<std::string> hash;
    if (inputs_known) {
      auto h = ComputeContextHash(m);
      if (!h.ok()) {
        resp.diagnostics.AddError("Cannot read the build context", std::string(h.status().message()),
                                  Path::Root("context"));
        return;
      }
      hash = *h;
      set["context_hash"] = Value::String(*hash);
    }
    bool build = true;
    std::vector<std::string> untagged;
    if (!req.prior.IsNull() && hash) {
      const std::string pushed = DigestOfRepoDigest(GetString(req.prior, "repo_digest").value_or(""));
      build = GetString(req.prior, "context_hash").value_or("") != *hash || pushed.empty();
      if (!build && GetString(req.prior, "digest").value_or("") != pushed) {
        build = !ManifestStillThere(req.ctx, m, pushed, resp.diagnostics);  // drift: re-tag or rebuild
      }
      if (!build) {
        for (const char* k : {"image_id", "repo_digest", "pushed_at"}) set[k] = req.prior.GetAttr(k);
        set["digest"] = Value::String(pushed);
      } else if (!pushed.empty()) {
        untagged.push_back(pushed);
      }
    }
    if (build) {
      for (const char* k : {"image_id", "digest", "repo_digest", "pushed_at"}) set[k] = Value::Unknown(cty::Type::String());
    }
    PlanRetentionList(req, m, untagged, set, resp.diagnostics);
    resp.planned = WithAttrs(req.planned, set);
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    const ImageModel m = ImageModelFrom(req.config);
    auto registry = OpenRegistry(req.ctx, m, resp.diagnostics);
    if (!registry || !CheckCredentials(*registry, m, resp.diagnostics)) return;
    std::map<std::string, Value> set;
    if (!BuildAndPush(req.ctx, m, *registry, set, resp.diagnostics)) return;
    FillUnknowns(m, req.planned, set);
    Value state = WithAttrs(req.planned, set);
    RunRetention(req.ctx, m, *registry, req.planned, resp.diagnostics);
    resp.new_state = state;
  }

  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    const ImageModel m = ImageModelFrom(req.config);
    auto registry = OpenRegistry(req.ctx, m, resp.diagnostics);
    if (!registry || !CheckCredentials(*registry, m, resp.diagnostics)) return;
    std::map<std::string, Value> set;
    auto planned_digest = GetKnown(req.planned, "digest");
    if (!planned_digest) {
      if (!BuildAndPush(req.ctx, m, *registry, set, resp.diagnostics)) return;
    } else if (!Retag(m, *registry, planned_digest->AsString(), resp.diagnostics)) {
      return;
    }
    FillUnknowns(m, req.planned, set);
    Value state = WithAttrs(req.planned, set);
    RunRetention(req.ctx, m, *registry, req.planned, resp.diagnostics);
    resp.new_state = state;
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    resp.new_state = req.state;
    resp.private_data = req.private_data;
    ImageModel m = ImageModelFrom(req.state);
    if (m.tags.empty()) return;
    auto registry = OpenRegistry(req.ctx, m, resp.diagnostics);
    if (!registry) return;
    auto head = registry->client->HeadManifest(registry->repo, m.tags.front());
    std::string digest;
    if (head.ok()) {
      digest = head->digest;
    } else if (head.status().code() == absl::StatusCode::kUnauthenticated && m.credentials.password.empty()) {
      resp.diagnostics.AddWarning(
          "Cannot check the image tag in the registry",
          absl::StrCat(head.status().message(), "\n\nRefresh has no password for ", registry->host,
                       " (a write-only `password` is not kept in state): add a `registry_auth` entry "
                       "for it to the provider block or log in with `docker login`. The state is kept as it was."),
          Path::Root("registry_auth"));
      return;
    } else if (head.status().code() != absl::StatusCode::kNotFound) {
      AddContainerError(resp.diagnostics, head.status(), "Cannot read the image tag from the registry",
                        Path::Root("tags").Index(0), m.credentials.password);
      return;
    }
    std::map<std::string, Value> set{{"digest", Value::String(digest)}};
    if (!GetString(req.state, "repo_digest") && !digest.empty()) {
      set["repo_digest"] = Value::String(m.name + "@" + digest);  // imported
    }
    resp.new_state = WithAttrs(req.state, set);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    const ImageModel m = ImageModelFrom(req.prior);
    if (m.keep_remotely) return;
    const std::string digest = DigestOfRepoDigest(GetString(req.prior, "repo_digest").value_or(""));
    if (digest.empty()) return;
    auto registry = OpenRegistry(req.ctx, m, resp.diagnostics);
    if (!registry) return;
    absl::Status s = registry->client->DeleteManifest(registry->repo, digest);
    if (!s.ok() && s.code() != absl::StatusCode::kNotFound) {
      AddContainerError(resp.diagnostics, s, "Cannot delete the image from the registry", Path::Root("keep_remotely"));
    }
  }

  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    auto ref = registry::ParseReference(req.id);
    if (!ref.ok() || !ref->digest.empty()) {
      resp.diagnostics.AddError("Invalid import id",
                                absl::StrCat("Import dcs_image with the reference of its primary tag, "
                                             "`registry/repository:tag` (e.g. 127.0.0.1:5000/team/app:1.0); got \"",
                                             req.id, "\"", ref.ok() ? "" : absl::StrCat(": ", ref.status().message())));
      return;
    }
    const std::string name = ref->Repository();
    resp.state = Value::Object(schema_.block.ImpliedType(),
                               {{"id", Value::String(name + ":" + ref->tag)},
                                {"name", Value::String(name)},
                                {"tags", StringListValue({ref->tag})},
                                {"keep_remotely", Value::Bool(true)},
                                {"retention_dry_run", Value::Bool(false)}});
  }

 private:
  // Values that were unknown at plan (inputs known only at apply).
  static void FillUnknowns(const ImageModel& m, const Value& planned, std::map<std::string, Value>& set) {
    if (!GetKnown(planned, "context_hash")) set["context_hash"] = Value::String(ComputeContextHash(m).value_or(""));
    if (!GetKnown(planned, "id")) set["id"] = Value::String(m.name + ":" + m.tags.front());
    if (!planned.GetAttr("retention_deletions").IsKnown()) set["retention_deletions"] = StringListValue({});
    if (!planned.GetAttr("retention_protected").IsKnown()) set["retention_protected"] = StringMapValue({});
  }

  static bool HashInputsKnown(const Value& config) {
    for (const char* k : {"context", "dockerfile", "dockerfile_inline", "build_args", "labels", "triggers",
                          "target", "platform", "network_mode", "builder"}) {
      const Value& v = config.GetAttr(k);
      if (!v.IsWhollyKnown()) return false;
    }
    // A secret's value is no build input (it may stay unknown).
    const Value& secrets = config.GetAttr("secret");
    if (!secrets.IsKnown()) return false;
    if (!secrets.IsNull()) {
      for (const auto& b : secrets.Elements()) {
        if (!b.IsKnown()) return false;
        for (const char* k : {"id", "env", "file", "version"}) {
          if (!b.GetAttr(k).IsKnown()) return false;
        }
      }
    }
    return true;
  }

  static bool ManifestStillThere(const fw::Context& ctx, const ImageModel& m, const std::string& digest,
                                 fw::Diagnostics& d) {
    fw::Diagnostics ignored;
    auto registry = OpenRegistry(ctx, m, ignored);
    if (!registry) return false;
    return registry->client->HeadManifest(registry->repo, digest).ok();
  }

  // Fills retention_deletions and retention_protected in the plan (see the
  // attributes' descriptions); the workspace is asked only when something
  // would be deleted.
  static void PlanRetentionList(const fw::ModifyPlanRequest& req, const ImageModel& m,
                                const std::vector<std::string>& untagged, std::map<std::string, Value>& set,
                                fw::Diagnostics& d) {
    std::vector<std::string> planned;
    std::map<std::string, std::string> held;
    if (m.retention && GetKnown(req.config, "retention").has_value() && req.config.GetAttr("retention").IsWhollyKnown()) {
      auto registry = OpenRegistry(req.ctx, m, d);
      if (!registry) return;
      std::vector<TagInfo> tags;
      auto list = PlanRetention(*registry->client, registry->repo, *m.retention, TagSet(m), untagged, &tags);
      if (!list.ok()) {
        AddContainerError(d, list.status(), "Cannot plan the retention of old tags", Path::Root("retention"),
                          m.credentials.password);
        return;
      }
      planned = *list;
      if (!planned.empty()) {
        HoldEntriesInUse(AskWorkspaceForImageUses(req.ctx, m.name, ProbeUrlsFor(m.name, tags, planned)),
                         m.retention->require_workspace_check, tags, &planned, &held, d);
      }
    }
    // A state from before this attribute (or an import) has null: nothing held keeps it (no diff).
    const bool prior_null = !req.prior.IsNull() && req.prior.GetAttr("retention_protected").IsNull();
    set["retention_protected"] =
        held.empty() && prior_null ? Value::Null(cty::Type::Map(cty::Type::String())) : StringMapValue(held);
    const std::vector<std::string> prior = ListOf(req.prior, "retention_deletions");
    // An empty list after deletions keeps the record of the last ones (no perpetual diff).
    if (planned.empty() && !req.prior.IsNull() && !m.retention_dry_run && m.retention) planned = prior;
    set["retention_deletions"] = StringListValue(planned);
  }

  // Pings the registry with the credentials before a build, so a wrong
  // password fails fast with a 401 diagnostic.
  static bool CheckCredentials(const RegistrySide& r, const ImageModel& m, fw::Diagnostics& d) {
    absl::Status s = r.client->Ping();
    if (s.ok()) return true;
    const bool auth = s.code() == absl::StatusCode::kUnauthenticated;
    AddContainerError(d, s,
                      auth ? absl::StrCat("Registry ", r.host, " rejected the credentials (401 Unauthorized)")
                           : absl::StrCat("Cannot reach registry ", r.host),
                      auth && !m.credentials.empty() ? std::optional<Path>(Path::Root("registry_auth"))
                                                     : std::optional<Path>(Path::Root("name")),
                      m.credentials.password);
    return false;
  }

  static bool BuildAndPush(const fw::Context& ctx, const ImageModel& m, const RegistrySide& r,
                           std::map<std::string, Value>& set, fw::Diagnostics& d) {
    const ProviderClients* clients = ClientsOrDiagnose(ctx, d);
    if (clients == nullptr) return false;
    auto buildkitd = clients->Buildkitd();
    if (!buildkitd.ok()) {
      AddContainerError(d, buildkitd.status(), "Invalid buildkit_host", std::nullopt);
      return false;
    }
    if (*buildkitd && m.builder != "classic") return BuildOnBuildkitd(ctx, *clients, m, r, **buildkitd, set, d);
    if (!m.cache_to.empty()) {
      d.AddError("cache_to needs a standalone buildkitd",
                 "The Docker Engine API's build endpoint cannot export a build cache. Set `buildkit_host` in the "
                 "provider block (a buildkitd, BuildKit v0.4 or newer) or remove `cache_to`.",
                 Path::Root("cache_to"));
      return false;
    }
    auto docker = clients->ConnectDocker();
    if (!docker.ok()) {
      const bool tls = docker.status().code() == absl::StatusCode::kFailedPrecondition &&
                       absl::StrContains(docker.status().message(), "TLS");
      AddContainerError(d, docker.status(),
                        tls ? "TLS with the Docker daemon failed" : "Cannot reach the Docker daemon", std::nullopt);
      return false;
    }
    const std::string now = absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
    docker::BuildOptions o = BuildOptionsFrom(m, now);
    for (size_t i = 0; i < m.cache_from.size(); ++i) {
      auto spec = docker::ParseCacheSpec(m.cache_from[i]);
      if (!spec.ok()) {
        d.AddError("Invalid cache_from entry", std::string(spec.status().message()),
                   Path::Root("cache_from").Index(static_cast<int64_t>(i)));
        return false;
      }
      if (spec->attrs.count("ref")) o.cache_from.push_back(spec->attrs.at("ref"));
    }
    auto auth = clients->PushAuth(r.host, m.credentials);
    if (!auth.ok()) {
      AddContainerError(d, auth.status(), "Cannot use the registry credentials", Path::Root("registry_auth"));
      return false;
    }
    o.registry_auths.push_back(*auth);
    if (!ChooseBuilder(**docker, m, o, d) || !ResolveSecrets(m, o, d)) return false;
    o.stop = ctx.stop.get();
    log::Info("dcs_image: building", {{"image", m.name}, {"context", m.context},
                                      {"builder", o.builder == docker::Builder::kBuildKit ? "buildkit" : "classic"}});
    auto built = (*docker)->Build(o);
    if (!built.ok()) {
      const absl::StatusCode code = built.status().code();
      if (code == absl::StatusCode::kFailedPrecondition && o.builder == docker::Builder::kBuildKit &&
          absl::StrContains(built.status().message(), "BuildKit")) {
        d.AddError("The Docker engine cannot build with BuildKit",
                   absl::StrCat(built.status().message(), "\n\nSet `builder = \"classic\"` (without `RUN --mount`, ",
                                "`secret` and heredocs), or point `docker_host` at an engine with BuildKit (API 1.39+)."),
                   Path::Root("builder"));
        return false;
      }
      const bool step_failed = code == absl::StatusCode::kAborted;
      AddContainerError(d, built.status(),
                        code == absl::StatusCode::kCancelled ? "Image build stopped"
                        : step_failed                        ? "Image build failed"
                                                             : "Cannot build the image",
                        DockerfilePath(m), m.credentials.password);
      return false;
    }
    for (const std::string& step : built->completed_steps) {
      log::Debug("dcs_image: build step", {{"image", m.name}, {"step", step}});
    }
    for (const auto& tag : m.tags) {
      auto pushed = (*docker)->Push(m.name, tag, *auth);
      if (!pushed.ok()) {
        AddContainerError(d, pushed.status(), absl::StrCat("Cannot push ", m.name, ":", tag),
                          Path::Root("tags"), m.credentials.password);
        return false;
      }
    }
    auto head = r.client->HeadManifest(r.repo, m.tags.front());
    if (!head.ok()) {
      AddContainerError(d, head.status(), "Pushed image not found in the registry", Path::Root("tags").Index(0),
                        m.credentials.password);
      return false;
    }
    set["image_id"] = Value::String(built->image_id);
    set["digest"] = Value::String(head->digest);
    set["repo_digest"] = Value::String(m.name + "@" + head->digest);
    set["pushed_at"] = Value::String(now);
    return true;
  }

  static bool IsLoopback(const std::string& host) {
    return absl::StartsWith(host, "127.") || absl::StartsWith(host, "localhost") || absl::StartsWith(host, "[::1]");
  }

  // Builds and pushes on a standalone buildkitd; the registry's HEAD digest
  // is still the one recorded.
  static bool BuildOnBuildkitd(const fw::Context& ctx, const ProviderClients& clients, const ImageModel& m,
                               const RegistrySide& r,
                               const docker::BuildkitdEndpoint& endpoint, std::map<std::string, Value>& set,
                               fw::Diagnostics& d) {
    const docker::DockerfileFeatures f = docker::ScanDockerfile(DockerfileText(m));
    if (!CheckSecretMounts(m, f, d)) return false;
    docker::BuildkitdBuild b;
    const std::string now = absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
    b.options = BuildOptionsFrom(m, now);
    docker::BuildOptions& o = b.options;
    for (const auto* list : {&m.cache_from, &m.cache_to}) {
      const char* attr = list == &m.cache_from ? "cache_from" : "cache_to";
      for (size_t i = 0; i < list->size(); ++i) {
        auto spec = docker::ParseCacheSpec((*list)[i]);
        if (!spec.ok()) {
          d.AddError(absl::StrCat("Invalid ", attr, " entry"), std::string(spec.status().message()),
                     Path::Root(attr).Index(static_cast<int64_t>(i)));
          return false;
        }
        (list == &m.cache_from ? b.cache_from : b.cache_to).push_back(*spec);
      }
    }
    b.insecure_registry = IsLoopback(r.host);
    auto auth = clients.PushAuth(r.host, m.credentials);
    if (!auth.ok()) {
      AddContainerError(d, auth.status(), "Cannot use the registry credentials", Path::Root("registry_auth"));
      return false;
    }
    if (auth->server_address.empty()) auth->server_address = r.host;
    o.registry_auths.push_back(*auth);
    if (!ResolveSecrets(m, o, d)) return false;
    o.stop = ctx.stop.get();
    auto client = docker::BuildkitdClient::Connect(endpoint, std::chrono::seconds(30));
    if (!client.ok()) {
      AddContainerError(d, client.status(), "Cannot reach buildkitd", std::nullopt);
      return false;
    }
    log::Info("dcs_image: building on buildkitd", {{"image", m.name}, {"buildkitd", endpoint.description}});
    auto built = (*client)->Build(b);
    if (!built.ok()) {
      const absl::StatusCode code = built.status().code();
      AddContainerError(d, built.status(),
                        code == absl::StatusCode::kCancelled ? "Image build stopped"
                        : code == absl::StatusCode::kAborted ? "Image build failed"
                                                             : "Cannot build the image on buildkitd",
                        DockerfilePath(m), m.credentials.password);
      return false;
    }
    auto head = r.client->HeadManifest(r.repo, m.tags.front());
    if (!head.ok()) {
      AddContainerError(d, head.status(), "Pushed image not found in the registry", Path::Root("tags").Index(0),
                        m.credentials.password);
      return false;
    }
    if (head->digest != built->digest) {
      d.AddError("The registry does not hold what buildkitd pushed",
                 absl::StrCat("buildkitd reported ", built->digest, " for ", m.name, ":", m.tags.front(),
                              " but the registry answers ", head->digest, ". Another push to the same tag raced this one?"),
                 Path::Root("tags").Index(0));
      return false;
    }
    set["image_id"] = Value::String(built->config_digest);
    set["digest"] = Value::String(head->digest);
    set["repo_digest"] = Value::String(m.name + "@" + head->digest);
    set["pushed_at"] = Value::String(now);
    return true;
  }

  static bool CheckSecretMounts(const ImageModel& m, const docker::DockerfileFeatures& f, fw::Diagnostics& d) {
    for (const auto& mount : f.secret_mounts) {
      const bool configured = std::any_of(m.secrets.begin(), m.secrets.end(),
                                          [&](const ImageModel::Secret& s) { return s.id == mount.id; });
      if (!configured && mount.required) {
        d.AddError("Dockerfile secret not configured",
                   absl::StrCat("Line ", mount.line, " mounts the secret \"", mount.id, "\", but no `secret` block has ",
                                "that id. Add `secret { id = \"", mount.id, "\" ... }` (with `value`, `env` or `file`), ",
                                "or mark the mount `required=false` if the build copes without it."),
                   Path::Root("secret"));
        return false;
      }
    }
    return true;
  }

  static Path DockerfilePath(const ImageModel& m) {
    return Path::Root(m.dockerfile_inline.empty() ? "context" : "dockerfile_inline");
  }

  // The Dockerfile text, for the feature checks ("" when unreadable: the
  // build then reports it).
  static std::string DockerfileText(const ImageModel& m) {
    if (!m.dockerfile_inline.empty()) return m.dockerfile_inline;
    std::ifstream f(m.context + "/" + m.dockerfile, std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    return text.str();
  }

  // Picks the builder and refuses Dockerfile features it lacks, on the
  // attribute that decides.
  static bool ChooseBuilder(const docker::DockerClient& docker, const ImageModel& m, docker::BuildOptions& o,
                            fw::Diagnostics& d) {
    const std::string engine = absl::StrCat("the engine (Engine API ", docker.api_version(), ")");
    if (m.builder == "classic") {
      o.builder = docker::Builder::kClassic;
    } else if (m.builder == "buildkit") {
      if (!docker.SupportsBuildKit()) {
        d.AddError("The Docker engine cannot build with BuildKit",
                   absl::StrCat(engine, " has no BuildKit session support; it needs Engine API ",
                                docker::kMinBuildKitApiVersion, " (Docker 18.09) or newer. Set `builder = \"classic\"` ",
                                "or point `docker_host` at a newer engine."),
                   Path::Root("builder"));
        return false;
      }
      o.builder = docker::Builder::kBuildKit;
    } else {
      o.builder = docker.DefaultBuilder();
    }
    const bool buildkit = o.builder == docker::Builder::kBuildKit;
    const std::string chosen = m.builder.empty()
                                   ? absl::StrCat("`builder` is unset, so ", engine, " chose the ",
                                                  buildkit ? "BuildKit" : "classic", " builder")
                                   : absl::StrCat("`builder = \"", m.builder, "\"`");
    const docker::DockerfileFeatures f = docker::ScanDockerfile(DockerfileText(m));
    const Path df = Path::Root(m.dockerfile_inline.empty() ? "dockerfile" : "dockerfile_inline");
    if (f.heredoc_line > 0 && !f.syntax_directive &&
        (!buildkit || docker::CompareApiVersions(docker.api_version(), docker::kMinHeredocApiVersion) < 0)) {
      d.AddError("Dockerfile heredocs are not supported by this builder",
                 absl::StrCat("Line ", f.heredoc_line, " uses a heredoc (`<<WORD`). ", chosen, ". ",
                              buildkit ? absl::StrCat("The Dockerfile frontend built into ", engine,
                                                      " predates heredocs (they need Engine 23.0, API ",
                                                      docker::kMinHeredocApiVersion, ", or a standalone buildkitd).")
                                       : "The classic builder has no heredocs.",
                              " Write the script into a file of the context and COPY it, or build with "
                              "`builder = \"buildkit\"` on an engine that supports heredocs."),
                 buildkit ? df : Path::Root("builder"));
      return false;
    }
    if (!buildkit && f.mount_line > 0) {
      d.AddError("RUN --mount needs BuildKit",
                 absl::StrCat("Line ", f.mount_line, " uses `RUN --mount`, which the classic builder does not have. ",
                              chosen, ". Set `builder = \"buildkit\"` (Engine API ", docker::kMinBuildKitApiVersion,
                              "+)."),
                 Path::Root("builder"));
      return false;
    }
    if (!buildkit && !m.secrets.empty()) {
      d.AddError("Build secrets need BuildKit",
                 absl::StrCat("`secret` blocks are served to `RUN --mount=type=secret`, which only BuildKit has. ", chosen,
                              ". Set `builder = \"buildkit\"` or remove the `secret` blocks."),
                 Path::Root("builder"));
      return false;
    }
    return CheckSecretMounts(m, f, d);
  }

  // Reads each secret from its source into o.secrets.
  static bool ResolveSecrets(const ImageModel& m, docker::BuildOptions& o, fw::Diagnostics& d) {
    for (size_t i = 0; i < m.secrets.size(); ++i) {
      const ImageModel::Secret& s = m.secrets[i];
      const Path at = Path::Root("secret").Index(static_cast<int64_t>(i));
      std::string value;
      if (!s.env.empty()) {
        const char* v = std::getenv(s.env.c_str());
        if (v == nullptr) {
          d.AddError("Secret environment variable not set",
                     absl::StrCat("The provider process has no environment variable ", s.env, " for secret \"", s.id,
                                  "\". Export it before running the client."),
                     at.Attr("env"));
          return false;
        }
        value = v;
      } else if (!s.file.empty()) {
        std::ifstream f(s.file, std::ios::binary);
        std::ostringstream text;
        if (!f || !(text << f.rdbuf())) {
          d.AddError("Cannot read the secret file",
                     absl::StrCat("Secret \"", s.id, "\": cannot read ", s.file, "."), at.Attr("file"));
          return false;
        }
        value = text.str();
      } else {
        value = s.value;  // write-only: present in the config of this apply
      }
      log::RegisterSecret(value);
      o.secrets[s.id] = value;
    }
    return true;
  }

  // Points every tag at `digest` in the registry (promotion, drift repair):
  // no build, no Docker daemon.
  static bool Retag(const ImageModel& m, const RegistrySide& r, const std::string& digest, fw::Diagnostics& d) {
    for (size_t i = 0; i < m.tags.size(); ++i) {
      auto head = r.client->HeadManifest(r.repo, m.tags[i]);
      if (head.ok() && head->digest == digest) continue;
      auto done = r.client->Retag(r.repo, digest, m.tags[i]);
      if (!done.ok()) {
        AddContainerError(d, done.status(), absl::StrCat("Cannot tag ", m.name, "@", digest, " as ", m.tags[i]),
                          Path::Root("tags").Index(static_cast<int64_t>(i)), m.credentials.password);
        return false;
      }
      log::Info("dcs_image: re-tagged in the registry", {{"image", m.name}, {"tag", m.tags[i]}, {"digest", digest}});
    }
    return true;
  }

  // Deletes what the plan listed, asking the workspace again right before.
  static void RunRetention(const fw::Context& ctx, const ImageModel& m, const RegistrySide& r, const Value& planned,
                           fw::Diagnostics& d) {
    if (!m.retention || m.retention_dry_run) return;
    std::vector<std::string> skipped;
    std::map<std::string, std::string> in_use;
    bool workspace_failed = false;
    const std::vector<std::string> entries = ListOf(planned, "retention_deletions");
    UsesNow uses_now = [&](const std::vector<TagInfo>& tags) -> absl::StatusOr<ImageUses> {
      auto uses = UsesForApply(AskWorkspaceForImageUses(ctx, m.name, ProbeUrlsFor(m.name, tags, entries)),
                               m.retention->require_workspace_check);
      workspace_failed = !uses.ok();
      return uses;
    };
    absl::Status s = ApplyRetention(*r.client, r.repo, entries, TagSet(m), &skipped, uses_now, &in_use);
    if (!s.ok() && workspace_failed) {
      d.AddWarning("Retention deleted nothing: in-use protection could not be checked", std::string(s.message()),
                   Path::Root("retention"));
    } else if (!s.ok()) {
      AddContainerError(d, s, "Retention could not delete old tags", Path::Root("retention"), m.credentials.password);
    }
    if (!in_use.empty()) {
      std::vector<std::string> lines;
      for (const auto& [entry, reason] : in_use) lines.push_back(absl::StrCat(entry, ": ", reason));
      d.AddWarning("Retention kept images that came into use after the plan",
                   absl::StrCat("Not deleted: ", absl::StrJoin(lines, "; "), "."), Path::Root("retention"));
    }
    if (s.ok() && !skipped.empty()) {
      d.AddWarning("Retention skipped some entries",
                   absl::StrCat("A kept tag now points at the same manifest, so deleting it would delete the kept tag too: ",
                                absl::StrJoin(skipped, ", ")),
                   Path::Root("retention"));
    }
  }

  schema::Schema schema_;
  fw::IdentitySchema identity_{
      0,
      {fw::IdentityAttribute{.name = "name", .type = Type::String(), .required_for_import = true,
                             .description = "The repository, e.g. `127.0.0.1:5000/team/app`."},
       fw::IdentityAttribute{.name = "tag", .type = Type::String(), .required_for_import = true,
                             .description = "The primary tag (the first of `tags`)."}}};
};

}  // namespace

std::unique_ptr<framework::Resource> NewImageResource() { return std::make_unique<ImageResource>(); }

}  // namespace dcs::resources
