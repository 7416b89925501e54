// Shared context handed to every API module's route registration.
#ifndef DCS_EMULATOR_SERVICE_H_
#define DCS_EMULATOR_SERVICE_H_

#include <string>

#include "emulator/router.h"
#include "emulator/store.h"

namespace dcs::emulator {

struct Identities;

struct ServiceContext {
  Store* store = nullptr;
  Identities* identities = nullptr;  // Entra apps, managed identities, federation policies
  std::string acr_cert_out;           // where the ACR token service writes its signing certificate
  // Answer unknown cluster ids like older backends (400 INVALID_PARAMETER_VALUE)
  // instead of 404 RESOURCE_DOES_NOT_EXIST.
  bool legacy_not_found = false;
};

// One registration function per API module; called from server.cc in a fixed order.
void RegisterClusterRoutes(Router& router, ServiceContext& ctx);
void RegisterPoolRoutes(Router& router, ServiceContext& ctx);
void RegisterWorkspaceConfRoutes(Router& router, ServiceContext& ctx);
void RegisterSecretRoutes(Router& router, ServiceContext& ctx);
// The AI Runtime image-registration service (POST /api/2.0/ai-compute-manager/images,
// images:get, images:checkImageAccess, …); see air_extension.cc.
void RegisterAiRuntimeRoutes(Router& router, ServiceContext& ctx);
// Azure Resource Manager container registries + Entra ID client credentials (arm.cc).
void RegisterArmRoutes(Router& router, ServiceContext& ctx);
// Entra ID token endpoint (secret and client assertion), the managed-identity
// endpoint and the identity admin routes (entra.cc).
void RegisterEntraRoutes(Router& router, ServiceContext& ctx);
// ACR's /oauth2/exchange and /oauth2/token in front of a registry (acr_tokens.cc).
void RegisterAcrTokenRoutes(Router& router, ServiceContext& ctx);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_SERVICE_H_
