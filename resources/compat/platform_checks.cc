// EFA/RDMA, CXX11 ABI of CUDA extensions, Databricks runtime, base image.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "resources/compat/checks.h"
#include "resources/compat/tables.h"

namespace dcs::compat::internal {
namespace {

// The EFA version in the image: the input, else what a known base image ships.
std::string EfaOf(const nlohmann::json& data, const Inputs& in) {
  if (in.efa_version) return *in.efa_version;
  if (!in.base_image) return "";
  const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image);
  return row ? Str(*row, "efa") : "";
}

Check ExtensionCheck(const nlohmann::json& data, const Inputs& in, size_t i) {
  const CudaExtension& e = in.cuda_extensions[i];
  const std::string at = absl::StrCat("cuda_extensions[", i, "]");
  const Version version = *Version::Parse(e.version);
  const nlohmann::json* rule = RowWhere(data["cuda_extensions"], "name", e.name);
  std::optional<bool> torch_abi;
  if (in.torch_version) {
    const nlohmann::json* t = RowForVersion(data["torch_cuda"], "torch", *Version::Parse(*in.torch_version));
    if (t && t->contains("cxx11_abi")) torch_abi = (*t)["cxx11_abi"].get<bool>();
  }
  std::optional<bool> real_abi = e.cxx11_abi;
  bool mislabelled = rule && version.Compare(*Version::Parse(Str(*rule, "mislabelled_from"))) >= 0;
  if (mislabelled && e.cxx11_abi == false) real_abi = true;  // FALSE-labelled wheels are built with ABI=True
  if (real_abi && torch_abi && *real_abi != *torch_abi) {
    return {"cxx11_abi", Status::kFail,
            absl::StrCat(e.name, " ", e.version, " is built with CXX11 ABI=", *real_abi ? "TRUE" : "FALSE",
                         mislabelled ? " (its wheel label says otherwise)" : "", "; torch ", *in.torch_version,
                         " uses ABI=", *torch_abi ? "TRUE" : "FALSE",
                         ". Import fails with 'undefined symbol: _ZN3c105Error…'."),
            at + ".version",
            rule ? absl::StrCat("Pin ", e.name, "==", Str(*rule, "recommended"), " with the wheel matching torch's ABI.")
                 : "Install the extension build whose ABI matches torch._C._GLIBCXX_USE_CXX11_ABI."};
  }
  if (mislabelled) {
    return {"cxx11_abi", Status::kWarn,
            absl::StrCat(e.name, " ", e.version, ": release wheels from ", Str(*rule, "mislabelled_from"),
                         " on carry wrong cxx11abi labels."),
            at + ".version", absl::StrCat("Pin ", e.name, "==", Str(*rule, "recommended"), ", the last release whose ABI labels match.")};
  }
  if (!real_abi || !torch_abi) {
    return {"cxx11_abi", Status::kWarn,
            absl::StrCat(e.name, " ", e.version, ": ABI not comparable (set cxx11_abi and torch_version)."), at + ".cxx11_abi",
            "Compare torch._C._GLIBCXX_USE_CXX11_ABI with the extension's build after the image is built."};
  }
  return {"cxx11_abi", Status::kOk, absl::StrCat(e.name, " ", e.version, " ABI matches torch."), at, ""};
}

}  // namespace

Check EfaCheck(const nlohmann::json& data, const Inputs& in) {
  Check c{"efa", Status::kNotApplicable, "Needs accelerator_type.", "accelerator_type", ""};
  if (!in.accelerator_type) return c;
  const nlohmann::json* acc = RowWhere(data["accelerators"], "type", *in.accelerator_type);
  if (!acc) {
    return {"efa", Status::kWarn,
            absl::StrCat(*in.accelerator_type, " is not in the matrix (known: ", Known(data["accelerators"], "type"), ")."),
            "accelerator_type", "Check whether the instance family has EFA hardware, then add it to matrix.json."};
  }
  const std::string efa = EfaOf(data, in);
  const std::string recommended = Str(data["efa"], "recommended_version");
  if (!(*acc)["efa_hardware"].get<bool>()) {
    if (!in.efa_version) {
      c.details = absl::StrCat("N/A on ", Str(*acc, "gpu"), " — non-EFA hardware.");
      return c;
    }
    return {"efa", Status::kWarn,
            absl::StrCat("EFA ", efa, " installed, but ", *in.accelerator_type, " hosts have no EFA: the image grows by ",
                         Str(data["efa"], "image_overhead"), " and NCCL logs OFI warnings before falling back to sockets."),
            "efa_version", "Skip EFA for this accelerator (or set NCCL_NET_PLUGIN=none to silence the probe)."};
  }
  if (in.cloud && *in.cloud == "azure") {
    return {"efa", Status::kNotApplicable, "Azure uses InfiniBand RDMA (rdma-core from Ubuntu apt), not EFA.", "cloud", ""};
  }
  if (efa.empty()) {
    return {"efa", Status::kWarn,
            absl::StrCat(*in.accelerator_type, " has EFA hardware but the image has no EFA: multi-node NCCL falls back to sockets."),
            "efa_version", absl::StrCat("Install EFA ", recommended, " (aws-ofi-nccl, libfabric) or start from a Databricks AWS base image.")};
  }
  if (Version::Parse(efa)->Compare(*Version::Parse(recommended)) != 0) {
    return {"efa", Status::kWarn, absl::StrCat("EFA ", efa, " vs node image ", recommended, "."), "efa_version",
            absl::StrCat("Target EFA ", recommended, ", the version the node image and base images ship.")};
  }
  return {"efa", Status::kOk, absl::StrCat("EFA ", efa, " matches the node image (", recommended, ")."), "efa_version", ""};
}

