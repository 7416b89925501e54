// Databricks runtime and access mode, base image, and the resolution of
// inputs the matrix can fill in (databricks-api.md §8; seed 001 Option 1/2).
#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat::internal {
namespace {

constexpr char kNvidiaCuda[] = "nvidia/cuda:";

// "12.9" from "nvidia/cuda:12.9.0-runtime-ubuntu24.04", "" otherwise.
std::string NvidiaTagCuda(const std::string& image) {
  if (!absl::StartsWith(image, kNvidiaCuda)) return "";
  std::string tag = image.substr(sizeof(kNvidiaCuda) - 1);
  tag = tag.substr(0, tag.find('-'));
  auto v = Version::Parse(tag);
  return v && v->suffix.empty() ? tag : "";
}

Check MarkerCheck(const nlohmann::json& data, const std::string& spark_version) {
  const nlohmann::json* dbr = RowForVersion(data["runtimes"], "dbr", Version::Parse(DbrVersion(spark_version)).value_or(Version{}));
  const std::string known = dbr ? absl::StrCat(" (DBR ", Str(*dbr, "dbr"), " LTS: Ubuntu ", Str(*dbr, "ubuntu"), ", Python ",
                                               Str(*dbr, "python"), ")")
                                : "";
  for (const auto& m : data["runtime_markers"]["rows"]) {
    if (absl::StrContains(spark_version, Str(m, "marker"))) {
      return {"databricks_runtime", Status::kFail, absl::StrCat(spark_version, ": ", Str(m, "reason"), "."), "spark_version",
              "Use a standard runtime key such as 15.4.x-scala2.12 and install the ML libraries in the image."};
    }
  }
  return {"databricks_runtime", Status::kOk, absl::StrCat(spark_version, known, " can run a custom container."), "spark_version", ""};
}

Check AccessModeCheck(const nlohmann::json& data, const Inputs& in) {
  const std::string& mode = *in.data_security_mode;
  const nlohmann::json* row = RowWhere(data["access_modes"], "mode", mode, /*fold_case=*/true);
  const std::string fix = "Set data_security_mode = \"SINGLE_USER\" (DATA_SECURITY_MODE_DEDICATED) or \"NONE\".";
  if (!row) {
    return {"databricks_runtime", Status::kWarn,
            absl::StrCat("Access mode ", mode, " is not in the matrix (known: ", Known(data["access_modes"], "mode"), ")."),
            "data_security_mode", fix};
  }
  const std::string verdict = Str(*row, "verdict");
  if (verdict == "fail") {
    return {"databricks_runtime", Status::kFail,
            absl::StrCat("Access mode ", mode, " is shared/standard, which does not support custom containers."),
            "data_security_mode", fix};
  }
  const bool gpu = in.accelerator_type || (in.spark_version && absl::StrContains(*in.spark_version, "-gpu-"));
  if (verdict == "auto" && !gpu) {
    return {"databricks_runtime", Status::kWarn,
            absl::StrCat(mode, " resolves to Standard (no custom containers) unless the node type has a GPU."),
            "data_security_mode", fix};
  }
  return {"databricks_runtime", Status::kOk,
          absl::StrCat("Access mode ", mode, verdict == "auto" ? " resolves to Dedicated on GPU nodes" : "",
                       " supports custom containers."),
          "data_security_mode", ""};
}

// A DCS image's Python must match the DBR line it runs with.
Check PythonPairingCheck(const nlohmann::json& data, const Inputs& in) {
  const nlohmann::json* dbr = RowForVersion(data["runtimes"], "dbr", Version::Parse(DbrVersion(*in.spark_version)).value_or(Version{}));
  const nlohmann::json* image = RowWhere(data["base_images"], "image", *in.base_image);
  if (!dbr || !image || Str(*dbr, "python") == Str(*image, "python")) {
    return {"databricks_runtime", Status::kOk, "", "base_image", ""};
  }
  return {"databricks_runtime", Status::kWarn,
          absl::StrCat("DBR ", Str(*dbr, "dbr"), " runs Python ", Str(*dbr, "python"), " but ", *in.base_image,
                       " has Python ", Str(*image, "python"), "."),
          "base_image", absl::StrCat("Pair the image with a DBR line on Python ", Str(*image, "python"),
                                     " or start from ", Str(*dbr, "base_image"), ".")};
}

}  // namespace

