#include "resources/image_model.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "clients/buildcontext/context.h"
#include "clients/buildcontext/context_hash.h"
#include "clients/docker/docker_client.h"
#include "clients/registry/reference.h"
#include "resources/values.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using schema::Attribute;
using schema::Mode;
namespace fw = framework;

constexpr char kDescription[] =
    "Builds a container image with the Docker Engine (BuildKit through an Engine API session, or "
    "the classic builder), pushes it to a registry and tracks its digest, so that clusters can be "
    "pinned to exactly the image that was built.\n\n"
    "* **Rebuilds only when something reaching the build changed.** `context_hash` is computed "
    "at plan from the files that survive `.dockerignore` (paths, modes, contents, symlink targets; "
    "not mtimes) plus the Dockerfile, `build_args`, `labels`, `target`, `platform`, `network_mode`, "
    "`triggers`, `builder` (when set) and each `secret`'s id, source and `version` (never its value). "
    "`cache_from`/`cache_to` are not build inputs. Editing an ignored file plans nothing.\n"
    "* **Drift.** Refresh HEADs the primary tag (the first of `tags`) in the registry: a tag moved "
    "to another digest shows as a change of `digest` and the apply points it back (without a "
    "build when the pushed manifest still exists, else by rebuilding); a deleted tag is re-pushed.\n"
    "* **Promotion.** Adding or reordering `tags` re-tags the pushed manifest in the registry "
    "(same digest, no build, no Docker daemon needed). Removed tags are left in the registry.\n"
    "* **Retention** (`retention` block) deletes old tags through the registry API at apply; "
    "`retention_deletions` shows at plan what goes. Generic registries expose no push time, so "
    "\"newest\" is the image creation time of each tag's config. A registry deletes a manifest "
    "with all its tags, so a tag that shares its digest with a kept tag is never deleted. Images "
    "the provider's Databricks workspace uses (clusters in any state, instance pools' preloaded "
    "images, AI Runtime registrations; by tag or digest) are never deleted and show in "
    "`retention_protected`; without a configured workspace retention holds its deletions unless "
    "`require_workspace_check = false`.\n"
    "* **Builders.** `builder = \"buildkit\"` opens a BuildKit session on the Engine API "
    "(`POST /session`) and serves the build its files by file sync, its secrets and registry "
    "credentials; `builder = \"classic\"` streams a tar to the classic builder. Unset, engines with "
    "API 1.39 or newer (Docker 18.09+) build with BuildKit and older ones with the classic builder. "
    "BuildKit brings `RUN --mount=type=cache` (cache mounts are kept by the engine between builds), "
    "`RUN --mount=type=secret` (see `secret`) and, from Engine 23.0 (API 1.42), heredocs "
    "(`RUN <<EOF`). A Dockerfile using a feature the chosen builder lacks is refused before the "
    "build with a diagnostic naming the feature and `builder`. Either way the engine receives "
    "exactly the files `context_hash` covers.\n"
    "* **Secrets.** `secret` blocks are served to `RUN --mount=type=secret,id=...` during the "
    "build only: they never reach the image, the build request, the plan or the logs; `value` is "
    "write-only. A secret's value is not a build input: change `version` to rebuild with a new "
    "value.\n"
    "* **Standalone buildkitd.** With `buildkit_host` in the provider block (unix socket, or "
    "tcp with mutual TLS) the build runs on that buildkitd with its built-in Dockerfile frontend "
    "(heredocs, `RUN --mount`), which pushes to the registry itself and imports/exports registry "
    "caches (`cache_from`, `cache_to`); `builder = \"classic\"` still uses the Docker engine. "
    "Tested with buildkitd v0.34.2 (rootful, runc, native snapshotter).\n"
    "* **Engines.** Docker Engine API 1.30 to 1.47 (Engine 17.06 and newer; the API version is "
    "negotiated), over a unix socket or `tcp://` with TLS. Tested with Debian's docker.io 20.10 "
    "(API 1.41: BuildKit with `RUN --mount`, no heredocs) and distribution (docker-registry) 2.8.\n\n"
    "Credentials for the registry: `registry_auth` here, else the provider's `registry_auth` "
    "for that host, else `~/.docker/config.json` (auths, credsStore, credHelpers). Import with "
    "the reference of the primary tag: `registry/repository:tag`.";

