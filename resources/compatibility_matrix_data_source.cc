// dcs_compatibility_matrix: the GPU stack compatibility checks (CUDA toolkit,
// host driver, PyTorch, NCCL, EFA, CXX11 ABI, Databricks runtime) as data, and
// as a plan failure when the worst check reaches `fail_on`.
#include "absl/strings/str_cat.h"
#include "resources/compat/compat.h"
#include "resources/compat_diagnostics.h"
#include "resources/image_preflight.h"
#include "resources/provider.h"
#include "resources/values.h"
#include "sdk/framework/validators.h"

namespace dcs::resources {
namespace {

using schema::Attribute;
using schema::Mode;
namespace fw = framework;

const char* const kVersionAttributes[] = {"host_driver_version", "cuda_version", "torch_version",
                                          "os_nccl_version", "efa_version"};

cty::Type CheckType() {
  return cty::Type::Object({{"name", cty::Type::String()},
                            {"status", cty::Type::String()},
                            {"details", cty::Type::String()},
                            {"remedy", cty::Type::String()}});
}

schema::Schema MatrixSchema() {
  const cty::Type S = cty::Type::String();
  schema::Schema s;
  s.block.description =
      "Checks that a GPU container stack fits together before anyone waits for a cluster: CUDA "
      "toolkit vs host driver (incl. when `cuda-compat` is needed or must not be used), PyTorch vs "
      "CUDA, NCCL, EFA/RDMA, the CXX11 ABI of CUDA extensions and the Databricks runtime / access "
      "mode. Works offline. When the worst check reaches `fail_on`, reading the data source fails "
      "the plan with a diagnostic that names the check and the fix. With `image`, the CUDA and NCCL "
      "versions come from the image's config in its registry (the one call that is not offline).";
  s.block.attributes = {
      Attribute{.name = "cloud", .type = S, .description = "`aws` or `azure`.", .validators = {fw::OneOf({"aws", "azure"})}},
      Attribute{.name = "host_driver_version", .type = S, .description = "NVIDIA driver version on the hosts, e.g. `550.54.15`."},
      Attribute{.name = "cuda_version", .type = S, .description = "CUDA toolkit version inside the container, e.g. `12.4`."},
      Attribute{.name = "torch_version", .type = S, .description = "PyTorch version, e.g. `2.5.1`."},
      Attribute{.name = "base_image", .type = S, .description = "Base image of the container, e.g. `databricksruntime/gpu-pytorch:cuda12`."},
      Attribute{.name = "accelerator_type", .type = S, .description = "Accelerator shape, e.g. `GPU_1xA10` or `GPU_8xH100`."},
      Attribute{.name = "cuda_extensions", .description = "CUDA extension wheels in the image.",
                .nested = schema::Nested(schema::Nesting::kList, {
                    Attribute{.name = "name", .type = S, .mode = Mode::kRequired, .description = "Package name, e.g. `flash-attn`."},
                    Attribute{.name = "version", .type = S, .mode = Mode::kRequired, .description = "Package version, e.g. `2.7.4.post1`."},
                    Attribute{.name = "cxx11_abi", .type = cty::Type::Bool(), .description = "Whether the wheel was built with `_GLIBCXX_USE_CXX11_ABI=1`."},
                })},
      Attribute{.name = "os_nccl_version", .type = S, .description = "NCCL version installed in the OS layer of the image."},
      Attribute{.name = "efa_version", .type = S, .description = "AWS EFA installer version in the image (EFA hardware only)."},
      Attribute{.name = "spark_version", .type = S, .description = "Databricks runtime, e.g. `14.3.x-scala2.12`."},
      Attribute{.name = "data_security_mode", .type = S, .description = "Cluster access mode, e.g. `SINGLE_USER`."},
      Attribute{.name = "image", .type = S,
                .description = "An image reference (`registry/repository:tag` or `…@sha256:<digest>`) whose config is read "
                               "from its registry (manifest and config blob for linux/amd64, with the provider's "
                               "registry credentials): its `CUDA_VERSION` / `NV_CUDA_*` and `NCCL_VERSION` / "
                               "`NV_LIBNCCL_*` environment fill `cuda_version` and `os_nccl_version` when those are "
                               "not set (explicit attributes win, to override what an image declares). A missing "
                               "image or credentials that cannot pull fail the read; an unreachable registry is a "
                               "warning and the checks run without the image's values."},
      Attribute{.name = "image_digest", .type = S, .mode = Mode::kComputed,
                .description = "Digest of the manifest `image` names (null without `image`)."},
      Attribute{.name = "image_cuda_version", .type = S, .mode = Mode::kComputed,
                .description = "CUDA toolkit version the image's config declares (null when none, or without `image`)."},
      Attribute{.name = "image_nccl_version", .type = S, .mode = Mode::kComputed,
                .description = "NCCL version the image's config declares (null when none, or without `image`)."},
      Attribute{.name = "fail_on", .type = S, .description = "Fail the plan when the worst status reaches `FAIL` (default), `WARN`, or `never`.",
                .validators = {fw::OneOf({"FAIL", "WARN", "never"})}},
      Attribute{.name = "checks", .type = cty::Type::List(CheckType()), .mode = Mode::kComputed,
                .description = "One entry per check: `name`, `status` (`OK`, `WARN`, `FAIL`, `N/A`), `details`, `remedy`."},
      Attribute{.name = "status", .type = S, .mode = Mode::kComputed, .description = "Worst status of all checks."},
      Attribute{.name = "cuda_compat_required", .type = cty::Type::Bool(), .mode = Mode::kComputed,
                .description = "Whether the CUDA forward-compatibility package is needed on this driver."},
      Attribute{.name = "min_driver_version", .type = S, .mode = Mode::kComputed, .description = "Minimum host driver for `cuda_version`."},
      Attribute{.name = "recommended_base_image", .type = S, .mode = Mode::kComputed, .description = "Base image recommended for these inputs."},
      Attribute{.name = "python_version", .type = S, .mode = Mode::kComputed, .description = "Python version of the runtime, where known."},
      Attribute{.name = "summary_markdown", .type = S, .mode = Mode::kComputed, .description = "The compatibility table in Markdown, for PR comments and wikis."},
  };
  for (auto& a : s.block.attributes) {
    for (const char* name : kVersionAttributes) {
      if (a.name == name) a.validators.push_back(fw::VersionString());
    }
  }
  return s;
}

compat::Inputs InputsFrom(const cty::Value& c) {
  compat::Inputs in;
  in.cloud = GetString(c, "cloud");
  in.host_driver_version = GetString(c, "host_driver_version");
  in.cuda_version = GetString(c, "cuda_version");
  in.torch_version = GetString(c, "torch_version");
  in.base_image = GetString(c, "base_image");
  in.accelerator_type = GetString(c, "accelerator_type");
  in.os_nccl_version = GetString(c, "os_nccl_version");
  in.efa_version = GetString(c, "efa_version");
  in.spark_version = GetString(c, "spark_version");
  in.data_security_mode = GetString(c, "data_security_mode");
  if (auto exts = GetKnown(c, "cuda_extensions")) {
    for (const auto& e : exts->Elements()) {
      in.cuda_extensions.push_back({GetString(e, "name").value_or(""), GetString(e, "version").value_or(""),
                                    GetBool(e, "cxx11_abi")});
    }
  }
  return in;
}

cty::Value ChecksValue(const std::vector<compat::Check>& checks) {
  std::vector<cty::Value> out;
  for (const auto& c : checks) {
    out.push_back(cty::Value::Object(CheckType(), {{"name", cty::Value::String(c.name)},
                                                   {"status", cty::Value::String(std::string(compat::StatusName(c.status)))},
                                                   {"details", cty::Value::String(c.details)},
                                                   {"remedy", cty::Value::String(c.remedy)}}));
  }
  return cty::Value::List(CheckType(), std::move(out));
}

compat::Status Threshold(const std::string& fail_on) {
  if (fail_on == "WARN") return compat::Status::kWarn;
  if (fail_on == "never") return static_cast<compat::Status>(99);
  return compat::Status::kFail;
}

void Report(const compat::Report& r, const std::string& fail_on, fw::Diagnostics& d) {
  const compat::Status threshold = Threshold(fail_on);
  for (const auto& c : r.checks) {
    const std::string summary = CompatSummary(c);
    const std::string detail = CompatDetail(c);
    const cty::Path path = ParsePath(c.attribute);
    std::optional<cty::Path> at = path.empty() ? std::nullopt : std::optional<cty::Path>(path);
    if (c.status >= threshold && c.status >= compat::Status::kWarn) {
      d.AddError(summary, detail + "\n\n(fail_on = \"" + fail_on + "\")", at);
    } else if (c.status == compat::Status::kWarn || c.status == compat::Status::kFail) {
      d.AddWarning(summary, detail, at);
    }
  }
}

class CompatibilityMatrixDataSource : public fw::DataSource {
 public:
  CompatibilityMatrixDataSource() : schema_(MatrixSchema()) {}
  std::string TypeName() const override { return "dcs_compatibility_matrix"; }
  const schema::Schema& GetSchema() const override { return schema_; }

