// provider::dcs::cuda_min_driver(cuda_version): the minimum Linux host driver
// for a CUDA toolkit, from the compatibility matrix.
#include "resources/compat/compat.h"
#include "resources/provider.h"

namespace dcs::resources {
namespace {

class CudaMinDriverFunction : public framework::Function {
 public:
  CudaMinDriverFunction() {
    def_.parameters = {{.name = "cuda_version", .type = cty::Type::String(),
                        .description = "CUDA toolkit version, e.g. `12.4`."}};
    def_.return_type = cty::Type::String();
    def_.summary = "Minimum NVIDIA host driver for a CUDA toolkit";
    def_.description =
        "Returns the minimum Linux driver version that runs the given CUDA toolkit without the "
        "forward-compatibility package, e.g. `cuda_min_driver(\"12.4\")`.";
  }
  std::string Name() const override { return "cuda_min_driver"; }
  const framework::FunctionDefinition& Definition() const override { return def_; }

  framework::FunctionResult Call(const std::vector<cty::Value>& args) const override {
    absl::StatusOr<std::string> min = compat::Matrix::Embedded().MinDriver(args[0].AsString());
    if (!min.ok()) return {cty::Value(), framework::FunctionError{std::string(min.status().message()), 0}};
    return {cty::Value::String(*min), std::nullopt};
  }

 private:
  framework::FunctionDefinition def_;
};

}  // namespace

std::unique_ptr<framework::Function> NewCudaMinDriverFunction() {
  return std::make_unique<CudaMinDriverFunction>();
}

}  // namespace dcs::resources
