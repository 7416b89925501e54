// The provider: its configuration schema and an explicit registration list of
// resources, data sources and functions (no static-registration macros: static
// libraries drop them silently).
#ifndef DCS_SDK_FRAMEWORK_PROVIDER_H_
#define DCS_SDK_FRAMEWORK_PROVIDER_H_

#include <memory>
#include <string>
#include <vector>

#include "sdk/framework/function.h"
#include "sdk/framework/resource.h"

namespace dcs::framework {

struct ConfigureRequest {
  Context ctx;
  std::string terraform_version;
  cty::Value config;  // may contain unknowns
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string TypeName() const = 0;  // "dcs"
  virtual std::string Version() const = 0;
  virtual const schema::Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const ValidateConfigRequest& request, Diagnostics& diagnostics) const {}
  // Called once per provider process (per configuration). Must not contact
  // remote APIs: credentials are resolved lazily, when a resource needs them.
  virtual std::shared_ptr<const ProviderData> Configure(const ConfigureRequest& request, Diagnostics& diagnostics) = 0;
  virtual std::vector<std::unique_ptr<Resource>> Resources() const = 0;
  virtual std::vector<std::unique_ptr<DataSource>> DataSources() const = 0;
  virtual std::vector<std::unique_ptr<Function>> Functions() const = 0;
};

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_PROVIDER_H_
