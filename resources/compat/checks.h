// The individual checks of the matrix (internal). Each returns one Check;
// N/A when its inputs are missing.
#ifndef DCS_RESOURCES_COMPAT_CHECKS_H_
#define DCS_RESOURCES_COMPAT_CHECKS_H_

#include "nlohmann/json.hpp"
#include "resources/compat/compat.h"

namespace dcs::compat::internal {

// Also fills report.min_driver_version / cuda_compat_required.
Check CudaDriverCheck(const nlohmann::json& data, const Inputs& in, Report& report);
Check TorchCudaCheck(const nlohmann::json& data, const Inputs& in);
Check NcclCheck(const nlohmann::json& data, const Inputs& in);
Check EfaCheck(const nlohmann::json& data, const Inputs& in);
Check Cxx11AbiCheck(const nlohmann::json& data, const Inputs& in);
Check RuntimeCheck(const nlohmann::json& data, const Inputs& in);
Check BaseImageCheck(const nlohmann::json& data, const Inputs& in);

// The seed's summary table, filled in.
std::string SummaryMarkdown(const Report& report);

}  // namespace dcs::compat::internal

#endif  // DCS_RESOURCES_COMPAT_CHECKS_H_
