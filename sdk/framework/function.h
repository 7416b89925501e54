// Provider functions: pure, callable before the provider is configured.
#ifndef DCS_SDK_FRAMEWORK_FUNCTION_H_
#define DCS_SDK_FRAMEWORK_FUNCTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdk/cty/type.h"
#include "sdk/cty/value.h"

namespace dcs::framework {

struct FunctionParameter {
  std::string name;
  cty::Type type;
  std::string description;
  bool allow_null = false;
};

struct FunctionDefinition {
  std::vector<FunctionParameter> parameters;
  cty::Type return_type;
  std::string summary;
  std::string description;  // markdown
};

struct FunctionError {
  std::string text;
  std::optional<int64_t> argument;  // 0-based index of the offending argument
};

struct FunctionResult {
  cty::Value value;
  std::optional<FunctionError> error;
};

class Function {
 public:
  virtual ~Function() = default;
  virtual std::string Name() const = 0;  // without the provider:: prefix
  virtual const FunctionDefinition& Definition() const = 0;
  // REQUIRES: arguments match Definition() in count and type (the engine checks).
  virtual FunctionResult Call(const std::vector<cty::Value>& arguments) const = 0;
};

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_FUNCTION_H_
