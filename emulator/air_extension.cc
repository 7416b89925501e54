// Extension point: the AI Runtime ("air") image-registration endpoints.
//
// Another change fills this in (reference §7 / §9: POST
// /api/2.0/ai-compute-manager/images, GET .../images:get advancing PENDING ->
// IMPORTING -> AVAILABLE, GET .../images:checkImageAccess). Keeping the hook as a
// plain function called from server.cc avoids static-registration tricks that a
// static library would silently drop. Until then these paths answer 404
// ENDPOINT_NOT_FOUND like any unknown endpoint.
#include "emulator/service.h"

namespace dcs::emulator {

void RegisterAiRuntimeRoutes(Router& router, ServiceContext& ctx) {
  (void)router;
  (void)ctx;
}

}  // namespace dcs::emulator
