// AI Runtime image-registration endpoints (decisions in README.md):
//   POST   /api/2.0/ai-compute-manager/images                      register (idempotent)
//   GET    /api/2.0/ai-compute-manager/images:get?docker_image_url  one registration
//   GET    /api/2.0/ai-compute-manager/images                      the caller's registrations
//   GET    /api/2.0/ai-compute-manager/images:checkImageAccess     anonymous pull probe
//   GET    /api/2.0/ai-compute-manager/images:validateImageAccess  stored-credential probe
//   DELETE /api/2.0/ai-compute-manager/images:delete?docker_image_url
// Registrations belong to the calling principal. States advance lazily against
// persisted deadlines: PENDING and IMPORTING last `air_step_delay_ms` each.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "emulator/air_images.h"
#include "emulator/api_error.h"
#include "emulator/ids.h"
#include "emulator/json_fields.h"
#include "emulator/service.h"

namespace dcs::emulator {
namespace {

constexpr char kBase[] = "/api/2.0/ai-compute-manager/images";

absl::Status NotRegistered(const std::string& url) {
  return ApiError(404, "NOT_FOUND", absl::StrCat("Image registration not found for docker_image_url ", url));
}

absl::StatusOr<std::string> UrlParam(const ApiRequest& req) {
  std::string url = req.Query("docker_image_url");
  if (url.empty()) return MissingField("docker_image_url");
  if (auto s = CheckNormalisedReference(url); !s.ok()) return s;
  return url;
}

// Scope and key named in a registration must exist when it is submitted.
absl::Status CheckSecretExists(const Workspace& ws, const std::string& scope, const std::string& key) {
  auto s = ws.scopes.find(scope);
  if (s == ws.scopes.end()) {
    return NotFound(absl::StrCat("Secret scope ", scope, " does not exist (credentials_scope)"));
  }
  if (!s->second.secrets.count(absl::AsciiStrToLower(key))) {
    return NotFound(absl::StrCat("Secret ", key, " does not exist in scope ", scope, " (credentials_key)"));
  }
  return absl::OkStatus();
}

// (Re)starts the import of `image` with the pull outcome known now.
void StartImport(AirImage& image, const PullResult& pull, int64_t now, int64_t step_ms) {
  image.state = "PENDING";
  image.deadline_ms = now + std::max<int64_t>(step_ms, 0);
  image.outcome = pull.ok ? "AVAILABLE" : "FAILED";
  image.outcome_sha256 = pull.manifest_sha256;
  image.outcome_message = pull.message;
  image.status_message.clear();
  image.update_time = now;
}

absl::StatusOr<Reply> Register(ServiceContext& ctx, const ApiRequest& req) {
  auto url = ReqString(req.body, "docker_image_url");
  if (!url.ok()) return url.status();
  if (auto s = CheckNormalisedReference(*url); !s.ok()) return s;
  auto scope = OptString(req.body, "credentials_scope");
  if (!scope.ok()) return scope.status();
  auto key = OptString(req.body, "credentials_key");
  if (!key.ok()) return key.status();
  if (scope->has_value() != key->has_value()) {
    return InvalidParameter("credentials_scope and credentials_key must be given together");
  }
  const std::string sc = scope->value_or(""), k = key->value_or("");
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    if (!sc.empty()) {
      if (auto s = CheckSecretExists(ws, sc, k); !s.ok()) return s;
    }
    const int64_t now = NowMs();
    const int64_t step = ws.settings.air_step_delay_ms;
    auto& images = ws.air_images[req.principal];
    auto it = images.find(*url);
    PullResult pull = SimulatePull(ws, *url, sc, k);
    if (it == images.end()) {
      AirImage image;
      image.docker_image_url = *url;
      image.create_time = now;
      it = images.emplace(*url, std::move(image)).first;
      it->second.credentials_scope = sc;
      it->second.credentials_key = k;
      StartImport(it->second, pull, now, step);
    } else {
      AirImage& image = it->second;
      AdvanceAirImage(image, now, step);
      const bool same_credentials = image.credentials_scope == sc && image.credentials_key == k;
      const bool in_progress = image.state == "PENDING" || image.state == "IMPORTING";
      const bool unchanged = image.state == "AVAILABLE" && pull.ok && pull.manifest_sha256 == image.manifest_sha256;
      // Registering again reconciles: an import in progress with the same
      // credentials continues, an AVAILABLE image whose tag still resolves to
      // the same manifest stays AVAILABLE; anything else is imported again.
      if (!(same_credentials && (in_progress || unchanged))) {
        image.credentials_scope = sc;
        image.credentials_key = k;
        StartImport(image, pull, now, step);
      }
    }
    ws.Touch();
    return Reply::Ok({{"image", RenderAirImage(it->second)}});
  });
}