  void ValidateConfig(const fw::ValidateConfigRequest& req, fw::Diagnostics& d) const override {
    if (d.HasError()) return;  // the schema's validators already explained
    for (const auto& e : compat::Matrix::Embedded().Validate(InputsFrom(req.config))) {
      d.AddError("Invalid " + e.attribute, e.message, ParsePath(e.attribute));
    }
  }

  void Read(const fw::ReadDataRequest& req, fw::ReadDataResponse& resp) const override {
    const compat::Matrix& matrix = compat::Matrix::Embedded();
    compat::Inputs in = InputsFrom(req.config);
    ImageValues image = ReadImage(req, resp.diagnostics);
    if (resp.diagnostics.HasError()) return;
    if (!in.cuda_version) in.cuda_version = image.cuda;
    if (!in.os_nccl_version) in.os_nccl_version = image.nccl;
    for (const auto& e : matrix.Validate(in)) {
      resp.diagnostics.AddError("Invalid " + e.attribute, e.message, ParsePath(e.attribute));
    }
    if (resp.diagnostics.HasError()) return;
    compat::Report r = matrix.Evaluate(in);
    const std::string fail_on = GetString(req.config, "fail_on").value_or("FAIL");
    Report(r, fail_on, resp.diagnostics);
    std::map<std::string, cty::Value> attrs = req.config.Attributes();
    attrs["checks"] = ChecksValue(r.checks);
    attrs["status"] = cty::Value::String(std::string(compat::StatusName(r.status)));
    attrs["cuda_compat_required"] = cty::Value::Bool(r.cuda_compat_required);
    attrs["min_driver_version"] = OptionalString(r.min_driver_version);
    attrs["recommended_base_image"] = OptionalString(r.recommended_base_image);
    attrs["python_version"] = OptionalString(r.python_version);
    attrs["summary_markdown"] = cty::Value::String(r.summary_markdown);
    attrs["image_digest"] = OptionalString(image.digest);
    attrs["image_cuda_version"] = OptionalString(image.cuda);
    attrs["image_nccl_version"] = OptionalString(image.nccl);
    resp.state = cty::Value::Object(schema_.block.ImpliedType(), std::move(attrs));
  }