Check Cxx11AbiCheck(const nlohmann::json& data, const Inputs& in) {
  if (in.cuda_extensions.empty()) return {"cxx11_abi", Status::kNotApplicable, "No CUDA extensions listed.", "cuda_extensions", ""};
  Check worst{"cxx11_abi", Status::kNotApplicable, "", "cuda_extensions", ""};
  std::string details;
  for (size_t i = 0; i < in.cuda_extensions.size(); ++i) {
    Check c = ExtensionCheck(data, in, i);
    absl::StrAppend(&details, details.empty() ? "" : " ", c.details);
    if (c.status > worst.status) worst = c;
  }
  worst.details = details;
  return worst;
}

Check RuntimeCheck(const nlohmann::json& data, const Inputs& in) {
  Check c{"databricks_runtime", Status::kNotApplicable, "Needs spark_version or data_security_mode.", "spark_version", ""};
  const nlohmann::json& rules = data["runtime_rules"];
  if (in.spark_version) {
    for (const auto& m : rules["unsupported_markers"]) {
      if (in.spark_version->find(m["marker"].get<std::string>()) != std::string::npos) {
        return {"databricks_runtime", Status::kFail, absl::StrCat(*in.spark_version, ": ", m["reason"].get<std::string>(), "."),
                "spark_version", "Use a standard runtime such as 15.4.x-scala2.12 and install ML libraries in the image."};
      }
    }
  }
  if (in.data_security_mode) {
    const auto& bad = rules["unsupported_access_modes"];
    const auto& warn = rules["warn_access_modes"];
    if (std::find(bad.begin(), bad.end(), *in.data_security_mode) != bad.end()) {
      return {"databricks_runtime", Status::kFail,
              absl::StrCat("Access mode ", *in.data_security_mode, " (shared/standard) does not support custom containers."),
              "data_security_mode", "Use SINGLE_USER (DATA_SECURITY_MODE_DEDICATED) or NONE."};
    }
    if (std::find(warn.begin(), warn.end(), *in.data_security_mode) != warn.end()) {
      return {"databricks_runtime", Status::kWarn,
              absl::StrCat(*in.data_security_mode, " resolves to Standard (no custom containers) unless the node type has a GPU."),
              "data_security_mode", "Set SINGLE_USER or DATA_SECURITY_MODE_DEDICATED explicitly."};
    }
  }
  c.status = in.spark_version || in.data_security_mode ? Status::kOk : Status::kNotApplicable;
  if (c.status == Status::kOk) c.details = "Runtime and access mode support custom containers.";
  return c;
}

Check BaseImageCheck(const nlohmann::json& data, const Inputs& in) {
  Check c{"base_image", Status::kNotApplicable, "Needs base_image.", "base_image", ""};
  if (!in.base_image) return c;
  const nlohmann::json* row = RowWhere(data["base_images"], "image", *in.base_image);
  if (!row) {
    c.details = absl::StrCat(*in.base_image, " is not a known Databricks base image: CUDA, NCCL and networking are yours to provide.");
    return c;
  }
  if (in.cloud && *in.cloud != Str(*row, "cloud")) {
    return {"base_image", Status::kWarn, absl::StrCat(*in.base_image, " is built for ", Str(*row, "cloud"), ", not ", *in.cloud, "."),
            "base_image", absl::StrCat("Use the -", *in.cloud, " variant of the base image.")};
  }
  if (in.cuda_version && !Version::Parse(Str(*row, "cuda"))->StartsWith(*Version::Parse(*in.cuda_version))) {
    return {"base_image", Status::kWarn, absl::StrCat(*in.base_image, " ships CUDA ", Str(*row, "cuda"), ", not ", *in.cuda_version, "."),
            "cuda_version", absl::StrCat("Set cuda_version = \"", Str(*row, "cuda"), "\" or pick another base.")};
  }
  return {"base_image", Status::kOk,
          absl::StrCat(*in.base_image, ": CUDA ", Str(*row, "cuda"), ", Python ", Str(*row, "python"), ", OS NCCL ",
                       Str(*row, "os_nccl"), Str(*row, "efa").empty() ? "" : ", EFA " + Str(*row, "efa"), ", cuda-compat included."),
          "base_image", ""};
}

}  // namespace dcs::compat::internal
