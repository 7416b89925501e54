// Test-control endpoints under /_emulator/ (never faulted, never rate-limited,
// no auth: the emulator only listens on 127.0.0.1).
//   GET    /_emulator/state                 full state dump (secret values redacted)
//   GET    /_emulator/settings              delays and failing images
//   POST   /_emulator/settings              {"start_delay_ms","terminate_delay_ms",
//                                            "resize_delay_ms","failing_images":[url],
//                                            "air_step_delay_ms","air_private_images":
//                                            {url|repo:"user:pass"},"air_image_digests":{url:hex}}
//   GET    /_emulator/faults                rules, limits and their counters
//   POST   /_emulator/faults                replace rules/limits (see faults.h)
//   DELETE /_emulator/faults                clear all rules and limits
//   POST   /_emulator/drift                 change a resource out of band
//   GET    /_emulator/requests?since=N      request log records after seq N
//   GET    /_emulator/health                {"status":"ok"}
#ifndef DCS_EMULATOR_ADMIN_H_
#define DCS_EMULATOR_ADMIN_H_

#include "emulator/faults.h"
#include "emulator/request_log.h"
#include "emulator/router.h"
#include "emulator/store.h"

namespace dcs::emulator {

inline constexpr char kAdminPrefix[] = "/_emulator/";

void RegisterAdminRoutes(Router& router, Store* store, FaultInjector* faults, RequestLog* log);

// Applies one drift request to the workspace. Exposed for tests.
// {"resource":"cluster"|"pool"|"workspace_conf"|"secret_scope"|"air_image", "id":...,
//  "patch":{...} (JSON merge patch on the stored spec / conf map),
//  "state":"TERMINATED"|"RUNNING" (air_image: "FAILED"), "delete":true, "user" (air_image)}
absl::Status ApplyDrift(Workspace& ws, const nlohmann::json& request);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_ADMIN_H_
