#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "resources/compat/compat.h"
#include "resources/compat/tables.h"
#include "resources/compat/version.h"

namespace dcs::compat {

extern const std::string_view kEmbeddedMatrixJson;

namespace internal {

const nlohmann::json* RowForVersion(const nlohmann::json& table, const char* key, const Version& v) {
  for (const auto& row : table["rows"]) {
    auto rv = Version::Parse(row[key].get<std::string>());
    if (rv && v.StartsWith(*rv)) return &row;
  }
  return nullptr;
}

const nlohmann::json* RowWhere(const nlohmann::json& table, const char* key, std::string_view value) {
  for (const auto& row : table["rows"]) {
    if (row[key].get<std::string>() == value) return &row;
  }
  return nullptr;
}

std::string Known(const nlohmann::json& table, const char* key) {
  std::string out;
  for (const auto& row : table["rows"]) absl::StrAppend(&out, out.empty() ? "" : ", ", row[key].get<std::string>());
  return out;
}

std::string Str(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace internal

namespace {

using internal::Known;
using internal::RowForVersion;

struct TableSpec {
  const char* name;
  std::vector<const char*> string_columns;
  std::vector<const char*> version_columns;
};

const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> specs = {
      {"cuda_min_driver", {"below_min", "compat_package"}, {"cuda", "min_driver"}},
      {"host_drivers", {"cloud", "node_image"}, {"driver"}},
      {"torch_cuda", {"default_wheel", "bundled_nccl"}, {"torch", "min_cuda"}},
      {"accelerators", {"type", "gpu"}, {}},
      {"cuda_extensions", {"name"}, {"mislabelled_from", "recommended"}},
      {"base_images", {"image", "cloud", "variant", "python", "efa"}, {"cuda", "os_nccl"}},
      {"runtimes", {"ubuntu", "python"}, {"dbr"}},
  };
  return specs;
}

absl::Status CheckTable(const nlohmann::json& data, const TableSpec& spec) {
  auto fail = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("matrix table ", spec.name, ": ", why));
  };
  if (!data.contains(spec.name) || !data[spec.name].is_object()) return fail("missing");
  const auto& table = data[spec.name];
  if (!table.contains("source") || !table["source"].is_string() || table["source"].get<std::string>().empty()) {
    return fail("needs a \"source\" note saying where its numbers come from");
  }
  if (!table.contains("rows") || !table["rows"].is_array() || table["rows"].empty()) return fail("needs rows");
  for (size_t i = 0; i < table["rows"].size(); ++i) {
    const auto& row = table["rows"][i];
    for (const char* c : spec.string_columns) {
      if (!row.contains(c) || !row[c].is_string()) return fail(absl::StrCat("row ", i, ": \"", c, "\" must be a string"));
    }
    for (const char* c : spec.version_columns) {
      if (!row.contains(c) || !row[c].is_string()) return fail(absl::StrCat("row ", i, ": \"", c, "\" must be a string"));
      const std::string text = row[c].get<std::string>();
      if (!text.empty() && !Version::Parse(text)) return fail(absl::StrCat("row ", i, ": \"", text, "\" is not a version"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRules(const nlohmann::json& data) {
  for (const char* name : {"efa", "runtime_rules"}) {
    if (!data.contains(name) || !data[name].is_object() || !data[name].contains("source")) {
      return absl::InvalidArgumentError(absl::StrCat("matrix table ", name, ": missing or without a source note"));
    }
  }
  if (!Version::Parse(internal::Str(data["efa"], "recommended_version"))) {
    return absl::InvalidArgumentError("matrix table efa: recommended_version must be a version");
  }
  for (const auto& m : data["runtime_rules"].value("unsupported_markers", nlohmann::json::array())) {
    if (!m.contains("marker") || !m.contains("reason")) {
      return absl::InvalidArgumentError("matrix table runtime_rules: markers need marker and reason");
    }
  }
  return absl::OkStatus();
}

void CheckVersion(std::vector<InputError>& errors, const std::string& attribute,
                  const std::optional<std::string>& value) {
  if (value && !Version::Parse(*value)) {
    errors.push_back({attribute, absl::StrCat("\"", *value, "\" is not a version: use numbers separated by dots, ",
                                              "such as 12.4 or 550.54.14.")});
  }
}

}  // namespace

absl::StatusOr<Matrix> Matrix::Parse(std::string_view json) {
  nlohmann::json data = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded() || !data.is_object()) return absl::InvalidArgumentError("matrix: not a JSON object");
  for (const auto& spec : Tables()) {
    absl::Status s = CheckTable(data, spec);
    if (!s.ok()) return s;
  }
  absl::Status s = CheckRules(data);
  if (!s.ok()) return s;
  return Matrix(std::move(data));
}

const Matrix& Matrix::Embedded() {
  static const Matrix* matrix = [] {
    absl::StatusOr<Matrix> m = Parse(kEmbeddedMatrixJson);
    if (!m.ok()) {
      std::fprintf(stderr, "terraform-provider-dcs: embedded compatibility matrix is invalid: %s\n",
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
    errors.push_back({"cloud", absl::StrCat("\"", *in.cloud, "\" is not supported: use \"aws\" or \"azure\".")});
  }
  for (size_t i = 0; i < in.cuda_extensions.size(); ++i) {
    const std::string at = absl::StrCat("cuda_extensions[", i, "]");
    if (in.cuda_extensions[i].name.empty()) errors.push_back({at + ".name", "The extension name must not be empty."});
    CheckVersion(errors, at + ".version", in.cuda_extensions[i].version);
  }
  return errors;
}

absl::StatusOr<std::string> Matrix::MinDriver(std::string_view cuda_version) const {
  auto v = Version::Parse(cuda_version);
  if (!v) return absl::InvalidArgumentError(absl::StrCat("\"", std::string(cuda_version), "\" is not a CUDA version such as 12.4"));
  const nlohmann::json* row = RowForVersion(data_["cuda_min_driver"], "cuda", *v);
  if (!row) {
    return absl::NotFoundError(absl::StrCat("CUDA ", std::string(cuda_version), " is not in the compatibility matrix; known: ",
                                            Known(data_["cuda_min_driver"], "cuda")));
  }
  return (*row)["min_driver"].get<std::string>();
}

absl::StatusOr<bool> Matrix::Compatible(std::string_view cuda_version, std::string_view driver_version) const {
  absl::StatusOr<std::string> min = MinDriver(cuda_version);
  if (!min.ok()) return min.status();
  auto driver = Version::Parse(driver_version);
  if (!driver) return absl::InvalidArgumentError(absl::StrCat("\"", std::string(driver_version), "\" is not a driver version such as 550.54.15"));
  return driver->Compare(*Version::Parse(*min)) >= 0;
}

}  // namespace dcs::compat