 private:
  struct ImageValues {
    std::optional<std::string> digest, cuda, nccl;
  };

  // The CUDA / NCCL an image's config declares; errors and warnings from the
  // image preflight's reporting (without its cluster-only checks).
  static ImageValues ReadImage(const fw::ReadDataRequest& req, fw::Diagnostics& d) {
    ImageValues out;
    auto url = GetString(req.config, "image");
    if (!url) return out;
    auto ref = registry::ParseReference(*url);
    if (!ref.ok()) {
      d.AddError("Invalid image reference", std::string(ref.status().message()), cty::Path::Root("image"));
      return out;
    }
    auto lookup = LookUpCached(req.ctx, *ref, {}, registry::Platform{});
    ImageCheck check{.url = *url, .url_path = cty::Path::Root("image"), .check_entrypoint = false};
    ReportImage(check, PreflightMode::kError, *lookup, {}, d);
    if (!lookup->status.ok()) return out;
    out.digest = lookup->image.digest;
    GpuStack gpu = GpuStackOf(lookup->image.config);
    out.cuda = gpu.cuda;
    out.nccl = gpu.nccl;
    return out;
  }

  schema::Schema schema_;
};

}  // namespace

std::unique_ptr<framework::DataSource> NewCompatibilityMatrixDataSource() {
  return std::make_unique<CompatibilityMatrixDataSource>();
}

}  // namespace dcs::resources
