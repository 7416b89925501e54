// AI Runtime image registrations (the AI Compute Manager image service of `air register image`): the per-user registration
// model shared by the API routes (air_images.cc) and the admin drift endpoint.
//
// Thread-safety: none; callers hold the store lock (Store::Run).
#ifndef DCS_EMULATOR_AIR_IMAGES_H_
#define DCS_EMULATOR_AIR_IMAGES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "emulator/workspace.h"

namespace dcs::emulator {

// What pulling `url` with the credentials in scope/key (both empty: none)
// gives right now: outcome AVAILABLE with the manifest digest, or FAILED with
// a registry-style message. Reads settings (failing_images,
// air_private_images, air_image_digests) and the secrets store.
struct PullResult {
  bool ok = false;
  std::string manifest_sha256;  // 64 hex, when ok
  std::string message;          // why not, when !ok
};
PullResult SimulatePull(const Workspace& ws, const std::string& url, const std::string& scope,
                        const std::string& key);

// OK when `url` is a normalised reference: host (with a '.' or ':' or
// "localhost") / path components, then ":tag" or "@sha256:<64 hex>" (or both:
// the digest wins). Otherwise 400 INVALID_PARAMETER_VALUE naming the problem.
absl::Status CheckNormalisedReference(const std::string& url);

// The repository part of a reference (no tag, no digest).
std::string RepositoryOf(const std::string& url);

// Moves PENDING -> IMPORTING -> AVAILABLE/FAILED as deadlines pass.
// Returns true when something changed.
bool AdvanceAirImage(AirImage& image, int64_t now_ms, int64_t step_ms);
void AdvanceAllAirImages(Workspace& ws, int64_t now_ms);

// The wire form: docker_image_url, state, status_message and manifest_sha256
// (the last two only when set).
nlohmann::json RenderAirImage(const AirImage& image);

// Admin drift for registrations: {"resource":"air_image","id":<normalised url>,
// "user"?:<principal>, "delete":true | "state":"FAILED","status_message"?}.
// Without "user" every user's registration of that url is affected.
absl::Status DriftAirImage(Workspace& ws, const nlohmann::json& request);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_AIR_IMAGES_H_
