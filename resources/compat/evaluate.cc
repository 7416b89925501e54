// Matrix::Evaluate: runs every check, aggregates, recommends, summarises.
#include <exception>

#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat {
namespace {

using internal::RowForVersion;
using internal::RowWhere;
using internal::Str;

struct Title {
  const char* name;
  const char* title;
};

// Row titles of the seed's summary table, plus the checks dcs adds.
constexpr Title kTitles[] = {
    {"cuda_driver", "CUDA toolkit vs host driver"}, {"torch_cuda", "PyTorch vs CUDA"},
    {"nccl", "NCCL"},                               {"efa", "EFA/RDMA"},
    {"cxx11_abi", "CXX11 ABI (CUDA extensions)"},   {"databricks_runtime", "Databricks runtime / access mode"},
    {"base_image", "Base image"},
};

std::string TitleOf(const std::string& name) {
  for (const Title& t : kTitles) {
    if (name == t.name) return t.title;
  }
  return name;
}

const nlohmann::json* RuntimeRow(const nlohmann::json& data, const Inputs& in) {
  if (!in.spark_version) return nullptr;
  auto v = Version::Parse(internal::DbrVersion(*in.spark_version));
  return v ? RowForVersion(data["runtimes"], "dbr", *v) : nullptr;
}

// An extension without a declared ABI is taken to be built from source in the
// image, which needs nvcc; declared ones come as pre-built wheels.
bool NeedsNvcc(const Inputs& in) {
  for (const CudaExtension& e : in.cuda_extensions) {
    if (!e.cxx11_abi) return true;
  }
  return false;
}

// AI Runtime (cloud known): the Databricks base image, which works on either
// driver line; a DBR cluster: the LTS standard image; else the seed's scratch base.
std::optional<std::string> RecommendedBase(const nlohmann::json& data, const internal::Resolved& r) {
  const std::string variant = NeedsNvcc(r.in) ? "devel" : "runtime";
  if (r.in.cloud) {
    for (const auto& row : data["base_images"]["rows"]) {
      if (Str(row, "cloud") == *r.in.cloud && Str(row, "variant") == variant) return Str(row, "image");
    }
  }
  if (const nlohmann::json* row = RuntimeRow(data, r.in)) return Str(*row, "base_image");
  if (!r.cuda.empty()) {
    if (const nlohmann::json* row = RowForVersion(data["scratch_bases"], "cuda", *Version::Parse(r.cuda))) {
      return Str(*row, variant == "devel" ? "devel_image" : "runtime_image");
    }
  }
  return std::nullopt;
}

std::optional<std::string> PythonVersion(const nlohmann::json& data, const Inputs& in) {
  if (const nlohmann::json* row = RuntimeRow(data, in)) return Str(*row, "python");
  if (in.base_image) {
    if (const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image)) return Str(*row, "python");
  }
  return std::nullopt;
}

std::string Cell(std::string text) {
  for (char& ch : text) {
    if (ch == '|' || ch == '\n') ch = ' ';
  }
  return text;
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

std::string SummaryMarkdown(const Inputs& in, const Report& report) {
  std::string out = "## Compatibility Check\n\n| Check | Status | Details |\n|---|---|---|\n";
  for (const auto& c : report.checks) {
    absl::StrAppend(&out, "| ", TitleOf(c.name), " (`", c.name, "`) | ", std::string(StatusName(c.status)), " | ", Cell(c.details),
                    c.remedy.empty() ? "" : " Fix: " + Cell(c.remedy), " |\n");
  }
  std::string given;
  auto add = [&](const char* name, const std::optional<std::string>& v) {
    if (v) absl::StrAppend(&given, given.empty() ? "" : ", ", name, " `", Cell(*v), "`");
  };
  add("cloud", in.cloud), add("host driver", in.host_driver_version), add("CUDA", in.cuda_version);
  add("torch", in.torch_version), add("base image", in.base_image), add("accelerator", in.accelerator_type);
  add("OS NCCL", in.os_nccl_version), add("EFA", in.efa_version), add("spark_version", in.spark_version);
  add("access mode", in.data_security_mode);
  for (const auto& e : in.cuda_extensions) absl::StrAppend(&given, given.empty() ? "" : ", ", "`", Cell(e.name + "==" + e.version), "`");
  absl::StrAppend(&out, "\nInputs: ", given.empty() ? "none" : given, ".\n\nOverall: **", std::string(StatusName(report.status)),
                  "**. FAIL: stop and fix the image first. WARN: weigh the risk for this workload.\n");
  return out;
}

}  // namespace internal

Report Matrix::Evaluate(const Inputs& in) const {
  Report report;
  // Checks dereference parsed versions; refuse instead of trusting REQUIRES.
  for (const InputError& e : Validate(in)) {
    report.checks.push_back({"inputs", Status::kFail, e.message, e.attribute, "Fix the input first."});
  }
  if (!report.checks.empty()) {
    report.status = Status::kFail;
    report.summary_markdown = internal::SummaryMarkdown(in, report);
    return report;
  }
  try {
    const internal::Resolved r = internal::Resolve(data_, in);
    report.checks.push_back(internal::CudaDriverCheck(data_, r, report));
    report.checks.push_back(internal::TorchCudaCheck(data_, r));
    report.checks.push_back(internal::NcclCheck(data_, r));
    report.checks.push_back(internal::EfaCheck(data_, in));
    report.checks.push_back(internal::Cxx11AbiCheck(data_, in));
    report.checks.push_back(internal::RuntimeCheck(data_, in));
    report.checks.push_back(internal::BaseImageCheck(data_, r));
    report.recommended_base_image = RecommendedBase(data_, r);
    report.python_version = PythonVersion(data_, in);
  } catch (const std::exception& e) {
    // Unreachable when Parse() and Validate() did their job; a report beats a crash.
    report.checks.push_back({"matrix", Status::kFail, absl::StrCat("internal error evaluating the matrix: ", e.what()), "",
                             "Report this as a dcs bug with the inputs used."});
  }
  for (const auto& c : report.checks) report.status = std::max(report.status, c.status);
  report.summary_markdown = internal::SummaryMarkdown(in, report);
  return report;
}

}  // namespace dcs::compat
