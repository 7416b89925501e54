// CUDA toolkit vs host driver, PyTorch vs CUDA, NCCL (seed 001 §2–§4).
#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat::internal {
namespace {

// "+cu128" → 12.8: the CUDA a non-default torch wheel was built for.
std::optional<Version> WheelCuda(const Version& torch) {
  const std::string& s = torch.suffix;
  if (s.size() < 5 || s.compare(0, 3, "+cu") != 0) return std::nullopt;
  const std::string digits = s.substr(3);
  return Version::Parse(absl::StrCat(digits.substr(0, digits.size() - 1), ".", digits.substr(digits.size() - 1)));
}

// The newest toolkit in the matrix whose minimum driver `driver` meets.
std::string NewestNative(const nlohmann::json& data, const Version& driver) {
  std::string best;
  for (const auto& row : data["cuda_min_driver"]["rows"]) {
    if (driver.Compare(Ver(row, "min_driver")) >= 0 &&
        (best.empty() || Ver(row, "cuda").Compare(*Version::Parse(best)) > 0)) {
      best = Str(row, "cuda");
    }
  }
  return best;
}

std::string PinAdvice(const nlohmann::json& data, const Version& driver) {
  const std::string newest = NewestNative(data, driver);
  return newest.empty() ? std::string("no toolkit in the matrix runs natively on this driver")
                        : absl::StrCat("pin CUDA <= ", newest, ", the newest toolkit this driver runs natively");
}

bool ForwardCompatCapable(const nlohmann::json& data, const Inputs& in) {
  if (!in.accelerator_type) return true;  // unknown: the seed's pools are all data-center GPUs
  const nlohmann::json* acc = RowWhere(data["accelerators"], "type", *in.accelerator_type);
  return !acc || (*acc)["forward_compat"].get<bool>();
}

Check BelowMinimum(const nlohmann::json& data, const nlohmann::json& row, const Resolved& g, Report& report) {
  const std::string min = Str(row, "min_driver");
  const std::string head = absl::StrCat("CUDA ", g.cuda, " needs >= ", min, "; host ", g.driver, g.driver_note, ". ");
  Check c{"cuda_driver", Status::kFail, "", g.cuda_attribute, ""};
  if (Str(row, "below_min") != "cuda_compat") {
    c.details = head + "No cuda-compat path is supported for this toolkit.";
    c.remedy = absl::StrCat("Upgrade the hosts to driver >= ", min, " (the ", Ver(row, "min_driver").parts[0],
                            " driver line), or ", PinAdvice(data, *Version::Parse(g.driver)), ".");
    return c;
  }
  if (!ForwardCompatCapable(data, g.in)) {
    c.details = head + "cuda-compat needs a data-center GPU with forward compatibility, which this accelerator lacks.";
    c.remedy = absl::StrCat("Upgrade the driver to >= ", min, " or ", PinAdvice(data, *Version::Parse(g.driver)), ".");
    return c;
  }
  report.cuda_compat_required = true;
  c.status = Status::kWarn;
  c.details = absl::StrCat(head, "cuda-compat: needed (", Str(row, "compat_package"), ", first on LD_LIBRARY_PATH",
                           g.image_has_compat ? "; the Databricks base image already includes it" : "", ").");
  c.remedy = absl::StrCat("apt-get install ", Str(row, "compat_package"), " and put it first on LD_LIBRARY_PATH, or ",
                          PinAdvice(data, *Version::Parse(g.driver)), ".");
  return c;
}

// A toolkit missing from cuda_min_driver: the seed still vouches for every
// CUDA 12.x (and 13.0) on the 580 driver line.
Check UnlistedToolkit(const nlohmann::json& data, const Resolved& g) {
  const std::string known = Known(data["cuda_min_driver"], "cuda");
  if (!g.driver.empty()) {
    const Version driver = *Version::Parse(g.driver);
    for (const auto& line : data["host_drivers"]["rows"]) {
      if (Ver(line, "driver").parts[0] != driver.parts[0]) continue;
      for (const auto& prefix : line["native_cuda"]) {
        if (Version::Parse(g.cuda)->StartsWith(*Version::Parse(prefix.get<std::string>()))) {
          return {"cuda_driver", Status::kOk,
                  absl::StrCat("CUDA ", g.cuda, " is not in the minimum-driver table (", known, "), but the ",
                               driver.parts[0], ".x driver line (host ", g.driver, g.driver_note,
                               ") runs it natively. cuda-compat: NOT needed."),
                  g.cuda_attribute, ""};
        }
      }
    }
  }
  return {"cuda_driver", Status::kWarn,
          absl::StrCat("CUDA ", g.cuda, " is not in the matrix (known: ", known, "); its minimum driver is unknown."),
          g.cuda_attribute, "Look up NVIDIA's minimum Linux driver for this toolkit and add a row to matrix.json."};
}

}  // namespace