cty::Type S() { return cty::Type::String(); }

std::map<std::string, std::string> StringMap(const cty::Value& object, const std::string& name) {
  std::map<std::string, std::string> out;
  if (auto v = GetKnown(object, name); v && v->IsWhollyKnown()) {
    for (const auto& [k, e] : v->Attributes()) {
      if (!e.IsNull()) out[k] = e.AsString();
    }
  }
  return out;
}

std::vector<std::string> StringList(const cty::Value& object, const std::string& name) {
  std::vector<std::string> out;
  if (auto v = GetKnown(object, name)) {
    for (const auto& e : v->Elements()) {
      if (e.IsKnown() && !e.IsNull()) out.push_back(e.AsString());
    }
  }
  return out;
}

// The single element of a list block, or nullopt.
std::optional<cty::Value> SingleBlock(const cty::Value& object, const std::string& name) {
  auto v = GetKnown(object, name);
  if (!v || v->Elements().empty()) return std::nullopt;
  return v->Elements().front();
}

}  // namespace

schema::Schema ImageSchema() {
  const cty::Type MapS = cty::Type::Map(S());
  schema::Schema s;
  s.block.description = kDescription;
  s.block.attributes = {
      Attribute{.name = "id", .type = S(), .mode = Mode::kComputed, .description = "`name:primary tag`."},
      Attribute{.name = "name", .type = S(), .mode = Mode::kRequired, .description = "Repository including the registry, without a tag, e.g. `myreg.azurecr.io/team/app` or `127.0.0.1:5000/app`.", .plan_modifiers = {fw::RequiresReplace()}},
      Attribute{.name = "tags", .type = cty::Type::List(S()), .mode = Mode::kRequired, .description = "Tags to push; the first is the primary tag (refresh checks it). Adding a tag re-tags the pushed manifest without a build."},
      Attribute{.name = "context", .type = S(), .mode = Mode::kRequired, .description = "Build context directory. `.dockerignore` in it is applied with Docker's rules."},
      Attribute{.name = "dockerfile", .type = S(), .description = "Dockerfile path inside the context (default `Dockerfile`). Conflicts with `dockerfile_inline`."},
      Attribute{.name = "dockerfile_inline", .type = S(), .description = "Dockerfile text, sent with the context instead of a file."},
      Attribute{.name = "build_args", .type = MapS, .description = "Build arguments (`ARG`). Not for secrets: they end up in the image history."},
      Attribute{.name = "labels", .type = MapS, .description = "Labels of the image. At build time `org.opencontainers.image.created` is added, and, when the context is inside a git repository, `org.opencontainers.image.revision` (the commit of HEAD) and `org.opencontainers.image.source` (the `origin` remote, without credentials). Labels set here win. The added labels are not build inputs: a new commit that changes nothing in the context does not rebuild."},
      Attribute{.name = "target", .type = S(), .description = "Multi-stage target to build."},
      Attribute{.name = "platform", .type = S(), .description = "Platform, e.g. `linux/amd64`."},
      Attribute{.name = "network_mode", .type = S(), .description = "Network of `RUN` steps: `default`, `none`, `host`, … ."},
      Attribute{.name = "builder", .type = S(), .description = "`buildkit` or `classic`. Default: `buildkit` when the engine serves BuildKit sessions (Engine API 1.39, Docker 18.09, or newer), else `classic`. Heredocs need `buildkit` on Engine 23.0 (API 1.42) or newer; `RUN --mount` and `secret` need `buildkit`. Setting it explicitly rebuilds once (it is a build input); leaving it unset keeps existing images.", .validators = {fw::OneOf({"buildkit", "classic"})}},
      Attribute{.name = "cache_from", .type = cty::Type::List(S()), .description = "Build caches to import, BuildKit only, e.g. `type=registry,ref=registry.example.com/team/app:buildcache` (add `registry.insecure=true` for a plain-HTTP registry). On the Docker engine only the `ref` is used (an image with inline cache, `cachefrom`); a standalone buildkitd (`buildkit_host`) imports registry caches exported by `cache_to`. Not a build input."},
      Attribute{.name = "cache_to", .type = cty::Type::List(S()), .description = "Build caches to export, e.g. `type=registry,ref=registry.example.com/team/app:buildcache,mode=max`. Needs a standalone buildkitd (`buildkit_host` in the provider block; BuildKit v0.4+): the Engine API's build endpoint cannot export a cache. Not a build input."},
      Attribute{.name = "no_cache", .type = cty::Type::Bool(), .description = "Build without the build cache."},
      Attribute{.name = "pull", .type = cty::Type::Bool(), .description = "Always try to pull newer base images."},
      Attribute{.name = "triggers", .type = MapS, .description = "Arbitrary values whose change forces a rebuild."},
      Attribute{.name = "keep_remotely", .type = cty::Type::Bool(), .mode = Mode::kOptionalComputed, .description = "Leave the image in the registry on destroy (default `true`). When `false`, destroy deletes the pushed manifest (with every tag on it).", .default_value = cty::Value::Bool(true)},
      Attribute{.name = "retention_dry_run", .type = cty::Type::Bool(), .mode = Mode::kOptionalComputed, .description = "Report `retention_deletions` without deleting anything (default `false`).", .default_value = cty::Value::Bool(false)},
      Attribute{.name = "image_id", .type = S(), .mode = Mode::kComputed, .description = "Image id in the Docker daemon (`sha256:…` of the config)."},
      Attribute{.name = "digest", .type = S(), .mode = Mode::kComputed, .description = "Manifest digest the primary tag points at in the registry (read with a manifest HEAD)."},
      Attribute{.name = "repo_digest", .type = S(), .mode = Mode::kComputed, .description = "`name@sha256:…` of the pushed manifest: the reference to pin clusters to."},
      Attribute{.name = "context_hash", .type = S(), .mode = Mode::kComputed, .description = "Hash of the filtered context and the build inputs, computed at plan."},
      Attribute{.name = "pushed_at", .type = S(), .mode = Mode::kComputed, .description = "RFC 3339 time of the last build and push."},
      Attribute{.name = "retention_deletions", .type = cty::Type::List(S()), .mode = Mode::kComputed, .description = "What retention deletes at this apply (tags, or `sha256:…` for untagged manifests); after an apply, what it deleted (or, with `retention_dry_run`, would delete)."},
      Attribute{.name = "retention_protected", .type = cty::Type::Map(S()), .mode = Mode::kComputed, .description = "What retention would delete but keeps because the Databricks workspace uses it (tag or `sha256:…` → reason, e.g. `cluster 0123-456789-abcdefgh \"etl\" (TERMINATED) uses tag v1`, `instance pool … preloads sha256:…`), computed at plan. Clusters in every state count (a terminated cluster restarts on its image), as do instance pools' `preloaded_docker_images` and the provider identity's AI Runtime image registrations, by tag or by digest (a tag is protected when its manifest is in use). When the workspace cannot be asked, the held entries are listed here with that reason and nothing is deleted. The apply deletes only entries `retention_deletions` showed at plan, and checks the workspace again first: an image that came into use since the plan is kept too."},
  };
  s.block.blocks = {
      schema::NestedBlock{.name = "registry_auth", .nesting = schema::Nesting::kList,
                          .block = schema::MakeBlock({
                              Attribute{.name = "address", .type = S(), .description = "Registry host the credentials are for (default: the registry of `name`)."},
                              Attribute{.name = "username", .type = S(), .description = "User name."},
                              Attribute{.name = "password", .type = S(), .description = "Password or token. Write-only on clients that support it (Terraform >= 1.11, OpenTofu >= 1.11): never stored in plan or state, and refresh then checks the tag with the provider's `registry_auth` or `~/.docker/config.json`. Older clients keep it in state as a sensitive value.", .sensitive = true, .write_only = true},
                          }, {}, "Credentials for pushing to (and reading from) the registry."), .max_items = 1},
      schema::NestedBlock{.name = "secret", .nesting = schema::Nesting::kList,
                          .block = schema::MakeBlock({
                              Attribute{.name = "id", .type = S(), .mode = Mode::kRequired, .description = "The id `RUN --mount=type=secret,id=<id>` asks for (the file appears at `/run/secrets/<id>` by default)."},
                              Attribute{.name = "value", .type = S(), .description = "The secret. Write-only on clients that support it (Terraform >= 1.11, OpenTofu >= 1.11): never stored in plan or state. Older clients keep it in state as a sensitive value: use `env` or `file` there. Set exactly one of `value`, `env`, `file`.", .sensitive = true, .write_only = true},
                              Attribute{.name = "env", .type = S(), .description = "Name of an environment variable of the provider process holding the secret, read at build time."},
                              Attribute{.name = "file", .type = S(), .description = "Path of a file holding the secret, read at build time."},
                              Attribute{.name = "version", .type = S(), .description = "A build input standing for the secret's value: the value itself is never hashed or stored, so change `version` to rebuild after rotating a secret the image depends on."},
                          }, {}, "A build secret served to `RUN --mount=type=secret` (BuildKit only). Its value never reaches the image, state, plan or logs.")},
      schema::NestedBlock{.name = "retention", .nesting = schema::Nesting::kList,
                          .block = schema::MakeBlock({
                              Attribute{.name = "keep_last", .type = cty::Type::Number(), .description = "Keep the N newest tags matching `tag_filter`.", .validators = {fw::IntBetween(0, 100000)}},
                              Attribute{.name = "tag_filter", .type = S(), .description = "Regular expression (whole tag) selecting the tags retention may delete (default: all)."},
                              Attribute{.name = "max_age_days", .type = cty::Type::Number(), .description = "Only delete tags whose image is older than this many days.", .validators = {fw::IntBetween(0, 36500)}},
                              Attribute{.name = "protect", .type = cty::Type::List(S()), .description = "Tags or regular expressions never deleted. The resource's own `tags` are always protected."},
                              Attribute{.name = "delete_untagged", .type = cty::Type::Bool(), .description = "Delete manifests this resource pushed before once no tag points at them (generic registries cannot list other untagged manifests)."},
                              Attribute{.name = "require_workspace_check", .type = cty::Type::Bool(), .description = "Before deleting, retention asks the provider's Databricks workspace which images its clusters, instance pools and AI Runtime registrations use, and keeps those (`retention_protected`). With no workspace configured for the provider (no `host`, DATABRICKS_HOST or ~/.databrickscfg profile) retention deletes nothing and warns, unless this is `false` (default `true`): then it deletes with a warning that nothing was checked. A workspace that is configured but does not answer (403, 5xx) always holds the deletions."},
                          }, {}, "Deletes old tags of the repository at apply."), .max_items = 1},
  };
  return s;
}

