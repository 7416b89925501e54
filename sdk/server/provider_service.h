// tfplugin6.Provider over gRPC: decode, dispatch to the engine, encode.
// Handlers never throw and never crash on bad input: every failure becomes
// an error diagnostic (or FunctionError for CallFunction).
#ifndef DCS_SDK_SERVER_PROVIDER_SERVICE_H_
#define DCS_SDK_SERVER_PROVIDER_SERVICE_H_

#include <memory>

#include "sdk/framework/engine.h"
#include "tfplugin6/tfplugin6.grpc.pb.h"

namespace dcs::server {

class ProviderService final : public tfplugin6::Provider::Service {
 public:
  // `engine` must outlive the service.
  explicit ProviderService(framework::Engine& engine);

  grpc::Status GetMetadata(grpc::ServerContext*, const tfplugin6::Metadata::Request*,
                           tfplugin6::Metadata::Response*) override;
  grpc::Status GetProviderSchema(grpc::ServerContext*, const tfplugin6::GetProviderSchema::Request*,
                                 tfplugin6::GetProviderSchema::Response*) override;
  grpc::Status GetResourceIdentitySchemas(grpc::ServerContext*,
                                          const tfplugin6::GetResourceIdentitySchemas::Request*,
                                          tfplugin6::GetResourceIdentitySchemas::Response*) override;
  grpc::Status UpgradeResourceIdentity(grpc::ServerContext*, const tfplugin6::UpgradeResourceIdentity::Request*,
                                       tfplugin6::UpgradeResourceIdentity::Response*) override;
  grpc::Status ValidateProviderConfig(grpc::ServerContext*,
                                      const tfplugin6::ValidateProviderConfig::Request*,
                                      tfplugin6::ValidateProviderConfig::Response*) override;
  grpc::Status ConfigureProvider(grpc::ServerContext*, const tfplugin6::ConfigureProvider::Request*,
                                 tfplugin6::ConfigureProvider::Response*) override;
  grpc::Status ValidateResourceConfig(grpc::ServerContext*,
                                      const tfplugin6::ValidateResourceConfig::Request*,
                                      tfplugin6::ValidateResourceConfig::Response*) override;
  grpc::Status ValidateDataResourceConfig(grpc::ServerContext*,
                                          const tfplugin6::ValidateDataResourceConfig::Request*,
                                          tfplugin6::ValidateDataResourceConfig::Response*) override;
  grpc::Status ReadDataSource(grpc::ServerContext*, const tfplugin6::ReadDataSource::Request*,
                              tfplugin6::ReadDataSource::Response*) override;
  grpc::Status UpgradeResourceState(grpc::ServerContext*,
                                    const tfplugin6::UpgradeResourceState::Request*,
                                    tfplugin6::UpgradeResourceState::Response*) override;
  grpc::Status ReadResource(grpc::ServerContext*, const tfplugin6::ReadResource::Request*,
                            tfplugin6::ReadResource::Response*) override;
  grpc::Status PlanResourceChange(grpc::ServerContext*, const tfplugin6::PlanResourceChange::Request*,
                                  tfplugin6::PlanResourceChange::Response*) override;
  grpc::Status ApplyResourceChange(grpc::ServerContext*,
                                   const tfplugin6::ApplyResourceChange::Request*,
                                   tfplugin6::ApplyResourceChange::Response*) override;
  grpc::Status ImportResourceState(grpc::ServerContext*,
                                   const tfplugin6::ImportResourceState::Request*,
                                   tfplugin6::ImportResourceState::Response*) override;
  grpc::Status MoveResourceState(grpc::ServerContext*, const tfplugin6::MoveResourceState::Request*,
                                 tfplugin6::MoveResourceState::Response*) override;
  grpc::Status GetFunctions(grpc::ServerContext*, const tfplugin6::GetFunctions::Request*,
                            tfplugin6::GetFunctions::Response*) override;
  grpc::Status CallFunction(grpc::ServerContext*, const tfplugin6::CallFunction::Request*,
                            tfplugin6::CallFunction::Response*) override;
  grpc::Status StopProvider(grpc::ServerContext*, const tfplugin6::StopProvider::Request*,
                            tfplugin6::StopProvider::Response*) override;

 private:
  framework::Engine& engine_;
};

}  // namespace dcs::server

#endif  // DCS_SDK_SERVER_PROVIDER_SERVICE_H_
