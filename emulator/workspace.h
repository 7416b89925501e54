// The emulated workspace's data model. Plain structs with JSON mappings so the
// whole workspace persists as one document (see store.h).
//
// Thread-safety: none here; every access goes through Store::Run, which holds the
// store's mutex.
#ifndef DCS_EMULATOR_WORKSPACE_H_
#define DCS_EMULATOR_WORKSPACE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "nlohmann/json.hpp"

namespace dcs::emulator {

using Json = nlohmann::json;

struct Cluster {
  std::string cluster_id;
  Json spec = Json::object();  // last accepted create/edit body, known fields only
  std::string state = "PENDING";
  int64_t deadline_ms = 0;     // end of the current transitional state; 0 = steady
  Json pending_size;           // RESIZING: size fields applied at deadline_ms
  std::string state_message;
  std::string creator;
  int64_t start_time = 0;
  int64_t terminated_time = 0;
  int64_t last_restarted_time = 0;
  Json termination_reason;     // null unless TERMINATING/TERMINATED
  int64_t spark_context_id = 0;
  std::string idempotency_token;
  bool pinned = false;
  Json events = Json::array();
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Cluster, cluster_id, spec, state, deadline_ms,
                                                pending_size, state_message, creator, start_time,
                                                terminated_time, last_restarted_time,
                                                termination_reason, spark_context_id,
                                                idempotency_token, pinned, events)

struct Pool {
  std::string instance_pool_id;
  Json spec = Json::object();  // accepted create body (+ edits), known fields only
  std::string creator;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pool, instance_pool_id, spec, creator)

struct Secret {
  std::string key;             // as first written (names are case-insensitive)
  std::string value;           // string_value, or the base64 text of bytes_value
  bool is_bytes = false;
  int64_t last_updated_timestamp = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Secret, key, value, is_bytes, last_updated_timestamp)

struct SecretScope {
  std::string name;
  std::string backend_type = "DATABRICKS";
  Json keyvault_metadata;
  std::map<std::string, Secret> secrets;     // keyed by lower-cased key
  std::map<std::string, std::string> acls;   // principal -> READ/WRITE/MANAGE
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SecretScope, name, backend_type, keyvault_metadata,
                                                secrets, acls)

struct OAuthToken {
  std::string principal;
  int64_t expires_ms = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OAuthToken, principal, expires_ms)

// One user's registration of one image with the AI Runtime image service
// (the AI Runtime's image service). The outcome of the pull is decided when the registration is
// submitted and revealed when the import finishes.
struct AirImage {
  std::string docker_image_url;   // normalised, as submitted
  std::string state = "PENDING";  // PENDING -> IMPORTING -> AVAILABLE | FAILED
  int64_t deadline_ms = 0;        // end of the current transitional state; 0 = steady
  std::string credentials_scope, credentials_key;
  std::string outcome = "AVAILABLE";  // final state once imported
  std::string outcome_message;        // status_message of a FAILED outcome
  std::string outcome_sha256;         // manifest digest of an AVAILABLE outcome
  std::string manifest_sha256;        // shown once AVAILABLE
  std::string status_message;
  int64_t create_time = 0;
  int64_t update_time = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AirImage, docker_image_url, state, deadline_ms,
                                                credentials_scope, credentials_key, outcome,
                                                outcome_message, outcome_sha256, manifest_sha256,
                                                status_message, create_time, update_time)

// Knobs tests change at run time (admin endpoint); persisted with the state.
struct Settings {
  int64_t start_delay_ms = 3000;      // PENDING/RESTARTING -> RUNNING
  int64_t terminate_delay_ms = 1000;  // TERMINATING -> TERMINATED
  int64_t resize_delay_ms = 1000;     // RESIZING -> RUNNING
  // Docker urls whose pull fails: at cluster launch, and for AI Runtime
  // registrations (matched by normalised url or by repository).
  std::set<std::string> failing_images;
  // AI Runtime image service: time spent in PENDING and again in IMPORTING.
  int64_t air_step_delay_ms = 300;
  // Private images (normalised url or repository) -> the "username:password"
  // their registry accepts. Every other image is public.
  std::map<std::string, std::string> air_private_images;
  // Normalised url -> manifest digest (64 hex) its tag currently resolves to;
  // default: derived from the url. Changing it simulates a new push.
  std::map<std::string, std::string> air_image_digests;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Settings, start_delay_ms, terminate_delay_ms,
                                                resize_delay_ms, failing_images, air_step_delay_ms,
                                                air_private_images, air_image_digests)

struct Workspace {
  std::map<std::string, Cluster> clusters;
  std::map<std::string, Pool> pools;
  std::map<std::string, std::string> conf;   // workspace-conf keys ever written
  std::map<std::string, SecretScope> scopes;
  std::map<std::string, OAuthToken> oauth_tokens;
  // AI Runtime image registrations: principal -> normalised url -> registration.
  std::map<std::string, std::map<std::string, AirImage>> air_images;
  Settings settings;
  bool dirty = false;  // transient: set by any change that must be persisted

  void Touch() { dirty = true; }
  bool DcsEnabled() const;
};

void to_json(Json& j, const Workspace& ws);
void from_json(const Json& j, Workspace& ws);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_WORKSPACE_H_