absl::StatusOr<Reply> GetOne(ServiceContext& ctx, const ApiRequest& req) {
  auto url = UrlParam(req);
  if (!url.ok()) return url.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto u = ws.air_images.find(req.principal);
    if (u == ws.air_images.end() || !u->second.count(*url)) return NotRegistered(*url);
    AirImage& image = u->second[*url];
    if (AdvanceAirImage(image, NowMs(), ws.settings.air_step_delay_ms)) ws.Touch();
    return Reply::Ok(RenderAirImage(image));
  });
}

absl::StatusOr<Reply> List(ServiceContext& ctx, const ApiRequest& req) {
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    Json out = Json::object();
    auto u = ws.air_images.find(req.principal);
    if (u == ws.air_images.end()) return Reply::Ok(out);
    for (auto& [url, image] : u->second) {
      if (AdvanceAirImage(image, NowMs(), ws.settings.air_step_delay_ms)) ws.Touch();
      out["images"].push_back(RenderAirImage(image));
    }
    return Reply::Ok(out);
  });
}

absl::StatusOr<Reply> CheckAccess(ServiceContext& ctx, const ApiRequest& req) {
  auto url = UrlParam(req);
  if (!url.ok()) return url.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    return Reply::Ok({{"publicly_accessible", SimulatePull(ws, *url, "", "").ok}});
  });
}

absl::StatusOr<Reply> ValidateAccess(ServiceContext& ctx, const ApiRequest& req) {
  auto url = UrlParam(req);
  if (!url.ok()) return url.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto u = ws.air_images.find(req.principal);
    if (u == ws.air_images.end() || !u->second.count(*url)) return NotRegistered(*url);
    const AirImage& image = u->second[*url];
    PullResult pull = SimulatePull(ws, *url, image.credentials_scope, image.credentials_key);
    return Reply::Ok({{"accessible", pull.ok}});
  });
}

absl::StatusOr<Reply> Delete(ServiceContext& ctx, const ApiRequest& req) {
  auto url = UrlParam(req);
  if (!url.ok()) return url.status();
  return ctx.store->Run([&](Workspace& ws) -> absl::StatusOr<Reply> {
    auto u = ws.air_images.find(req.principal);
    if (u == ws.air_images.end() || !u->second.erase(*url)) return NotRegistered(*url);
    if (u->second.empty()) ws.air_images.erase(u);
    ws.Touch();
    return Reply::Ok(Json::object());
  });
}

}  // namespace

void RegisterAiRuntimeRoutes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  const std::string base = kBase;
  router.Add("POST", base, [c](const ApiRequest& r) { return Register(*c, r); });
  router.Add("GET", base, [c](const ApiRequest& r) { return List(*c, r); });
  router.Add("GET", base + ":get", [c](const ApiRequest& r) { return GetOne(*c, r); });
  router.Add("GET", base + ":checkImageAccess", [c](const ApiRequest& r) { return CheckAccess(*c, r); });
  router.Add("GET", base + ":validateImageAccess", [c](const ApiRequest& r) { return ValidateAccess(*c, r); });
  router.Add("DELETE", base + ":delete", [c](const ApiRequest& r) { return Delete(*c, r); },
             Access::kAuthenticated, false);
}

}  // namespace dcs::emulator