Check CudaDriverCheck(const nlohmann::json& data, const Resolved& g, Report& report) {
  if (g.cuda.empty()) return {"cuda_driver", Status::kNotApplicable, "Needs cuda_version (or a known base_image).", "cuda_version", ""};
  const nlohmann::json* row = RowForVersion(data["cuda_min_driver"], "cuda", *Version::Parse(g.cuda));
  if (!row) return UnlistedToolkit(data, g);
  const std::string min = Str(*row, "min_driver");
  report.min_driver_version = min;
  if (g.driver.empty()) {
    return {"cuda_driver", Status::kNotApplicable,
            absl::StrCat("CUDA ", g.cuda, " needs >= ", min, "; host driver unknown (set host_driver_version or cloud)."),
            "host_driver_version", ""};
  }
  if (Version::Parse(g.driver)->Compare(*Version::Parse(min)) < 0) return BelowMinimum(data, *row, g, report);
  return {"cuda_driver", Status::kOk,
          absl::StrCat("CUDA ", g.cuda, " needs >= ", min, "; host ", g.driver, g.driver_note,
                       ". cuda-compat: NOT needed (host already >= minimum); do not install or LD-prioritise it, ",
                       "its older libcuda under a newer kernel driver fails with Error 803."),
          g.cuda_attribute, ""};
}

Check TorchCudaCheck(const nlohmann::json& data, const Resolved& g) {
  if (!g.in.torch_version || g.cuda.empty()) {
    return {"torch_cuda", Status::kNotApplicable, "Needs torch_version and cuda_version.", "torch_version", ""};
  }
  const Version torch = *Version::Parse(*g.in.torch_version);
  const nlohmann::json* row = RowForVersion(data["torch_cuda"], "torch", torch);
  if (!row) {
    return {"torch_cuda", Status::kWarn,
            absl::StrCat("torch ", *g.in.torch_version, " is not in the matrix (known: ", Known(data["torch_cuda"], "torch"), ")."),
            "torch_version", "Check which CUDA the wheel ships (torch.version.cuda), then add a row to matrix.json."};
  }
  const std::optional<Version> wheel = WheelCuda(torch);
  const Version need = wheel ? *wheel : Ver(*row, "min_cuda");
  const Version have = *Version::Parse(g.cuda);
  Check c{"torch_cuda", Status::kOk, "", "torch_version", ""};
  c.details = absl::StrCat("torch ", torch.MajorMinor(), " ships ", wheel ? torch.suffix.substr(1) : Str(*row, "default_wheel"),
                           ", image has CUDA ", g.cuda, ".");
  if (have.Compare(need) < 0) {
    c.status = Status::kFail;
    c.remedy = absl::StrCat("Use CUDA >= ", need.MajorMinor(), " in the image, or a torch release whose wheel targets CUDA <= ",
                            have.MajorMinor(), " (see the torch_cuda table).");
  } else if (have.parts[0] != need.parts[0]) {
    c.status = Status::kWarn;
    c.details += " Minor-version compatibility does not cross CUDA major versions.";
    c.remedy = absl::StrCat("Install a torch build for CUDA ", have.parts[0], ", or keep the image on CUDA ", need.parts[0], ".");
  } else if (have.Compare(need) > 0) {
    c.details += " Works through CUDA minor-version compatibility.";
  }
  return c;
}

Check NcclCheck(const nlohmann::json& data, const Resolved& g) {
  const Inputs& in = g.in;
  const std::string os = in.os_nccl_version ? absl::StrCat(" ", *in.os_nccl_version) : "";
  if (in.torch_version) {
    const nlohmann::json* row = RowForVersion(data["torch_cuda"], "torch", *Version::Parse(*in.torch_version));
    const std::string bundled = row ? Str(*row, "bundled_nccl") : "";
    return {"nccl", Status::kOk,
            absl::StrCat("torch-bundled NCCL", bundled.empty() ? "" : " " + bundled, " loads preferentially; OS NCCL", os,
                         " usually unused. Verify: ", Str(data["nccl"], "verify")),
            "os_nccl_version", ""};
  }
  if (in.os_nccl_version) {
    return {"nccl", Status::kOk,
            absl::StrCat("No torch_version: without a torch-bundled copy jobs link OS NCCL", os,
                         "; keep it on the CUDA major version of the image."),
            "os_nccl_version", ""};
  }
  return {"nccl", Status::kNotApplicable, "Needs torch_version or os_nccl_version.", "os_nccl_version", ""};
}

}  // namespace dcs::compat::internal
