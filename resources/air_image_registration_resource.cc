// dcs_air_image_registration: registers a container image with the Databricks
// AI Runtime (what `air register image` does) and waits until the platform
// has imported it. Protocol: clients/databricks/ai_runtime_images_api.h and
// docs/guides/air-image-registration.md.
//
// Convergence rules (each is tested):
//  * the normalised url is the id; a change of image_url that normalises to
//    the same url is an in-place no-op, any other change replaces;
//  * credential_version, trigger_on_digest, secret_scope or secret_key
//    changes re-register in place (POST + wait);
//  * a registration that Read finds PENDING/IMPORTING/FAILED plans an update
//    that finishes it (poll if in progress, register again if FAILED);
//  * a create that times out or is cancelled saves the registration with the
//    state it had (tainted); the replacement finds it in progress and polls
//    instead of registering again;
//  * a registration gone from the platform reads as null (planned again).
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "clients/databricks/ai_runtime_images_api.h"
#include "resources/api_errors.h"
#include "resources/image_preflight.h"
#include "resources/provider.h"
#include "resources/provider_clients.h"
#include "resources/timeouts.h"
#include "resources/values.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using schema::Attribute;
using schema::Mode;
namespace fw = framework;
namespace db = databricks;
using json = nlohmann::json;

// Registration normally takes 2-6 minutes; the CLI waits up to 60.
const TimeoutDefaults kTimeouts{};  // create and update: 30 minutes
const char* const kComputedRegistration[] = {"state", "status_message", "manifest_sha256", "registered_at"};
const char* const kReregisterInputs[] = {"secret_scope", "secret_key", "credential_version", "trigger_on_digest"};

class ImageReferenceValidator : public schema::Validator {
 public:
  std::string Description() const override {
    return "an image reference `[registry/]repository[:tag]` or `…@sha256:<digest>`";
  }
  void Validate(const cty::Value& value, const cty::Path& path, framework::Diagnostics& d) const override {
    auto url = db::NormalizeAndCheckImageUrl(value.AsString());
    if (!url.ok()) {
      d.AddError("Invalid image reference",
                 absl::StrCat(url.status().message(),
                              ". Write it as `registry/repository:tag` or `registry/repository@sha256:<digest>`, "
                              "e.g. `docker.io/org/trainer:1.4.2`."),
                 path);
    }
  }
};