std::string ImageModel::Host() const {
  auto ref = registry::ParseReference(name);
  return ref.ok() ? ref->domain : "";
}

std::string ImageModel::RepositoryPath() const {
  auto ref = registry::ParseReference(name);
  return ref.ok() ? ref->path : "";
}

ImageModel ImageModelFrom(const cty::Value& o) {
  ImageModel m;
  m.name = GetString(o, "name").value_or("");
  m.tags = StringList(o, "tags");
  m.context = GetString(o, "context").value_or("");
  m.dockerfile = GetString(o, "dockerfile").value_or("Dockerfile");
  m.dockerfile_inline = GetString(o, "dockerfile_inline").value_or("");
  m.build_args = StringMap(o, "build_args");
  m.labels = StringMap(o, "labels");
  m.triggers = StringMap(o, "triggers");
  m.target = GetString(o, "target").value_or("");
  m.platform = GetString(o, "platform").value_or("");
  m.network_mode = GetString(o, "network_mode").value_or("");
  m.no_cache = GetBool(o, "no_cache").value_or(false);
  m.pull = GetBool(o, "pull").value_or(false);
  m.keep_remotely = GetBool(o, "keep_remotely").value_or(true);
  m.retention_dry_run = GetBool(o, "retention_dry_run").value_or(false);
  m.builder = GetString(o, "builder").value_or("");
  m.cache_from = StringList(o, "cache_from");
  m.cache_to = StringList(o, "cache_to");
  if (auto blocks = GetKnown(o, "secret")) {
    for (const auto& b : blocks->Elements()) {
      if (!b.IsKnown() || b.IsNull()) continue;
      m.secrets.push_back({GetString(b, "id").value_or(""), GetString(b, "value").value_or(""),
                           GetString(b, "env").value_or(""), GetString(b, "file").value_or(""),
                           GetString(b, "version").value_or("")});
    }
  }
  if (auto auth = SingleBlock(o, "registry_auth")) {
    m.auth_address = GetString(*auth, "address").value_or("");
    m.credentials.username = GetString(*auth, "username").value_or("");
    m.credentials.password = GetString(*auth, "password").value_or("");
  }
  if (auto r = SingleBlock(o, "retention")) {
    RetentionSpec spec;
    spec.keep_last = GetInt(*r, "keep_last");
    spec.tag_filter = GetString(*r, "tag_filter").value_or("");
    spec.max_age_days = GetInt(*r, "max_age_days");
    spec.protect = StringList(*r, "protect");
    spec.delete_untagged = GetBool(*r, "delete_untagged").value_or(false);
    spec.require_workspace_check = GetBool(*r, "require_workspace_check").value_or(true);
    m.retention = spec;
  }
  return m;
}

