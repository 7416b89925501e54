// Image preflight: before a plan creates or changes a cluster, pool or AI
// Runtime registration, ask the image's registry (manifest + config blob, a
// few kilobytes, no layer) whether the image can run there: the tag or
// digest exists (else the nearest tags are named), the credentials can
// pull, the platform fits the node type, the ENTRYPOINT leaves Databricks'
// launcher alone, the image's CUDA toolkit runs on the host driver (the
// compatibility matrix), and its Databricks runtime label matches
// spark_version.
//
// Policy: `preflight` = "error" (default) | "warn" | "off", on the resource,
// else on the provider. Findings the registry proves are errors ("warn":
// warnings). What could not be checked (registry down, 5xx, HTML, a config
// that is not JSON or is over 4 MiB, credentials dcs cannot read) is a
// warning that says what was not checked. Unknown urls are skipped.
//
// Every lookup goes through one process-wide cache keyed by reference,
// credentials and platform; concurrent plans of the same image share one
// in-flight lookup, so a plan asks a registry at most once per image
// (manifest, config; plus the platform manifest of an index).
#ifndef DCS_RESOURCES_IMAGE_PREFLIGHT_H_
#define DCS_RESOURCES_IMAGE_PREFLIGHT_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/registry/image_inspect.h"
#include "clients/registry/reference.h"
#include "clients/registry/registry_client.h"
#include "resources/provider_clients.h"
#include "sdk/framework/diagnostics.h"
#include "sdk/framework/resource.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

// The `preflight` attribute of dcs_cluster, dcs_instance_pool and
// dcs_air_image_registration.
schema::Attribute PreflightAttribute();

// Plan hooks, called from each resource's ModifyPlan. They check when the
// resource is created or an input of the checks changes.
void PreflightClusterPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& diagnostics);
void PreflightPoolPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& diagnostics);
void PreflightAirPlan(const framework::ModifyPlanRequest& req, framework::Diagnostics& diagnostics);

// When a plan changes nothing but `preflight` (unknown planned values are
// computed ones), the prior state with the new `preflight`: the update must
// not call the API (a cluster edit restarts a running cluster). Else nullopt.
std::optional<cty::Value> OnlyPreflightChanged(const cty::Value& prior, const cty::Value& planned);

// ---- The parts (tests, and dcs_compatibility_matrix's `image`).

enum class PreflightMode { kError, kWarn, kOff };
// Resource attribute, else provider setting, else kError.
PreflightMode PreflightModeOf(const framework::Context& ctx, const cty::Value& config);

// What the registry said about one image.
struct ImageLookup {
  absl::Status status;                 // of the inspection
  registry::InspectedImage image;      // when status is OK
  std::vector<std::string> tags;       // the repository's tags, when status is NotFound
  absl::Status tags_status;            // of listing them
  std::string credentials;             // what was used, for messages ("no credentials", …)
};

// Inspects `ref` for `want` and, when it does not exist, lists the tags.
ImageLookup LookUpImage(const registry::RegistryClient& client, const registry::Reference& ref,
                        const registry::Platform& want);

// One lookup per key for the life of the process; callers asking for a key
// that is being looked up wait for that lookup instead of starting another.
class ImageLookupCache {
 public:
  std::shared_ptr<const ImageLookup> Get(const std::string& key, const std::function<ImageLookup()>& look_up);
  static ImageLookupCache& ForProcess();

 private:
  struct Entry;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// A cached lookup with the credentials dcs can use for `ref.domain`:
// `explicit_creds` when given, else the provider's (registry_auth, Docker
// config, Azure identity for ACR). Short retries: a plan must not hang on a
// registry that is down.
std::shared_ptr<const ImageLookup> LookUpCached(const framework::Context& ctx, const registry::Reference& ref,
                                                const ExplicitCredentials& explicit_creds,
                                                const registry::Platform& want);

// CUDA toolkit and NCCL as NVIDIA's images declare them in the environment
// (CUDA_VERSION, NV_CUDA_LIB_VERSION, NV_CUDA_CUDART_VERSION; NCCL_VERSION,
// NV_LIBNCCL_PACKAGE_VERSION), cleaned to dotted versions.
struct GpuStack {
  std::optional<std::string> cuda, nccl;
  std::string cuda_from, nccl_from;  // "CUDA_VERSION=13.0"
};
GpuStack GpuStackOf(const registry::ImageConfig& config);

// "arm64" for AWS Graviton node types, else "amd64".
std::string NodeArchitecture(const std::string& node_type_id);

// One image reference of a resource and what it will run on.
struct ImageCheck {
  std::string url;
  cty::Path url_path;
  ExplicitCredentials credentials;      // literal credentials of the resource
  std::string unreadable_credentials;   // the resource's credentials dcs cannot read, e.g. "basic_auth ({{secrets/…}})"
  std::vector<std::string> node_types;  // known node types (driver, workers)
  std::string spark_version;            // "" = unknown
  bool check_entrypoint = true;
};

// The diagnostics of one looked-up image (`mode` is not kOff).
void ReportImage(const ImageCheck& check, PreflightMode mode, const ImageLookup& lookup,
                 const std::map<std::string, std::string>& gpu_host_drivers, framework::Diagnostics& diagnostics);

// Looks up (cached) and reports every check.
void RunPreflight(const framework::Context& ctx, PreflightMode mode, const std::vector<ImageCheck>& checks,
                  framework::Diagnostics& diagnostics);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_IMAGE_PREFLIGHT_H_
