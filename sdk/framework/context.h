// What every resource call receives besides its values: the configured
// provider data and the stop signal (StopProvider / SIGTERM).
#ifndef DCS_SDK_FRAMEWORK_CONTEXT_H_
#define DCS_SDK_FRAMEWORK_CONTEXT_H_

#include <atomic>
#include <memory>

namespace dcs::framework {

// What Provider::Configure built for the provider's resources (clients,
// settings). A provider derives its own type from it and reads it back with
// ProviderDataAs, which checks the type. Null until ConfigureProvider ran
// (functions and validation run unconfigured).
class ProviderData {
 public:
  virtual ~ProviderData() = default;
};

struct ClientCapabilities {
  bool write_only_attributes_allowed = false;
  bool deferral_allowed = false;
};

struct Context {
  std::shared_ptr<const ProviderData> provider;
  // Becomes true when the client asked the provider to stop; long waits must
  // poll it and return promptly.
  std::shared_ptr<const std::atomic<bool>> stop;
  ClientCapabilities client;

  bool Stopped() const { return stop && stop->load(); }
};

// The provider data of `ctx` as the provider's own type T, or nullptr when
// the provider is not configured (or configured with another type).
template <typename T>
const T* ProviderDataAs(const Context& ctx) {
  return dynamic_cast<const T*>(ctx.provider.get());
}

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_CONTEXT_H_
