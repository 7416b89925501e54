// provider::dcs::cuda_compatible(cuda_version, driver_version): whether a host
// driver runs a CUDA toolkit natively (without forward compatibility).
#include "resources/compat/compat.h"
#include "resources/provider.h"

namespace dcs::resources {
namespace {

class CudaCompatibleFunction : public framework::Function {
 public:
  CudaCompatibleFunction() {
    def_.parameters = {
        {.name = "cuda_version", .type = cty::Type::String(), .description = "CUDA toolkit version, e.g. `12.4`."},
        {.name = "driver_version", .type = cty::Type::String(), .description = "Host driver version, e.g. `550.54.15`."},
    };
    def_.return_type = cty::Type::Bool();
    def_.summary = "Whether a host driver runs a CUDA toolkit";
    def_.description =
        "True when `driver_version` is at least the minimum driver of `cuda_version` (no "
        "forward-compatibility package considered).";
  }
  std::string Name() const override { return "cuda_compatible"; }
  const framework::FunctionDefinition& Definition() const override { return def_; }

  framework::FunctionResult Call(const std::vector<cty::Value>& args) const override {
    absl::StatusOr<bool> ok = compat::Matrix::Embedded().Compatible(args[0].AsString(), args[1].AsString());
    if (!ok.ok()) {
      // Say which argument is wrong: a malformed driver is argument 1.
      const bool driver_bad = compat::Matrix::Embedded().MinDriver(args[0].AsString()).ok();
      return {cty::Value(), framework::FunctionError{std::string(ok.status().message()), driver_bad ? 1 : 0}};
    }
    return {cty::Value::Bool(*ok), std::nullopt};
  }

 private:
  framework::FunctionDefinition def_;
};

}  // namespace

std::unique_ptr<framework::Function> NewCudaCompatibleFunction() {
  return std::make_unique<CudaCompatibleFunction>();
}

}  // namespace dcs::resources
