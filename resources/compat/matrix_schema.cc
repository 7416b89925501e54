// The expected shape of matrix.json. Checking every column's type up front is
// what lets the checks read the tables without further guards (and without
// nlohmann throwing at evaluation time).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resources/compat/tables.h"
#include "resources/compat/version.h"

namespace dcs::compat::internal {
namespace {

enum class Kind { kText, kVersion, kOptionalVersion, kBool, kStrings, kVersions };

struct Column {
  const char* name;
  Kind kind;
  std::vector<std::string> allowed = {};  // kText only: the permitted values
};

struct TableSpec {
  const char* name;
  bool has_rows;  // false: a single object of settings
  std::vector<Column> columns;
};

const std::vector<TableSpec>& Specs() {
  static const std::vector<TableSpec> specs = {
      {"cuda_min_driver", true,
       {{"cuda", Kind::kVersion}, {"min_driver", Kind::kVersion},
        {"below_min", Kind::kText, {"cuda_compat", "pin_lower_toolkit"}}, {"compat_package", Kind::kText}}},
      {"host_drivers", true,
       {{"cloud", Kind::kText, {"aws", "azure"}}, {"node_image", Kind::kText}, {"driver", Kind::kVersion},
        {"native_cuda", Kind::kVersions}}},
      {"torch_cuda", true,
       {{"torch", Kind::kVersion}, {"default_wheel", Kind::kText}, {"min_cuda", Kind::kVersion},
        {"bundled_nccl", Kind::kOptionalVersion}, {"cxx11_abi", Kind::kBool}}},
      {"nccl", false, {{"verify", Kind::kText}}},
      {"accelerators", true,
       {{"type", Kind::kText}, {"gpu", Kind::kText}, {"aws_family", Kind::kText}, {"clouds", Kind::kStrings},
        {"efa_hardware", Kind::kBool}, {"forward_compat", Kind::kBool}}},
      {"efa", false,
       {{"recommended_version", Kind::kVersion}, {"image_overhead", Kind::kText},
        {"silence_on_non_efa", Kind::kText}}},
      {"cuda_extensions", true,
       {{"name", Kind::kText}, {"mislabelled_from", Kind::kVersion}, {"recommended", Kind::kVersion}}},
      {"base_images", true,
       {{"image", Kind::kText}, {"cloud", Kind::kText, {"aws", "azure"}},
        {"variant", Kind::kText, {"runtime", "devel"}}, {"cuda", Kind::kVersion}, {"python", Kind::kVersion},
        {"ubuntu", Kind::kVersion}, {"os_nccl", Kind::kVersion}, {"efa", Kind::kOptionalVersion},
        {"cuda_compat", Kind::kBool}}},
      {"scratch_bases", true,
       {{"cuda", Kind::kVersion}, {"runtime_image", Kind::kText}, {"devel_image", Kind::kText}}},
      {"runtimes", true,
       {{"dbr", Kind::kVersion}, {"ubuntu", Kind::kVersion}, {"python", Kind::kVersion},
        {"base_image", Kind::kText}}},
      {"runtime_markers", true, {{"marker", Kind::kText}, {"reason", Kind::kText}}},
      {"access_modes", true, {{"mode", Kind::kText}, {"verdict", Kind::kText, {"fail", "auto", "ok"}}}},
  };
  return specs;
}

bool IsVersion(const nlohmann::json& v) { return v.is_string() && Version::Parse(v.get<std::string>()).has_value(); }

// Why `value` does not fit `col`, or "" when it does.
std::string CellError(const nlohmann::json& value, const Column& col) {
  switch (col.kind) {
    case Kind::kText:
      if (!value.is_string()) return "must be a string";
      if (!col.allowed.empty() &&
          std::find(col.allowed.begin(), col.allowed.end(), value.get<std::string>()) == col.allowed.end()) {
        return absl::StrCat("must be one of ", absl::StrJoin(col.allowed, ", "));
      }
      return "";
    case Kind::kVersion:
      return IsVersion(value) ? "" : "must be a version string such as 12.4 or 550.54.14";
    case Kind::kOptionalVersion:
      return IsVersion(value) || value == "" ? "" : "must be a version string or \"\"";
    case Kind::kBool:
      return value.is_boolean() ? "" : "must be true or false";
    case Kind::kStrings:
    case Kind::kVersions:
      if (!value.is_array() || value.empty()) return "must be a non-empty array of strings";
      for (const auto& item : value) {
        if (!item.is_string()) return "must be a non-empty array of strings";
        if (col.kind == Kind::kVersions && !IsVersion(item)) return "must list versions such as 12 or 13.0";
      }
      return "";
  }
  return "";
}

absl::Status CheckColumns(const nlohmann::json& object, const TableSpec& spec, const std::string& where) {
  if (!object.is_object()) return absl::InvalidArgumentError(absl::StrCat(where, ": must be an object"));
  for (const Column& col : spec.columns) {
    auto it = object.find(col.name);
    if (it == object.end()) return absl::InvalidArgumentError(absl::StrCat(where, ": \"", col.name, "\" is missing"));
    std::string why = CellError(*it, col);
    if (!why.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": \"", col.name, "\" ", why));
  }
  return absl::OkStatus();
}

absl::Status CheckTable(const nlohmann::json& data, const TableSpec& spec) {
  const std::string where = absl::StrCat("matrix table ", spec.name);
  auto it = data.find(spec.name);
  if (it == data.end() || !it->is_object()) return absl::InvalidArgumentError(where + ": missing or not an object");
  auto source = it->find("source");
  if (source == it->end() || !source->is_string() || source->get<std::string>().empty()) {
    return absl::InvalidArgumentError(where + ": needs a \"source\" note saying where its numbers come from");
  }
  if (!spec.has_rows) return CheckColumns(*it, spec, where);
  auto rows = it->find("rows");
  if (rows == it->end() || !rows->is_array() || rows->empty()) {
    return absl::InvalidArgumentError(where + ": needs a non-empty \"rows\" array");
  }
  for (size_t i = 0; i < rows->size(); ++i) {
    absl::Status s = CheckColumns((*rows)[i], spec, absl::StrCat(where, ", row ", i));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckShape(const nlohmann::json& data) {
  if (!data.is_object()) return absl::InvalidArgumentError("matrix: the file must hold one JSON object");
  auto format = data.find("format");
  if (format == data.end() || *format != 1) return absl::InvalidArgumentError("matrix: \"format\" must be 1");
  for (const TableSpec& spec : Specs()) {
    absl::Status s = CheckTable(data, spec);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::vector<std::string> TableNames() {
  std::vector<std::string> names;
  for (const TableSpec& spec : Specs()) names.push_back(spec.name);
  return names;
}

}  // namespace dcs::compat::internal
