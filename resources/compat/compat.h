// The GPU container compatibility matrix (seed 001) as data plus a pure
// evaluator: CUDA toolkit vs host driver, PyTorch vs CUDA, NCCL, EFA/RDMA,
// CXX11 ABI of CUDA extensions, Databricks runtime and base image. Knows
// nothing of Terraform; resources/ maps it to a data source and functions.
//
// The numbers live in resources/compat/matrix.json (compiled into the
// binary); see resources/compat/README.md to update them.
#ifndef DCS_RESOURCES_COMPAT_COMPAT_H_
#define DCS_RESOURCES_COMPAT_COMPAT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dcs::compat {

struct CudaExtension {
  std::string name;
  std::string version;
  std::optional<bool> cxx11_abi;
};

struct Inputs {
  std::optional<std::string> cloud, host_driver_version, cuda_version, torch_version, base_image,
      accelerator_type, os_nccl_version, efa_version, spark_version, data_security_mode;
  std::vector<CudaExtension> cuda_extensions;
};

// Ordered: the worst status is the maximum.
enum class Status { kNotApplicable = 0, kOk = 1, kWarn = 2, kFail = 3 };
std::string_view StatusName(Status status);  // "N/A", "OK", "WARN", "FAIL"

struct Check {
  // cuda_driver, torch_cuda, nccl, efa, cxx11_abi, databricks_runtime, base_image
  // (in that order); "inputs" only when Evaluate() was called with invalid inputs.
  std::string name;
  Status status = Status::kNotApplicable;
  std::string details;
  std::string attribute;  // input the check is about, e.g. "cuda_extensions[1].version"
  std::string remedy;     // how to fix; empty when nothing to do
};

struct Report {
  std::vector<Check> checks;
  Status status = Status::kNotApplicable;
  bool cuda_compat_required = false;
  std::optional<std::string> min_driver_version, recommended_base_image, python_version;
  std::string summary_markdown;  // the seed's "Compatibility Check" table, filled in
};

struct InputError {
  std::string attribute;
  std::string message;
};

class Matrix {
 public:
  // Parses and validates the data file; errors name the table and row.
  static absl::StatusOr<Matrix> Parse(std::string_view json);
  // The matrix compiled into the binary, parsed once (thread-safe). Aborts with
  // a clear message if it is invalid (a unit test guarantees it is not).
  static const Matrix& Embedded();

  // Malformed versions, a cloud other than aws/azure and empty extension
  // names, each on its attribute. Unknown accelerator types, toolkits, torch
  // releases and access modes are not errors: the checks report them as WARN,
  // because the world moves faster than the table.
  std::vector<InputError> Validate(const Inputs& inputs) const;
  // REQUIRES: Validate(inputs) is empty. (If not, the report holds one FAIL
  // check named "inputs" per error instead of the real checks.)
  Report Evaluate(const Inputs& inputs) const;
  // Minimum host driver for a toolkit ("12.4" or "12.4.1" → "550.54.14").
  absl::StatusOr<std::string> MinDriver(std::string_view cuda_version) const;
  // Whether `driver_version` runs `cuda_version` natively (no cuda-compat).
  absl::StatusOr<bool> Compatible(std::string_view cuda_version, std::string_view driver_version) const;

  // The parsed file, shape-checked by Parse(): tables by name, see README.md.
  const nlohmann::json& data() const { return data_; }

 private:
  explicit Matrix(nlohmann::json data) : data_(std::move(data)) {}
  nlohmann::json data_;
};

}  // namespace dcs::compat

#endif  // DCS_RESOURCES_COMPAT_COMPAT_H_