std::string DbrVersion(const std::string& spark_version) {
  size_t i = 0;
  while (i < spark_version.size() && std::isdigit(static_cast<unsigned char>(spark_version[i]))) ++i;
  if (i == 0) return "";
  if (i + 1 < spark_version.size() && spark_version[i] == '.' && std::isdigit(static_cast<unsigned char>(spark_version[i + 1]))) {
    ++i;
    while (i < spark_version.size() && std::isdigit(static_cast<unsigned char>(spark_version[i]))) ++i;
  }
  return spark_version.substr(0, i);
}

Resolved Resolve(const nlohmann::json& data, const Inputs& in) {
  Resolved r{in, in.cuda_version.value_or(""), "cuda_version", in.host_driver_version.value_or(""), "", false};
  const nlohmann::json* image = in.base_image ? RowWhere(data["base_images"], "image", *in.base_image) : nullptr;
  r.image_has_compat = image && (*image)["cuda_compat"].get<bool>();
  if (r.cuda.empty() && in.base_image) {
    r.cuda = image ? Str(*image, "cuda") : NvidiaTagCuda(*in.base_image);
    r.cuda_attribute = "base_image";
  }
  if (r.driver.empty() && in.cloud) {
    if (const nlohmann::json* row = RowWhere(data["host_drivers"], "cloud", *in.cloud)) {
      r.driver = Str(*row, "driver");
      r.driver_note = absl::StrCat(" (assumed: today's ", Str(*row, "node_image"),
                                   " node image; set host_driver_version to what nvidia-smi reports)");
    }
  }
  return r;
}

Check RuntimeCheck(const nlohmann::json& data, const Inputs& in) {
  std::vector<Check> parts;
  if (in.spark_version) parts.push_back(MarkerCheck(data, *in.spark_version));
  if (in.data_security_mode) parts.push_back(AccessModeCheck(data, in));
  if (in.spark_version && in.base_image) parts.push_back(PythonPairingCheck(data, in));
  if (parts.empty()) {
    return {"databricks_runtime", Status::kNotApplicable, "Needs spark_version or data_security_mode.", "spark_version", ""};
  }
  return Worst("databricks_runtime", parts);
}

Check BaseImageCheck(const nlohmann::json& data, const Resolved& r) {
  const Inputs& in = r.in;
  if (!in.base_image) return {"base_image", Status::kNotApplicable, "Needs base_image.", "base_image", ""};
  const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image);
  const std::string image_cuda = row ? Str(*row, "cuda") : NvidiaTagCuda(*in.base_image);
  if (in.cuda_version && !image_cuda.empty() &&
      Version::Parse(image_cuda)->MajorMinor() != Version::Parse(*in.cuda_version)->MajorMinor()) {
    return {"base_image", Status::kWarn, absl::StrCat(*in.base_image, " ships CUDA ", image_cuda, ", not ", *in.cuda_version, "."),
            "cuda_version", absl::StrCat("Set cuda_version = \"", image_cuda, "\" or pick a base image with CUDA ", *in.cuda_version, ".")};
  }
  if (!row) {
    return {"base_image", Status::kNotApplicable,
            absl::StrCat(*in.base_image, " is not a Databricks base image: CUDA runtime, NCCL and the cloud's RDMA layer are yours to install."),
            "base_image", ""};
  }
  if (in.cloud && *in.cloud != Str(*row, "cloud")) {
    return {"base_image", Status::kWarn, absl::StrCat(*in.base_image, " is built for ", Str(*row, "cloud"), ", not ", *in.cloud, "."),
            "base_image", absl::StrCat("Use the dcs-base-", *in.cloud, "-", Str(*row, "variant"), " tag.")};
  }
  return {"base_image", Status::kOk,
          absl::StrCat(*in.base_image, ": Ubuntu ", Str(*row, "ubuntu"), ", CUDA ", Str(*row, "cuda"), ", Python ",
                       Str(*row, "python"), ", OS NCCL ",
                       Str(*row, "os_nccl"), Str(*row, "efa").empty() ? "" : ", EFA " + Str(*row, "efa"),
                       ", cuda-compat included."),
          "base_image", ""};
}

}  // namespace dcs::compat::internal
