// AI Runtime image registration ("air register image"): the AI Compute Manager
// image service, which no SDK models (routes as the `databricks-air` client library uses them).
//
//   POST   /api/2.0/ai-compute-manager/images                       register (idempotent)
//   GET    /api/2.0/ai-compute-manager/images:get?docker_image_url   status; 404 = not registered
//   GET    /api/2.0/ai-compute-manager/images:checkImageAccess       anonymous pull probe
//   DELETE /api/2.0/ai-compute-manager/images:delete                 unregister (defined by the
//          databricks-air client library, used by none of its commands: treat as best effort)
//
// Every call takes the url as given and normalises it first, as the CLI does.
// Thread-safety: like Client, usable from many threads.
#ifndef DCS_CLIENTS_DATABRICKS_AI_RUNTIME_IMAGES_API_H_
#define DCS_CLIENTS_DATABRICKS_AI_RUNTIME_IMAGES_API_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/databricks/client.h"
#include "clients/http/http.h"

namespace dcs::databricks {

// The CLI's normalisation: trim; a first component without '.' (in its host
// part) is Docker Hub ("ubuntu" → "docker.io/library/ubuntu", "org/x" →
// "docker.io/org/x"); a digest drops any tag; no tag and no digest → ":latest".
std::string NormalizeImageUrl(const std::string& url);

// NormalizeImageUrl, after checking that `url` is an image reference:
// lower-case repository path components, an optional tag of [A-Za-z0-9_.-]
// (≤ 128, not starting with '.' or '-'), an optional "@sha256:<64 hex>".
// InvalidArgument naming the problem otherwise.
absl::StatusOr<std::string> NormalizeAndCheckImageUrl(const std::string& url);

// True when the normalised reference is pinned by the tag "latest" (and not
// by a digest).
bool UsesLatestTag(const std::string& normalized_url);

struct ImageRegistration {
  std::string docker_image_url;
  std::string state;  // PENDING, IMPORTING, AVAILABLE or FAILED; absent/unknown → PENDING
  std::optional<std::string> status_message;
  std::optional<std::string> manifest_sha256;

  bool Finished() const { return state == "AVAILABLE" || state == "FAILED"; }
};

// Parses a registration object; also accepts it wrapped as {"image": {...}}.
absl::StatusOr<ImageRegistration> ParseImageRegistration(const nlohmann::json& answer, const std::string& what);

class AiRuntimeImagesApi {
 public:
  explicit AiRuntimeImagesApi(Client& client) : client_(client) {}

  // Registers (or re-registers) the image. `credentials_scope`/`_key` name a
  // secret whose value is base64("username:password"); both or neither.
  // Retried like other idempotent calls (429, 503): the image service
  // documents registering again as a reconciling no-op. Errors: the mapped
  // API error.
  absl::StatusOr<ImageRegistration> Register(const std::string& url,
                                             const std::optional<std::string>& credentials_scope,
                                             const std::optional<std::string>& credentials_key,
                                             const std::atomic<bool>* stop);
  // The caller's registration, or nullopt when the image is not registered.
  absl::StatusOr<std::optional<ImageRegistration>> Get(const std::string& url, const std::atomic<bool>* stop);
  // Whether anyone can pull the image without credentials; nullopt when the
  // service cannot tell (including when the call is unavailable).
  std::optional<bool> CheckImageAccess(const std::string& url, const std::atomic<bool>* stop);
  // The caller's registrations (`GET …/images`: the databricks-air client
  // library's list; its paging is not public, so a `next_page_token` in the
  // answer is followed when present). Registrations are per principal: other
  // users' registrations are not listed. Errors: the mapped API error
  // (NotFound with ENDPOINT_NOT_FOUND when the service has no such call).
  absl::StatusOr<std::vector<ImageRegistration>> List(const std::atomic<bool>* stop);
  // Removes the caller's registration. NotFound when it does not exist (or
  // the service has no such call: the message then starts with
  // ENDPOINT_NOT_FOUND).
  absl::Status Delete(const std::string& url, const std::atomic<bool>* stop);

 private:
  Client& client_;
};

struct RegistrationWaitOptions {
  std::chrono::milliseconds initial_interval{1000};
  double growth = 1.5;
  std::chrono::milliseconds max_interval{15000};
  // Consecutive transient poll failures (429, 5xx, timeouts, unreachable)
  // tolerated before giving up; the deadline bounds them anyway.
  int max_transient_failures = 20;
};

// Progress callback: called with each answer whose state differs from the
// previous one, and every `progress_every` polls otherwise.
using RegistrationProgress = std::function<void(const ImageRegistration&, std::chrono::milliseconds elapsed)>;

// Polls images:get until AVAILABLE (returned) or FAILED (FailedPrecondition
// quoting status_message). Transient errors (Unavailable, ResourceExhausted,
// DeadlineExceeded, Internal — i.e. 429, 5xx and timeouts) are retried with
// the poll interval until `deadline`. The interval starts at
// initial_interval, grows ×growth up to max_interval and resets when the
// state changes. Errors: NotFound when the registration disappears;
// DeadlineExceeded at `deadline` naming the last state seen; Cancelled on
// `*stop`; any other API error.
absl::StatusOr<ImageRegistration> WaitForImageRegistration(AiRuntimeImagesApi& api, const std::string& url,
                                                           std::chrono::steady_clock::time_point deadline,
                                                           const std::atomic<bool>* stop, http::Clock& clock,
                                                           const RegistrationProgress& progress = nullptr,
                                                           const RegistrationWaitOptions& options = {});

// Whether a status from a poll is worth another try.
bool IsTransient(const absl::Status& status);

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_AI_RUNTIME_IMAGES_API_H_