std::vector<std::pair<std::string, std::string>> HashInputs(const ImageModel& m) {
  std::vector<std::pair<std::string, std::string>> in;
  // Unset keeps the token of the releases before BuildKit, so that existing
  // images are not rebuilt by a provider upgrade.
  in.emplace_back("builder", m.builder.empty() ? "classic-v1" : m.builder);
  if (m.dockerfile_inline.empty()) {
    in.emplace_back("dockerfile", m.dockerfile);
  } else {
    in.emplace_back("dockerfile_inline", m.dockerfile_inline);
  }
  for (const auto& [k, v] : m.build_args) in.emplace_back("build_arg:" + k, v);
  for (const auto& [k, v] : m.labels) in.emplace_back("label:" + k, v);
  for (const auto& [k, v] : m.triggers) in.emplace_back("trigger:" + k, v);
  in.emplace_back("target", m.target);
  in.emplace_back("platform", m.platform);
  in.emplace_back("network_mode", m.network_mode);
  std::vector<ImageModel::Secret> secrets = m.secrets;
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const auto& s : secrets) {
    // Never the value: only where it comes from and its version knob.
    const std::string source = !s.env.empty() ? "env:" + s.env : !s.file.empty() ? "file:" + s.file : "value";
    in.emplace_back("secret:" + s.id, "version=" + s.version + ";source=" + source);
  }
  return in;
}

absl::StatusOr<std::string> ComputeContextHash(const ImageModel& m) {
  const bool inline_df = !m.dockerfile_inline.empty();
  buildcontext::ContextOptions options{m.context,
                                       inline_df ? docker::kInlineDockerfileName : m.dockerfile,
                                       /*dockerfile_in_context=*/!inline_df};
  auto ctx = buildcontext::ListContext(options);
  if (!ctx.ok()) return ctx.status();
  return buildcontext::HashContext(m.context, ctx->entries, HashInputs(m));
}

cty::Value WithAttrs(const cty::Value& object, const std::map<std::string, cty::Value>& attrs) {
  std::map<std::string, cty::Value> all = object.Attributes();
  for (const auto& [k, v] : attrs) all[k] = v;
  return cty::Value::Object(object.type(), std::move(all));
}

std::string DigestOfRepoDigest(const std::string& repo_digest) {
  auto at = repo_digest.rfind('@');
  return at == std::string::npos ? "" : repo_digest.substr(at + 1);
}

}  // namespace dcs::resources
