// The individual checks of the matrix (internal). Each returns one Check and
// is N/A when its inputs are missing. REQUIRES: the data passed CheckShape()
// and the inputs passed Matrix::Validate(), so versions parse.
#ifndef DCS_RESOURCES_COMPAT_CHECKS_H_
#define DCS_RESOURCES_COMPAT_CHECKS_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "resources/compat/compat.h"

namespace dcs::compat::internal {

// Inputs with the gaps the matrix can fill: the toolkit of a known base image
// and the driver of the cloud's node image.
struct Resolved {
  const Inputs& in;
  std::string cuda;            // effective CUDA toolkit, "" when unknown
  std::string cuda_attribute;  // where it came from: "cuda_version" or "base_image"
  std::string driver;          // effective host driver, "" when unknown
  std::string driver_note;     // " (assumed: …)" when taken from the cloud's node image
  bool image_has_compat = false;  // a Databricks base image, which ships cuda-compat
};
Resolved Resolve(const nlohmann::json& data, const Inputs& in);

// Also fills report.min_driver_version and report.cuda_compat_required.
Check CudaDriverCheck(const nlohmann::json& data, const Resolved& r, Report& report);
Check TorchCudaCheck(const nlohmann::json& data, const Resolved& r);
Check NcclCheck(const nlohmann::json& data, const Resolved& r);
Check EfaCheck(const nlohmann::json& data, const Inputs& in);
Check Cxx11AbiCheck(const nlohmann::json& data, const Inputs& in);
Check RuntimeCheck(const nlohmann::json& data, const Inputs& in);
Check BaseImageCheck(const nlohmann::json& data, const Resolved& r);

// The worst of `parts` (the first among equals), with every part's details.
Check Worst(const std::string& name, const std::vector<Check>& parts);
// "15.4" from "15.4.x-scala2.12", "18" from "18.x-scala2.13"; "" otherwise.
std::string DbrVersion(const std::string& spark_version);

// The seed's "Compatibility Check" table, filled in.
std::string SummaryMarkdown(const Inputs& in, const Report& report);

}  // namespace dcs::compat::internal

#endif  // DCS_RESOURCES_COMPAT_CHECKS_H_
