// CUDA toolkit vs host driver, PyTorch vs CUDA, NCCL.
#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat::internal {
namespace {

// The host driver to judge against: the input, else the cloud's node image.
std::optional<std::string> HostDriver(const nlohmann::json& data, const Inputs& in, std::string& note) {
  if (in.host_driver_version) return in.host_driver_version;
  if (!in.cloud) return std::nullopt;
  const nlohmann::json* row = RowWhere(data["host_drivers"], "cloud", *in.cloud);
  if (!row) return std::nullopt;
  note = absl::StrCat(" (assumed: today's ", Str(*row, "node_image"), " node image; set host_driver_version ",
                      "to what nvidia-smi reports)");
  return Str(*row, "driver");
}

// The effective CUDA toolkit: the input, else the base image's.
std::optional<std::string> CudaOf(const nlohmann::json& data, const Inputs& in) {
  if (in.cuda_version) return in.cuda_version;
  if (!in.base_image) return std::nullopt;
  const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image);
  if (!row) return std::nullopt;
  return Str(*row, "cuda");
}

Check BelowMinimum(const nlohmann::json& row, const std::string& cuda, const std::string& min,
                   const std::string& driver, Report& report) {
  Check c{"cuda_driver", Status::kWarn, "", "cuda_version", ""};
  if (Str(row, "below_min") == "cuda_compat") {
    report.cuda_compat_required = true;
    const std::string pkg = Str(row, "compat_package");
    c.details = absl::StrCat("CUDA ", cuda, " needs driver >= ", min, "; host ", driver,
                             ". cuda-compat: needed (", pkg, ", first on LD_LIBRARY_PATH).");
    c.remedy = absl::StrCat("Install ", pkg, " and put it first on LD_LIBRARY_PATH (Databricks base images ",
                            "include it), or pin a CUDA toolkit the driver supports natively.");
    return c;
  }
  c.status = Status::kFail;
  c.details = absl::StrCat("CUDA ", cuda, " needs driver >= ", min, "; host ", driver,
                           ". cuda-compat cannot bridge this gap.");
  c.remedy = absl::StrCat("Pin a lower CUDA toolkit (12.4 runs on the 550 line) or run on hosts with driver >= ",
                          min, " (the 580 line).");
  return c;
}

}  // namespace

Check CudaDriverCheck(const nlohmann::json& data, const Inputs& in, Report& report) {
  Check c{"cuda_driver", Status::kNotApplicable, "Needs cuda_version (or a known base_image).", "cuda_version", ""};
  std::optional<std::string> cuda = CudaOf(data, in);
  if (!cuda) return c;
  const nlohmann::json* row = RowForVersion(data["cuda_min_driver"], "cuda", *Version::Parse(*cuda));
  if (!row) {
    return {"cuda_driver", Status::kWarn,
            absl::StrCat("CUDA ", *cuda, " is not in the matrix (known: ", Known(data["cuda_min_driver"], "cuda"), ")."),
            "cuda_version", "Check NVIDIA's minimum-driver table for this toolkit, then add it to matrix.json."};
  }
  const std::string min = Str(*row, "min_driver");
  report.min_driver_version = min;
  std::string note;
  std::optional<std::string> driver = HostDriver(data, in, note);
  if (!driver) {
    c.details = absl::StrCat("CUDA ", *cuda, " needs driver >= ", min, "; host driver unknown (set host_driver_version or cloud).");
    return c;
  }
  if (Version::Parse(*driver)->Compare(*Version::Parse(min)) < 0) return BelowMinimum(*row, *cuda, min, *driver + note, report);
  c.status = Status::kOk;
  c.details = absl::StrCat("CUDA ", *cuda, " needs >= ", min, "; host ", *driver, note,
                           ". cuda-compat: NOT needed (host already >= minimum) — do not install or ",
                           "LD-prioritise it: a newer kernel driver with the older compat libcuda fails with Error 803.");
  return c;
}

Check TorchCudaCheck(const nlohmann::json& data, const Inputs& in) {
  Check c{"torch_cuda", Status::kNotApplicable, "Needs torch_version and cuda_version.", "torch_version", ""};
  std::optional<std::string> cuda = CudaOf(data, in);
  if (!in.torch_version || !cuda) return c;
  const Version torch = *Version::Parse(*in.torch_version);
  const nlohmann::json* row = RowForVersion(data["torch_cuda"], "torch", torch);
  if (!row) {
    return {"torch_cuda", Status::kWarn,
            absl::StrCat("torch ", *in.torch_version, " is not in the matrix (known: ", Known(data["torch_cuda"], "torch"), ")."),
            "torch_version", "Check which CUDA the torch wheel ships (torch.version.cuda), then add it to matrix.json."};
  }
  const Version have = *Version::Parse(*cuda);
  const Version need = *Version::Parse(Str(*row, "min_cuda"));
  c.details = absl::StrCat("torch ", torch.MajorMinor(), " ships ", Str(*row, "default_wheel"), ", image has CUDA ", *cuda, ".");
  if (have.Compare(need) < 0) {
    c.status = Status::kFail;
    c.remedy = absl::StrCat("Use CUDA >= ", Str(*row, "min_cuda"), " in the image, or a torch release whose wheel targets CUDA ",
                            have.MajorMinor(), ".");
  } else if (have.parts[0] != need.parts[0]) {
    c.status = Status::kWarn;
    c.details += " Minor-version compatibility does not cross CUDA major versions.";
    c.remedy = absl::StrCat("Install a torch build for CUDA ", have.parts[0], ", or keep the image on CUDA ", need.parts[0], ".");
  } else {
    c.status = Status::kOk;
    if (have.Compare(need) > 0) c.details += " Works through CUDA minor-version compatibility.";
  }
  return c;
}

Check NcclCheck(const nlohmann::json& data, const Inputs& in) {
  Check c{"nccl", Status::kNotApplicable, "Needs torch_version or os_nccl_version.", "os_nccl_version", ""};
  if (in.torch_version) {
    const nlohmann::json* row = RowForVersion(data["torch_cuda"], "torch", *Version::Parse(*in.torch_version));
    const std::string bundled = row ? Str(*row, "bundled_nccl") : "";
    c.status = Status::kOk;
    c.details = absl::StrCat("torch-bundled NCCL", bundled.empty() ? "" : " " + bundled,
                             " loads preferentially; OS NCCL", in.os_nccl_version ? " " + *in.os_nccl_version : "",
                             " usually unused.");
    return c;
  }
  if (in.os_nccl_version) {
    c.status = Status::kOk;
    c.details = absl::StrCat("No torch given: jobs link OS NCCL ", *in.os_nccl_version,
                             "; keep it on the CUDA major version of the image.");
  }
  return c;
}

}  // namespace dcs::compat::internal
