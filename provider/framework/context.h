// What every resource call receives besides its values: the configured
// provider data and the stop signal (StopProvider / SIGTERM).
#ifndef DCS_PROVIDER_FRAMEWORK_CONTEXT_H_
#define DCS_PROVIDER_FRAMEWORK_CONTEXT_H_

#include <atomic>
#include <memory>

namespace dcs::framework {

// Set by Provider::Configure; each resource casts it to what its provider
// returned. Null until ConfigureProvider ran (functions and validation run
// unconfigured).
using ProviderData = std::shared_ptr<void>;

struct ClientCapabilities {
  bool write_only_attributes_allowed = false;
  bool deferral_allowed = false;
};

struct Context {
  ProviderData provider;
  // Becomes true when the client asked the provider to stop; long waits must
  // poll it and return promptly.
  std::shared_ptr<const std::atomic<bool>> stop;
  ClientCapabilities client;

  bool Stopped() const { return stop && stop->load(); }
};

}  // namespace dcs::framework

#endif  // DCS_PROVIDER_FRAMEWORK_CONTEXT_H_
