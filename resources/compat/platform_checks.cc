// EFA/RDMA, CXX11 ABI of CUDA extensions, Databricks runtime and access mode,
// base image (seed 001 §5–§6 and Option 1/2; databricks-api.md §8).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat::internal {
namespace {

const char* AbiName(bool abi) { return abi ? "TRUE" : "FALSE"; }

// The EFA version in the image: the input, else what a known base image ships.
std::string EfaOf(const nlohmann::json& data, const Inputs& in) {
  if (in.efa_version) return *in.efa_version;
  if (!in.base_image) return "";
  const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image);
  return row ? Str(*row, "efa") : "";
}

std::optional<bool> TorchAbi(const nlohmann::json& data, const Inputs& in) {
  if (!in.torch_version) return std::nullopt;
  const nlohmann::json* t = RowForVersion(data["torch_cuda"], "torch", *Version::Parse(*in.torch_version));
  if (!t) return std::nullopt;
  return (*t)["cxx11_abi"].get<bool>();
}

// flash-attn >= 2.8.0: every release wheel (and every Ubuntu 24.04 source
// build) is new-ABI whatever its label says.
Check MislabelledExtension(const nlohmann::json& rule, const CudaExtension& e, std::optional<bool> torch_abi,
                           const std::string& at) {
  const std::string pin = absl::StrCat("Pin ", e.name, "==", Str(rule, "recommended"),
                                       ", the last release whose ABI labels match its build, using the wheel for torch's ABI.");
  const std::string head = absl::StrCat(e.name, " ", e.version, ": wheels from ", Str(rule, "mislabelled_from"),
                                        " on are built with CXX11 ABI=TRUE even when labelled cxx11abiFALSE");
  if (torch_abi == false) {
    return {"cxx11_abi", Status::kFail,
            head + "; torch uses ABI=FALSE, so import fails with 'undefined symbol: _ZN3c105Error…'.", at + ".version", pin};
  }
  return {"cxx11_abi", Status::kWarn, head + (torch_abi ? "; it happens to match torch's ABI=TRUE." : "."),
          at + ".version", pin};
}

Check ExtensionCheck(const nlohmann::json& data, const Inputs& in, size_t i) {
  const CudaExtension& e = in.cuda_extensions[i];
  const std::string at = absl::StrCat("cuda_extensions[", i, "]");
  const std::optional<bool> torch_abi = TorchAbi(data, in);
  const nlohmann::json* rule = RowWhere(data["cuda_extensions"], "name", e.name, /*fold_case=*/true);
  if (rule && Version::Parse(e.version)->Compare(Ver(*rule, "mislabelled_from")) >= 0) {
    return MislabelledExtension(*rule, e, torch_abi, at);
  }
  if (!e.cxx11_abi || !torch_abi) {
    return {"cxx11_abi", Status::kWarn,
            absl::StrCat(e.name, " ", e.version, ": ABI not comparable (", e.cxx11_abi ? "" : "set cxx11_abi; ",
                         torch_abi ? "" : "torch_version missing or not in the matrix", ")."),
            e.cxx11_abi ? std::string("torch_version") : at + ".cxx11_abi",
            "After the build compare torch._C._GLIBCXX_USE_CXX11_ABI with the extension's build flag."};
  }
  if (*e.cxx11_abi != *torch_abi) {
    return {"cxx11_abi", Status::kFail,
            absl::StrCat(e.name, " ", e.version, " uses ABI=", AbiName(*e.cxx11_abi), ", torch ", *in.torch_version,
                         " uses ABI=", AbiName(*torch_abi), ": import fails with 'undefined symbol: _ZN3c105Error…'."),
            at + ".cxx11_abi", absl::StrCat("Install the ", e.name, " build labelled cxx11abi", AbiName(*torch_abi), ".")};
  }
  return {"cxx11_abi", Status::kOk, absl::StrCat(e.name, " ", e.version, " ABI=", AbiName(*torch_abi), " matches torch."),
          at + ".cxx11_abi", ""};
}

