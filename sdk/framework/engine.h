// The SDK's generic behaviour between the gRPC adapter (server/) and the
// resources: dispatch by type name, config validation, the plan pipeline,
// create/update/delete decisions, state clean-up and the invariants Terraform
// enforces (wholly known results, null write-only values, null destroys).
//
// Thread-safe: RPCs arrive concurrently. The provider configuration is
// written once by ConfigureProvider and read by every later call.
#ifndef DCS_SDK_FRAMEWORK_ENGINE_H_
#define DCS_SDK_FRAMEWORK_ENGINE_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sdk/framework/provider.h"

namespace dcs::framework {

struct PlanResult {
  cty::Value planned;
  std::vector<cty::Path> requires_replace;
  std::string planned_private;
  Diagnostics diagnostics;
};

struct UpgradeResult {
  cty::Value state;
  Diagnostics diagnostics;
};

class Engine {
 public:
  // Fails when a registered schema is invalid or a type name is duplicated.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(std::unique_ptr<Provider> provider);

  const Provider& provider() const { return *provider_; }
  const std::map<std::string, std::unique_ptr<Resource>>& resources() const { return resources_; }
  const std::map<std::string, std::unique_ptr<DataSource>>& data_sources() const { return data_sources_; }
  const std::map<std::string, std::unique_ptr<Function>>& functions() const { return functions_; }
  // nullptr when unknown.
  const schema::Schema* ResourceSchema(const std::string& type) const;
  const schema::Schema* DataSourceSchema(const std::string& type) const;

  Diagnostics ValidateProviderConfig(const cty::Value& config) const;
  Diagnostics ConfigureProvider(const std::string& terraform_version, const cty::Value& config,
                                const ClientCapabilities& client);
  Diagnostics ValidateResourceConfig(const std::string& type, const cty::Value& config,
                                     const ClientCapabilities& client) const;
  Diagnostics ValidateDataSourceConfig(const std::string& type, const cty::Value& config) const;
  ReadDataResponse ReadDataSource(const std::string& type, const cty::Value& config) const;
  UpgradeResult UpgradeResourceState(const std::string& type, int64_t version,
                                     const std::string& raw_json) const;
  ReadResponse ReadResource(const std::string& type, const cty::Value& state,
                            const std::string& private_data, const ClientCapabilities& client = {}) const;
  PlanResult PlanResourceChange(const std::string& type, const cty::Value& prior,
                                const cty::Value& proposed, const cty::Value& config,
                                const std::string& prior_private,
                                const ClientCapabilities& client) const;
  ApplyResponse ApplyResourceChange(const std::string& type, const cty::Value& prior,
                                    const cty::Value& planned, const cty::Value& config,
                                    const std::string& planned_private) const;
  ImportResponse ImportResourceState(const std::string& type, const std::string& id) const;

  // Resource identity (identity.cc). The schemas of the types that have one.
  std::map<std::string, const IdentitySchema*> IdentitySchemas() const;
  // The identity of `state`; nullopt for a type without identity or a null state.
  std::optional<cty::Value> Identity(const std::string& type, const cty::Value& state) const;
  // `import { identity = … }`: the import ID from the identity, then ImportState.
  ImportResponse ImportResourceByIdentity(const std::string& type, const cty::Value& identity) const;
  // A stored identity (JSON) in the current identity schema.
  UpgradeResult UpgradeResourceIdentity(const std::string& type, int64_t version, const std::string& raw_json) const;

  FunctionResult CallFunction(const std::string& name, const std::vector<cty::Value>& args) const;

  // StopProvider: every in-flight and later wait sees Context::Stopped().
  void Stop();

 private:
  explicit Engine(std::unique_ptr<Provider> provider);
  Context MakeContext(const ClientCapabilities& client = {}) const;
  const Resource* FindResource(const std::string& type, Diagnostics& diagnostics) const;

  std::unique_ptr<Provider> provider_;
  std::map<std::string, std::unique_ptr<Resource>> resources_;
  std::map<std::string, std::unique_ptr<DataSource>> data_sources_;
  std::map<std::string, std::unique_ptr<Function>> functions_;
  mutable std::mutex mu_;
  std::shared_ptr<const ProviderData> provider_data_;  // guarded by mu_
  std::shared_ptr<std::atomic<bool>> stop_;
};

// Runs the schema's validators over `config` and checks write-only values
// against the client's capabilities.
Diagnostics ValidateAgainstSchema(const schema::Block& block, const cty::Value& config,
                                  const ClientCapabilities& client);

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_ENGINE_H_
