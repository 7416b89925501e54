// Matrix::Evaluate: runs every check, aggregates, recommends, summarises.
#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat {
namespace {

using internal::RowForVersion;
using internal::RowWhere;
using internal::Str;

const char* Title(const std::string& name) {
  if (name == "cuda_driver") return "CUDA toolkit vs host driver";
  if (name == "torch_cuda") return "PyTorch vs CUDA";
  if (name == "nccl") return "NCCL";
  if (name == "efa") return "EFA/RDMA";
  if (name == "cxx11_abi") return "CXX11 ABI (CUDA extensions)";
  if (name == "databricks_runtime") return "Databricks runtime / access mode";
  return "Base image";
}

std::optional<std::string> RecommendedBase(const nlohmann::json& data, const Inputs& in) {
  if (in.cloud) return absl::StrCat("databricksruntime/air:dcs-base-", *in.cloud, "-runtime");
  if (in.cuda_version) {
    return absl::StrCat("nvidia/cuda:", Version::Parse(*in.cuda_version)->MajorMinor(), ".0-runtime-ubuntu24.04");
  }
  return std::nullopt;
}

std::optional<std::string> PythonVersion(const nlohmann::json& data, const Inputs& in) {
  if (in.spark_version) {
    if (auto v = Version::Parse(*in.spark_version)) {
      if (const nlohmann::json* row = RowForVersion(data["runtimes"], "dbr", *v)) return Str(*row, "python");
    }
  }
  if (in.base_image) {
    if (const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image)) return Str(*row, "python");
  }
  return std::nullopt;
}

}  // namespace

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kNotApplicable: return "N/A";
    case Status::kOk: return "OK";
    case Status::kWarn: return "WARN";
    case Status::kFail: return "FAIL";
  }
  return "N/A";
}

namespace internal {

std::string SummaryMarkdown(const Report& report) {
  std::string out = "## Compatibility Check\n| Check | Status | Details |\n|---|---|---|\n";
  for (const auto& c : report.checks) {
    std::string details = c.details;
    for (auto& ch : details) {
      if (ch == '|' || ch == '\n') ch = ' ';
    }
    absl::StrAppend(&out, "| ", Title(c.name), " (`", c.name, "`) | ", std::string(StatusName(c.status)), " | ", details, " |\n");
  }
  absl::StrAppend(&out, "\nOverall: **", std::string(StatusName(report.status)),
                  "**. FAIL → stop and fix the Dockerfile. WARN → understand the risk and decide whether it applies.\n");
  return out;
}

}  // namespace internal

Report Matrix::Evaluate(const Inputs& in) const {
  Report r;
  r.checks.push_back(internal::CudaDriverCheck(data_, in, r));
  r.checks.push_back(internal::TorchCudaCheck(data_, in));
  r.checks.push_back(internal::NcclCheck(data_, in));
  r.checks.push_back(internal::EfaCheck(data_, in));
  r.checks.push_back(internal::Cxx11AbiCheck(data_, in));
  r.checks.push_back(internal::RuntimeCheck(data_, in));
  r.checks.push_back(internal::BaseImageCheck(data_, in));
  for (const auto& c : r.checks) r.status = std::max(r.status, c.status);
  r.recommended_base_image = RecommendedBase(data_, in);
  r.python_version = PythonVersion(data_, in);
  r.summary_markdown = internal::SummaryMarkdown(r);
  return r;
}

}  // namespace dcs::compat