Check EfaHardwareCheck(const nlohmann::json& data, const Inputs& in) {
  const std::string efa = EfaOf(data, in);
  const std::string recommended = Str(data["efa"], "recommended_version");
  // Without `cloud`, a Databricks base image still tells which cloud it is for.
  const nlohmann::json* image = in.base_image ? RowWhere(data["base_images"], "image", *in.base_image) : nullptr;
  const std::string cloud = in.cloud ? *in.cloud : image ? Str(*image, "cloud") : "";
  if (cloud == "azure") {
    return {"efa", Status::kNotApplicable, "Azure uses InfiniBand RDMA (rdma-core from Ubuntu apt), not EFA.", "cloud", ""};
  }
  if (efa.empty()) {
    return {"efa", Status::kWarn,
            absl::StrCat(*in.accelerator_type, " has EFA hardware but the image has no EFA: multi-node NCCL falls back to sockets."),
            "efa_version",
            absl::StrCat("Install EFA ", recommended, " (libfabric, aws-ofi-nccl) or start from a Databricks AWS base image.")};
  }
  if (Version::Parse(efa)->Compare(*Version::Parse(recommended)) != 0) {
    return {"efa", Status::kWarn, absl::StrCat("EFA ", efa, " vs node image ", recommended, "."), "efa_version",
            absl::StrCat("Target EFA ", recommended, ", the version the node image and the base images ship.")};
  }
  return {"efa", Status::kOk, absl::StrCat("EFA ", efa, " matches the node image (", recommended, ")."), "efa_version", ""};
}

}  // namespace

Check Worst(const std::string& name, const std::vector<Check>& parts) {
  Check worst{name, Status::kNotApplicable, "", "", ""};
  std::string details;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Check& c = parts[i];
    if (!c.details.empty()) absl::StrAppend(&details, details.empty() ? "" : " ", c.details);
    if (i == 0 || c.status > worst.status) worst = c;
  }
  // Parts as bad as the worst each bring their own fix.
  std::string remedy;
  for (const Check& c : parts) {
    if (c.status == worst.status && !c.remedy.empty() && remedy.find(c.remedy) == std::string::npos) {
      absl::StrAppend(&remedy, remedy.empty() ? "" : " ", c.remedy);
    }
  }
  worst.name = name;
  worst.details = details;
  worst.remedy = remedy;
  return worst;
}

Check EfaCheck(const nlohmann::json& data, const Inputs& in) {
  if (!in.accelerator_type) return {"efa", Status::kNotApplicable, "Needs accelerator_type.", "accelerator_type", ""};
  const nlohmann::json* acc = RowWhere(data["accelerators"], "type", *in.accelerator_type);
  if (!acc) {
    // A warning, not an input error: new accelerator types appear before the table learns them.
    return {"efa", Status::kWarn,
            absl::StrCat(*in.accelerator_type, " is not in the matrix (known: ", Known(data["accelerators"], "type"), ")."),
            "accelerator_type", "Check whether the instance family has EFA hardware, then add it to matrix.json."};
  }
  const auto& clouds = (*acc)["clouds"];
  if (in.cloud && std::find(clouds.begin(), clouds.end(), *in.cloud) == clouds.end()) {
    return {"efa", Status::kWarn, absl::StrCat(*in.accelerator_type, " is not offered on ", *in.cloud, " per the matrix."),
            "accelerator_type", "Pick an accelerator type of this cloud."};
  }
  if ((*acc)["efa_hardware"].get<bool>()) return EfaHardwareCheck(data, in);
  if (in.efa_version) {
    return {"efa", Status::kWarn,
            absl::StrCat("EFA ", *in.efa_version, " installed, but ", *in.accelerator_type, " (", Str(*acc, "gpu"),
                         ") hosts have no EFA: the image grows by ", Str(data["efa"], "image_overhead"),
                         " and NCCL logs OFI warnings before falling back to sockets."),
            "efa_version", "Skip EFA for this accelerator."};
  }
  std::string details = absl::StrCat("N/A on ", Str(*acc, "gpu"), " (", Str(*acc, "aws_family"), ") — non-EFA hardware.");
  if (!EfaOf(data, in).empty()) {
    absl::StrAppend(&details, " The base image still ships EFA: NCCL prints non-fatal NET/OFI warnings (silence with ",
                    Str(data["efa"], "silence_on_non_efa"), ").");
  }
  return {"efa", Status::kNotApplicable, details, "accelerator_type", ""};
}

Check Cxx11AbiCheck(const nlohmann::json& data, const Inputs& in) {
  if (in.cuda_extensions.empty()) {
    return {"cxx11_abi", Status::kNotApplicable, "No CUDA extensions listed.", "cuda_extensions", ""};
  }
  std::vector<Check> parts;
  for (size_t i = 0; i < in.cuda_extensions.size(); ++i) parts.push_back(ExtensionCheck(data, in, i));
  return Worst("cxx11_abi", parts);
}

}  // namespace dcs::compat::internal
