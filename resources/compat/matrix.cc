// Matrix: parsing the data file, input validation and the two lookups the
// provider functions use. The checks themselves live in *_checks.cc.
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resources/compat/compat.h"
#include "resources/compat/tables.h"
#include "resources/compat/version.h"

namespace dcs::compat {

extern const std::string_view kEmbeddedMatrixJson;

namespace internal {

const nlohmann::json* RowForVersion(const nlohmann::json& table, const char* key, const Version& v) {
  for (const auto& row : table["rows"]) {
    if (v.StartsWith(Ver(row, key))) return &row;
  }
  return nullptr;
}

const nlohmann::json* RowWhere(const nlohmann::json& table, const char* key, std::string_view value, bool fold_case) {
  for (const auto& row : table["rows"]) {
    const std::string cell = Str(row, key);
    if (fold_case ? absl::EqualsIgnoreCase(cell, absl::string_view(value.data(), value.size())) : cell == value) return &row;
  }
  return nullptr;
}

std::string Known(const nlohmann::json& table, const char* key) {
  std::string out;
  for (const auto& row : table["rows"]) absl::StrAppend(&out, out.empty() ? "" : ", ", Str(row, key));
  return out;
}

std::string Str(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

Version Ver(const nlohmann::json& row, const char* key) {
  // CheckShape() guarantees the cell parses; an empty Version never matches.
  return Version::Parse(Str(row, key)).value_or(Version{});
}

}  // namespace internal

namespace {

using internal::Known;
using internal::RowForVersion;

void CheckVersion(std::vector<InputError>& errors, const std::string& attribute,
                  const std::optional<std::string>& value) {
  if (value && !Version::Parse(*value)) {
    errors.push_back({attribute, absl::StrCat("\"", *value, "\" is not a version: use numbers separated by dots, ",
                                              "such as 12.4, 12.4.1 or 550.54.14")});
  }
}

}  // namespace

absl::StatusOr<Matrix> Matrix::Parse(std::string_view json) {
  nlohmann::json data = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded()) return absl::InvalidArgumentError("matrix: not valid JSON");
  absl::Status shape = internal::CheckShape(data);
  if (!shape.ok()) return shape;
  return Matrix(std::move(data));
}

const Matrix& Matrix::Embedded() {
  // Function-local static: initialised once, thread-safe since C++11.
  static const Matrix* const matrix = [] {
    absl::StatusOr<Matrix> m = Parse(kEmbeddedMatrixJson);
    if (!m.ok()) {
      std::fprintf(stderr, "terraform-provider-dcs: the embedded compatibility matrix is invalid: %s\n",
                   std::string(m.status().message()).c_str());
      std::abort();
    }
    return new Matrix(std::move(*m));
  }();
  return *matrix;
}

std::vector<InputError> Matrix::Validate(const Inputs& in) const {
  std::vector<InputError> errors;
  CheckVersion(errors, "host_driver_version", in.host_driver_version);
  CheckVersion(errors, "cuda_version", in.cuda_version);
  CheckVersion(errors, "torch_version", in.torch_version);
  CheckVersion(errors, "os_nccl_version", in.os_nccl_version);
  CheckVersion(errors, "efa_version", in.efa_version);
  if (in.cloud && *in.cloud != "aws" && *in.cloud != "azure") {
    errors.push_back({"cloud", absl::StrCat("\"", *in.cloud, "\" is not supported: use \"aws\" or \"azure\"")});
  }
  for (size_t i = 0; i < in.cuda_extensions.size(); ++i) {
    const std::string at = absl::StrCat("cuda_extensions[", i, "]");
    if (in.cuda_extensions[i].name.empty()) errors.push_back({at + ".name", "the extension name must not be empty"});
    CheckVersion(errors, at + ".version", in.cuda_extensions[i].version);
  }
  return errors;
}

absl::StatusOr<std::string> Matrix::MinDriver(std::string_view cuda_version) const {
  auto v = Version::Parse(cuda_version);
  if (!v) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(cuda_version), "\" is not a CUDA version: use numbers such as 12.4 or 12.4.1"));
  }
  const nlohmann::json& table = data_["cuda_min_driver"];
  const nlohmann::json* row = RowForVersion(table, "cuda", *v);
  if (!row) {
    return absl::NotFoundError(absl::StrCat("CUDA ", std::string(cuda_version),
                                            " is not in the compatibility matrix; known toolkits: ", Known(table, "cuda")));
  }
  return internal::Str(*row, "min_driver");
}

absl::StatusOr<bool> Matrix::Compatible(std::string_view cuda_version, std::string_view driver_version) const {
  absl::StatusOr<std::string> min = MinDriver(cuda_version);
  if (!min.ok()) return min.status();
  auto driver = Version::Parse(driver_version);
  if (!driver) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(driver_version), "\" is not a driver version: use numbers such as 550.54.15"));
  }
  return driver->Compare(*Version::Parse(*min)) >= 0;
}

}  // namespace dcs::compat