schema::Schema RegistrationSchema() {
  const cty::Type S = cty::Type::String();
  schema::Schema s;
  s.block.description =
      "Registers a container image with the Databricks AI Runtime, as `air register image` does, and waits until "
      "the platform has imported it (`AVAILABLE`). Registration is per user and per tag: the platform pulls the "
      "image once and caches it, so a new push to the same tag needs a re-registration (`trigger_on_digest`), and "
      "so do rotated registry credentials (`credential_version`). Registry credentials are read by the platform "
      "from a Databricks secret; only the scope and key names are stored in the Terraform state.\n\n"
      "No public call removes a registration: by default destroying this resource only forgets it. See the "
      "[AI Runtime image registration guide](../guides/air-image-registration.md).";
  s.block.attributes = {
      Attribute{.name = "image_url", .type = S, .mode = Mode::kRequired,
                .description = "Image to register: `registry/repository:tag` or `registry/repository@sha256:<digest>`. "
                               "Short Docker Hub forms are normalised like the CLI does (`ubuntu:24.04` → "
                               "`docker.io/library/ubuntu:24.04`, no tag → `:latest`). A change to a different "
                               "normalised url replaces the registration.",
                .validators = {std::make_shared<ImageReferenceValidator>()}},
      Attribute{.name = "secret_scope", .type = S,
                .description = "Databricks secret scope holding the registry credentials (private images). Set "
                               "together with `secret_key`.",
                .validators = {fw::LengthBetween(1, 128)}},
      Attribute{.name = "secret_key", .type = S,
                .description = "Key in `secret_scope` whose value is the base64 encoding of `username:password` "
                               "(e.g. a Docker Hub user and a read-only access token).",
                .validators = {fw::LengthBetween(1, 128)}},
      Attribute{.name = "credential_version", .type = cty::Type::Number(),
                .description = "Any number; change it after rotating the secret to register the image again with "
                               "the new credentials.",
                .validators = {fw::IntBetween(0, 1'000'000'000)}},
      Attribute{.name = "trigger_on_digest", .type = S,
                .description = "Any text, typically the digest of the pushed image (e.g. `dcs_image.x.repo_digest`); "
                               "a change registers the image again so the platform pulls the new manifest behind an "
                               "unchanged tag."},
      Attribute{.name = "unregister_on_destroy", .type = cty::Type::Bool(), .mode = Mode::kOptionalComputed,
                .description = "Whether destroy calls the image service's `images:delete` (defined by the "
                               "`databricks-air` client library but used by none of its commands, so unsupported "
                               "workspaces only get a warning). When false, destroy forgets the registration "
                               "and the platform keeps it.",
                .default_value = cty::Value::Bool(false)},
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed,
                .description = "The normalised image url (what the platform registered).",
                .plan_modifiers = {fw::UseStateForUnknown()}},
      Attribute{.name = "state", .type = S, .mode = Mode::kComputed,
                .description = "`PENDING`, `IMPORTING`, `AVAILABLE` or `FAILED`. Anything but `AVAILABLE` found "
                               "by a refresh plans an update that finishes the registration."},
      Attribute{.name = "status_message", .type = S, .mode = Mode::kComputed,
                .description = "The platform's explanation when the registration `FAILED`."},
      Attribute{.name = "manifest_sha256", .type = S, .mode = Mode::kComputed,
                .description = "Digest of the image manifest the platform imported."},
      Attribute{.name = "registered_at", .type = S, .mode = Mode::kComputed,
                .description = "When this provider last saw the registration become `AVAILABLE` (RFC 3339, UTC); "
                               "null after import."},
      PreflightAttribute(),
  };
  s.block.blocks = {TimeoutsBlock(kTimeouts, {"create", "update"})};
  return s;
}

// `object` with some attributes replaced.
cty::Value With(const cty::Value& object, const std::map<std::string, cty::Value>& changes) {
  std::map<std::string, cty::Value> attrs = object.Attributes();
  for (const auto& [k, v] : changes) attrs[k] = v;
  return cty::Value::Object(object.type(), std::move(attrs));
}

// kNow when the registration just became AVAILABLE: registered_at is stamped.
enum class RegisteredAt { kUnchanged, kNow };
cty::Value WithRegistration(const cty::Value& object, const db::ImageRegistration& r, RegisteredAt registered_at) {
  std::map<std::string, cty::Value> changes = {
      {"state", cty::Value::String(r.state)},
      {"status_message", OptionalString(r.status_message)},
      {"manifest_sha256", OptionalString(r.manifest_sha256)},
  };
  if (registered_at == RegisteredAt::kNow) {
    changes["registered_at"] = cty::Value::String(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
  }
  return With(object, changes);
}

bool AttrChanged(const cty::Value& a, const cty::Value& b, const char* name) {
  return !a.GetAttr(name).Equals(b.GetAttr(name));
}

bool InProgress(const std::string& state) { return state == "PENDING" || state == "IMPORTING"; }

// What the user should do about a FAILED registration, judged from the
// platform's text; `credentials` tells whether the cause is the secret.
std::string FailureHint(const std::string& message, bool has_credentials, bool* credentials) {
  const std::string m = absl::AsciiStrToLower(message);
  *credentials = has_credentials;
  if (absl::StrContains(m, "base64")) {
    return "Store the credentials as base64(\"username:password\") in the secret, then bump `credential_version`.";
  }
  if (absl::StrContains(m, "401") || absl::StrContains(m, "unauthorized") || absl::StrContains(m, "denied") ||
      absl::StrContains(m, "authentication")) {
    return has_credentials
               ? "The registry rejected the credentials: update the secret named by `secret_scope`/`secret_key` "
                 "(base64 of \"username:token\", the token needs read access) and bump `credential_version`."
               : "The registry requires credentials: store base64(\"username:token\") in a Databricks secret and "
                 "set `secret_scope` and `secret_key`.";
  }
  if (absl::StrContains(m, "secret") && (absl::StrContains(m, "exist") || absl::StrContains(m, "not found"))) {
    return "Check that `secret_scope` and `secret_key` name an existing secret you can read, then apply again.";
  }
  *credentials = false;
  if (absl::StrContains(m, "manifest unknown") || absl::StrContains(m, "not found") ||
      absl::StrContains(m, "does not exist")) {
    return "Check that the image was pushed and that the repository and tag (or digest) in `image_url` are right; "
           "a private repository also looks missing without credentials.";
  }
  return "Fix the cause above and apply again; the registration is retried on the next apply.";
}

class AirImageRegistrationResource : public fw::Resource,
                                     public fw::ResourceWithModifyPlan,
                                     public fw::ResourceWithImport,
                                     public fw::ResourceWithIdentity {
 public:
  AirImageRegistrationResource() : schema_(RegistrationSchema()) {}
  std::string TypeName() const override { return "dcs_air_image_registration"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  const fw::IdentitySchema& GetIdentitySchema() const override { return identity_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, fw::Diagnostics& d) const override {
    const cty::Value& scope = req.config.GetAttr("secret_scope");
    const cty::Value& key = req.config.GetAttr("secret_key");
    if (scope.IsKnown() && key.IsKnown() && scope.IsNull() != key.IsNull()) {
      const bool scope_set = !scope.IsNull();
      d.AddError(scope_set ? "secret_key missing" : "secret_scope missing",
                 "secret_scope and secret_key name one Databricks secret together: set both (for a private "
                 "registry) or neither (public image).",
                 cty::Path::Root(scope_set ? "secret_key" : "secret_scope"));
    }
    if (auto url = GetString(req.config, "image_url")) {
      auto normalized = db::NormalizeAndCheckImageUrl(*url);
      if (normalized.ok() && db::UsesLatestTag(*normalized)) {
        d.AddWarning("Image tag \"latest\"",
                     absl::StrCat(*normalized, " is registered by the manifest `latest` points to at registration "
                                  "time; a later push to `latest` is not picked up and it is unclear which build "
                                  "runs. Pin a tag per build or a digest (`@sha256:…`)."),
                     cty::Path::Root("image_url"));
      }
    }
  }

  void ModifyPlan(const fw::ModifyPlanRequest& req, fw::ModifyPlanResponse& resp) const override {
    PreflightAirPlan(req, resp.diagnostics);
    if (resp.planned.IsNull() || !resp.planned.IsKnown()) return;
    std::map<std::string, cty::Value> changes;
    std::optional<std::string> normalized;
    if (auto url = GetString(resp.planned, "image_url")) {
      auto n = db::NormalizeAndCheckImageUrl(*url);
      if (n.ok()) normalized = *n;
    }
    if (normalized) changes["id"] = cty::Value::String(*normalized);
    if (!req.prior.IsNull()) {
      const std::optional<std::string> prior_id = GetString(req.prior, "id");
      if (!normalized || normalized != prior_id) {
        resp.requires_replace.push_back(cty::Path::Root("image_url"));
      }
      bool reregister = GetString(req.prior, "state").value_or("") != "AVAILABLE";
      for (const char* name : kReregisterInputs) reregister = reregister || AttrChanged(resp.planned, req.prior, name);
      for (const char* name : kComputedRegistration) {
        changes[name] = reregister ? cty::Value::Unknown(cty::Type::String()) : req.prior.GetAttr(name);
      }
    }
    resp.planned = With(resp.planned, changes);
  }

  void Create(const fw::CreateRequest& req, fw::ApplyResponse& resp) const override {
    Register(req.ctx, req.planned, TimeoutFor(req.planned, "create", kTimeouts), /*resume=*/true, resp);
  }

  void Update(const fw::UpdateRequest& req, fw::ApplyResponse& resp) const override {
    if (req.planned.GetAttr("state").IsKnown()) {  // only timeouts / unregister_on_destroy changed
      resp.new_state = req.planned;
      return;
    }
    bool inputs_changed = false;
    for (const char* name : kReregisterInputs) inputs_changed = inputs_changed || AttrChanged(req.planned, req.prior, name);
    // An unchanged registration still in progress is only waited for.
    const bool resume = !inputs_changed && InProgress(GetString(req.prior, "state").value_or(""));
    cty::Value base = With(req.planned, {{"registered_at", req.prior.GetAttr("registered_at")}});
    Register(req.ctx, base, TimeoutFor(req.planned, "update", kTimeouts), resume, resp);
  }

  void Read(const fw::ReadRequest& req, fw::ReadResponse& resp) const override {
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    std::string url = GetString(req.state, "id").value_or(GetString(req.state, "image_url").value_or(""));
    db::AiRuntimeImagesApi api(*client);
    auto got = api.Get(url, req.ctx.stop.get());
    if (!got.ok()) {
      AddApiError(resp.diagnostics, got.status(), "Cannot read the AI Runtime registration of " + url);
      return;
    }
    if (!got->has_value()) {
      log::Warn("image registration is gone from the platform; it will be planned again",
                {{"@module", "dcs_air_image_registration"}, {"url", url}});
      resp.new_state = cty::Value::Null(req.state.type());
      return;
    }
    cty::Value state = With(req.state, {{"id", cty::Value::String(db::NormalizeImageUrl(url))}});
    if (state.GetAttr("unregister_on_destroy").IsNull()) state = With(state, {{"unregister_on_destroy", cty::Value::Bool(false)}});
    resp.new_state = WithRegistration(state, **got, RegisteredAt::kUnchanged);
  }

  void Delete(const fw::DeleteRequest& req, fw::DeleteResponse& resp) const override {
    const std::string url = GetString(req.prior, "id").value_or("");
    if (!GetBool(req.prior, "unregister_on_destroy").value_or(false)) {
      resp.diagnostics.AddWarning(
          "Image registration kept on the platform",
          absl::StrCat(url, " was removed from the Terraform state only. The AI Runtime documents no call that "
                            "unregisters an image, so the platform keeps the registration and its cached image; "
                            "workloads can still use it. Set unregister_on_destroy = true to try the image "
                            "service's undocumented images:delete call."));
      return;
    }
    auto client = WorkspaceClientOrDiagnose(req.ctx, resp.diagnostics);
    if (!client) return;
    db::AiRuntimeImagesApi api(*client);
    absl::Status s = api.Delete(url, req.ctx.stop.get());
    if (s.ok() || (absl::IsNotFound(s) && !absl::StartsWith(s.message(), "ENDPOINT_NOT_FOUND"))) return;
    if (absl::IsNotFound(s) || absl::IsUnimplemented(s) || absl::IsFailedPrecondition(s)) {
      resp.diagnostics.AddWarning(
          "Image registration kept on the platform",
          absl::StrCat("This workspace does not offer images:delete (", s.message(), "). ", url,
                       " was removed from the Terraform state only; the platform keeps the registration."));
      return;
    }
    AddApiError(resp.diagnostics, s, "Cannot unregister " + url);
  }

  void ImportState(const fw::ImportRequest& req, fw::ImportResponse& resp) const override {
    auto url = db::NormalizeAndCheckImageUrl(req.id);
    if (!url.ok()) {
      resp.diagnostics.AddError("Invalid import id",
                                absl::StrCat(url.status().message(),
                                             ". Import with the image url, e.g. docker.io/org/trainer:1.4.2."));
      return;
    }
    resp.state = cty::Value::Object(schema_.block.ImpliedType(),
                                    {{"image_url", cty::Value::String(req.id)},
                                     {"id", cty::Value::String(*url)},
                                     {"unregister_on_destroy", cty::Value::Bool(false)}});
  }

 private:
  // Registers (or, with `resume` and a registration in progress, only waits
  // for) planned.image_url and fills the computed attributes.
  void Register(const fw::Context& ctx, const cty::Value& planned, std::chrono::milliseconds timeout, bool resume,
                fw::ApplyResponse& resp) const;

  schema::Schema schema_;
  fw::IdentitySchema identity_ = fw::StringIdentity(
      "image_url", "The registered image, as `air register image` takes it (e.g. docker.io/org/trainer:1.4.2).");
};

void AirImageRegistrationResource::Register(const fw::Context& ctx, const cty::Value& planned,
                                            std::chrono::milliseconds timeout, bool resume,
                                            fw::ApplyResponse& resp) const {
  auto client = WorkspaceClientOrDiagnose(ctx, resp.diagnostics);
  if (!client) return;
  const cty::Path url_path = cty::Path::Root("image_url");
  auto url = db::NormalizeAndCheckImageUrl(GetString(planned, "image_url").value_or(""));
  if (!url.ok()) {
    resp.diagnostics.AddError("Invalid image reference", std::string(url.status().message()), url_path);
    return;
  }
  const auto scope = GetString(planned, "secret_scope");
  const auto key = GetString(planned, "secret_key");
  const std::atomic<bool>* stop = ctx.stop.get();
  const auto deadline = client->clock().Now() + timeout;
  auto fields = [&url](json extra) {
    json j = {{"@module", "dcs_air_image_registration"}, {"url", *url}};
    j.update(extra);
    return j;
  };
  db::AiRuntimeImagesApi api(*client);
  // Unknown computed values must not survive into the state (registered_at
  // stays what it was until the registration is AVAILABLE again).
  const cty::Value& at = planned.GetAttr("registered_at");
  cty::Value base = With(planned, {{"id", cty::Value::String(*url)},
                                   {"registered_at", at.IsKnown() ? at : cty::Value::Null(cty::Type::String())}});

  std::optional<db::ImageRegistration> last;
  if (resume) {
    auto existing = api.Get(*url, stop);
    if (!existing.ok() && !db::IsTransient(existing.status())) {
      return AddApiError(resp.diagnostics, existing.status(), "Cannot read the registration of " + *url);
    }
    if (!existing.ok()) {  // registering is idempotent: go ahead without knowing
      log::Warn("cannot tell whether a registration is in progress; registering",
                fields({{"error", std::string(existing.status().message())}}));
    } else if (existing->has_value() && InProgress((*existing)->state)) {
      last = **existing;
      log::Info("registration already in progress; waiting for it", fields({{"state", last->state}}));
    }
  }
  if (!last) {
    log::Info("registering image with the AI Runtime", fields({{"with_credentials", scope.has_value()}}));
    auto registered = api.Register(*url, scope, key, stop);
    if (!registered.ok()) {
      const absl::Status& s = registered.status();
      if (scope && absl::IsNotFound(s)) {
        resp.diagnostics.AddError(
            "Registry credentials secret not found",
            absl::StrCat(s.message(), "\n\nCreate the secret scope \"", *scope, "\" and the key \"", *key,
                         "\" (value: base64 of \"username:token\"), or correct secret_scope / secret_key."),
            cty::Path::Root("secret_scope"));
      } else if (absl::IsInvalidArgument(s)) {
        resp.diagnostics.AddError("Image registration refused", std::string(s.message()), url_path);
      } else {
        AddApiError(resp.diagnostics, s, "Cannot register " + *url);
      }
      return;
    }
    last = *registered;
  }
  resp.new_state = WithRegistration(base, *last, RegisteredAt::kUnchanged);
  auto progress = [&](const db::ImageRegistration& r, std::chrono::milliseconds elapsed) {
    if (r.state != last->state) {
      log::Info("image registration progress",
                fields({{"state", r.state}, {"elapsed_s", elapsed.count() / 1000}}));
    } else {
      log::Debug("image registration still " + r.state, fields({{"elapsed_s", elapsed.count() / 1000}}));
    }
    last = r;
  };
  absl::StatusOr<db::ImageRegistration> done =
      last->state == "AVAILABLE" ? absl::StatusOr<db::ImageRegistration>(*last)
                                 : db::WaitForImageRegistration(api, *url, deadline, stop, client->clock(), progress);
  if (done.ok()) {
    log::Info("image registration AVAILABLE", fields({{"manifest_sha256", done->manifest_sha256.value_or("")}}));
    resp.new_state = WithRegistration(base, *done, RegisteredAt::kNow);
    return;
  }
  resp.new_state = WithRegistration(base, *last, RegisteredAt::kUnchanged);
  const absl::Status& s = done.status();
  if (absl::IsFailedPrecondition(s)) {
    const std::string message = last->status_message.value_or("(the platform gave no status_message)");
    bool credentials = false;
    const std::string hint = FailureHint(message, scope.has_value(), &credentials);
    resp.diagnostics.AddError("Image registration FAILED",
                              absl::StrCat("The AI Runtime could not import ", *url, ": ", message, "\n\n", hint),
                              credentials ? cty::Path::Root("secret_scope") : url_path);
  } else if (absl::IsDeadlineExceeded(s) || absl::IsCancelled(s)) {
    resp.diagnostics.AddError(
        absl::IsCancelled(s) ? "Image registration wait cancelled" : "Timed out waiting for the image registration",
        absl::StrCat(s.message(), "\n\nThe platform keeps importing. The next apply waits for this registration "
                                  "again instead of registering anew; raise timeouts.create for large images "
                                  "(registration usually takes 2-6 minutes)."));
  } else if (absl::IsNotFound(s)) {
    resp.new_state = cty::Value::Null(planned.type());
    resp.diagnostics.AddError("Image registration disappeared",
                              absl::StrCat(s.message(), "\n\nApply again to register the image anew."));
  } else {
    AddApiError(resp.diagnostics, s, "Cannot follow the registration of " + *url);
  }
}

}  // namespace

std::unique_ptr<framework::Resource> NewAirImageRegistrationResource() {
  return std::make_unique<AirImageRegistrationResource>();
}

}  // namespace dcs::resources
