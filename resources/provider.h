// The dcs provider: configuration schema and the explicit registration list.
#ifndef DCS_RESOURCES_PROVIDER_H_
#define DCS_RESOURCES_PROVIDER_H_

#include <memory>
#include <string>

#include "sdk/framework/provider.h"

namespace dcs::resources {

std::unique_ptr<framework::Provider> NewProvider(std::string version);

// Factories of everything the provider registers (one file each).
std::unique_ptr<framework::Resource> NewWorkspaceConfResource();
std::unique_ptr<framework::Resource> NewClusterResource();
std::unique_ptr<framework::Resource> NewInstancePoolResource();
std::unique_ptr<framework::DataSource> NewCompatibilityMatrixDataSource();
std::unique_ptr<framework::Function> NewCudaMinDriverFunction();
std::unique_ptr<framework::Function> NewCudaCompatibleFunction();
std::unique_ptr<framework::Resource> NewImageResource();
std::unique_ptr<framework::Resource> NewAcrRetentionPolicyResource();
std::unique_ptr<framework::Resource> NewAirImageRegistrationResource();

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_PROVIDER_H_
