// Matrix::Evaluate on the outcomes the provider promises (seed 001 cases).
#include <gtest/gtest.h>

#include "resources/compat/compat.h"
#include "tests/unit/resources/compat/compat_test_util.h"

namespace dcs::compat {
namespace {

using testing::CheckNamed;
using testing::StatusOf;

Report Eval(const Inputs& in) { return Matrix::Embedded().Evaluate(in); }

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The data source example: the seed's recommended AWS stack.
Inputs SeedExample() {
  return {.cloud = "aws",
          .host_driver_version = "580.126.16",
          .cuda_version = "12.9",
          .torch_version = "2.6.0",
          .base_image = "databricksruntime/air:dcs-base-aws-runtime",
          .accelerator_type = "GPU_8xH100",
          .efa_version = "1.42.0",
          .cuda_extensions = {{"flash-attn", "2.7.4.post1", false}}};
}

TEST(EvaluateTest, SeedExampleIsOkWithoutCudaCompat) {
  Report r = Eval(SeedExample());
  for (const Check& c : r.checks) {
    // No spark_version or access mode: an AI Runtime workload, not a DBR cluster.
    const Status want = c.name == "databricks_runtime" ? Status::kNotApplicable : Status::kOk;
    EXPECT_EQ(c.status, want) << c.name << ": " << c.details;
  }
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_FALSE(r.cuda_compat_required);
  EXPECT_EQ(r.min_driver_version, "570.86.15");
  EXPECT_EQ(r.recommended_base_image, "databricksruntime/air:dcs-base-aws-runtime");
  EXPECT_EQ(r.python_version, "3.12");
  std::vector<std::string> names;
  for (const Check& c : r.checks) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"cuda_driver", "torch_cuda", "nccl", "efa", "cxx11_abi",
                                             "databricks_runtime", "base_image"}));
}

TEST(EvaluateTest, Cuda13OnA550DriverFailsAndNamesTheWayOut) {
  Report r = Eval({.host_driver_version = "550.54.15", .cuda_version = "13.0"});
  const Check& c = CheckNamed(r, "cuda_driver");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_EQ(c.attribute, "cuda_version");
  EXPECT_TRUE(Contains(c.remedy, "580.65.06")) << c.remedy;
  EXPECT_TRUE(Contains(c.remedy, "580 driver line")) << c.remedy;
  EXPECT_TRUE(Contains(c.remedy, "pin CUDA <= 12.4")) << c.remedy;
  EXPECT_FALSE(r.cuda_compat_required);  // the seed: no compat path for 13.0
  EXPECT_EQ(r.status, Status::kFail);
}

TEST(EvaluateTest, NewerToolkitOn550NeedsCudaCompat) {
  Report r = Eval({.host_driver_version = "550.54.15", .cuda_version = "12.8.1"});
  EXPECT_EQ(StatusOf(r, "cuda_driver"), Status::kWarn);
  EXPECT_TRUE(r.cuda_compat_required);
  EXPECT_TRUE(Contains(CheckNamed(r, "cuda_driver").remedy, "cuda-compat-12-8"));
}

TEST(EvaluateTest, Torch27WithCuda124Fails) {
  const Check c = CheckNamed(Eval({.cuda_version = "12.4", .torch_version = "2.7.0"}), "torch_cuda");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_EQ(c.attribute, "torch_version");
  EXPECT_TRUE(Contains(c.details, "cu126")) << c.details;
  EXPECT_TRUE(Contains(c.remedy, "12.6")) << c.remedy;
}

TEST(EvaluateTest, TorchWheelSuffixOverridesTheDefaultWheel) {
  EXPECT_EQ(StatusOf(Eval({.cuda_version = "12.6", .torch_version = "2.7.0+cu128"}), "torch_cuda"), Status::kFail);
  EXPECT_EQ(StatusOf(Eval({.cuda_version = "12.8", .torch_version = "2.7.0+cu128"}), "torch_cuda"), Status::kOk);
  // Seed §3: torch 2.6's cu124 wheel runs on CUDA 12.9 through minor-version compatibility.
  EXPECT_EQ(StatusOf(Eval({.cuda_version = "12.9", .torch_version = "2.6.0"}), "torch_cuda"), Status::kOk);
  EXPECT_EQ(StatusOf(Eval({.cuda_version = "13.0", .torch_version = "2.6.0"}), "torch_cuda"), Status::kWarn);
}

TEST(EvaluateTest, VersionsCompareNumerically) {
  // "12.10" sorts before "12.9" as text; numerically it is newer than torch 2.7's 12.6.
  EXPECT_EQ(StatusOf(Eval({.cuda_version = "12.10", .torch_version = "2.7.1"}), "torch_cuda"), Status::kOk);
  EXPECT_EQ(StatusOf(Eval({.host_driver_version = "570.86.9", .cuda_version = "12.9"}), "cuda_driver"), Status::kWarn);
  EXPECT_EQ(StatusOf(Eval({.host_driver_version = "1000.1", .cuda_version = "13.0"}), "cuda_driver"), Status::kOk);
}

TEST(EvaluateTest, EfaFollowsTheAccelerator) {
  EXPECT_EQ(StatusOf(Eval({.cloud = "aws", .accelerator_type = "GPU_1xA10"}), "efa"), Status::kNotApplicable);
  const Check missing = CheckNamed(Eval({.cloud = "aws", .accelerator_type = "GPU_8xH100"}), "efa");
  EXPECT_EQ(missing.status, Status::kWarn);
  EXPECT_EQ(missing.attribute, "efa_version");
  EXPECT_TRUE(Contains(missing.remedy, "1.42.0"));
  const Check quiet = CheckNamed(
      Eval({.base_image = "databricksruntime/air:dcs-base-aws-runtime", .accelerator_type = "GPU_1xA10"}), "efa");
  EXPECT_EQ(quiet.status, Status::kNotApplicable);
  EXPECT_TRUE(Contains(quiet.details, "NCCL_NET_PLUGIN=none")) << quiet.details;
  EXPECT_EQ(StatusOf(Eval({.base_image = "databricksruntime/air:dcs-base-azure-runtime", .accelerator_type = "GPU_8xH100"}), "efa"),
            Status::kNotApplicable);  // the image says Azure: InfiniBand, not EFA
  const Check unknown = CheckNamed(Eval({.accelerator_type = "GPU_4xB200"}), "efa");
  EXPECT_EQ(unknown.status, Status::kWarn);
  EXPECT_TRUE(Contains(unknown.details, "GPU_1xA10, GPU_8xH100")) << unknown.details;
}

TEST(EvaluateTest, FlashAttnFrom28IsAnAbiProblem) {
  Inputs in{.torch_version = "2.6.0", .cuda_extensions = {{"flash-attn", "2.7.4.post1", false},
                                                         {"flash-attn", "2.8.3", false}}};
  const Check c = CheckNamed(Eval(in), "cxx11_abi");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_EQ(c.attribute, "cuda_extensions[1].version");
  EXPECT_TRUE(Contains(c.remedy, "flash-attn==2.7.4.post1")) << c.remedy;
  EXPECT_TRUE(Contains(c.details, "2.7.4.post1 ABI=FALSE matches torch")) << c.details;  // both parts reported
  in.torch_version = "2.7.0";
  in.cuda_extensions = {{"flash-attn", "2.8.0.post2", true}};
  EXPECT_EQ(StatusOf(Eval(in), "cxx11_abi"), Status::kWarn);
  in.cuda_extensions = {{"xformers", "0.0.30", std::nullopt}};
  const Check undeclared = CheckNamed(Eval(in), "cxx11_abi");
  EXPECT_EQ(undeclared.status, Status::kWarn);
  EXPECT_EQ(undeclared.attribute, "cuda_extensions[0].cxx11_abi");
}

TEST(EvaluateTest, RuntimesAndAccessModesWithoutCustomContainers) {
  for (const char* spark : {"14.3.x-gpu-ml-scala2.12", "15.4.x-cpu-ml-scala2.12", "13.3.x-aarch64-scala2.12"}) {
    const Check c = CheckNamed(Eval({.spark_version = spark}), "databricks_runtime");
    EXPECT_EQ(c.status, Status::kFail) << spark;
    EXPECT_EQ(c.attribute, "spark_version");
  }
  for (const char* mode : {"USER_ISOLATION", "shared", "STANDARD", "DATA_SECURITY_MODE_STANDARD"}) {
    const Check c = CheckNamed(Eval({.spark_version = "15.4.x-scala2.12", .data_security_mode = mode}), "databricks_runtime");
    EXPECT_EQ(c.status, Status::kFail) << mode;
    EXPECT_EQ(c.attribute, "data_security_mode");
    EXPECT_TRUE(Contains(c.remedy, "SINGLE_USER"));
  }
  EXPECT_EQ(StatusOf(Eval({.spark_version = "15.4.x-scala2.12", .data_security_mode = "SINGLE_USER"}), "databricks_runtime"),
            Status::kOk);
  // Two failures in one check: both explained, both fixes offered.
  const Check both = CheckNamed(Eval({.spark_version = "14.3.x-gpu-ml-scala2.12", .data_security_mode = "USER_ISOLATION"}),
                                "databricks_runtime");
  EXPECT_EQ(both.status, Status::kFail);
  EXPECT_EQ(both.attribute, "spark_version");
  EXPECT_TRUE(Contains(both.details, "Machine Learning") && Contains(both.details, "USER_ISOLATION")) << both.details;
  EXPECT_TRUE(Contains(both.remedy, "standard runtime") && Contains(both.remedy, "SINGLE_USER")) << both.remedy;
  EXPECT_EQ(StatusOf(Eval({.data_security_mode = "LEGACY_TABLE_ACL"}), "databricks_runtime"), Status::kWarn);
}

// Behaviour follows the data: edit the file, not the code.
TEST(EvaluateTest, EditedTablesChangeTheVerdicts) {
  nlohmann::json j = Matrix::Embedded().data();
  j["accelerators"]["rows"][1]["clouds"] = nlohmann::json::array({"aws"});
  j["accelerators"]["rows"][0]["forward_compat"] = false;
  j["cuda_min_driver"]["rows"].push_back(
      {{"cuda", "13.1"}, {"min_driver", "590.1.2"}, {"below_min", "pin_lower_toolkit"}, {"compat_package", ""}});
  absl::StatusOr<Matrix> m = Matrix::Parse(j.dump());
  ASSERT_TRUE(m.ok()) << m.status();
  const std::string h100 = j["accelerators"]["rows"][1]["type"], a10 = j["accelerators"]["rows"][0]["type"];
  EXPECT_EQ(StatusOf(m->Evaluate({.cloud = "azure", .accelerator_type = h100}), "efa"), Status::kWarn);
  EXPECT_EQ(StatusOf(m->Evaluate({.host_driver_version = "550.54.15", .cuda_version = "12.6", .accelerator_type = a10}),
                     "cuda_driver"),
            Status::kFail);
  EXPECT_EQ(*m->MinDriver("13.1.0"), "590.1.2");
  EXPECT_EQ(StatusOf(m->Evaluate({.host_driver_version = "580.126.16", .cuda_version = "13.1"}), "cuda_driver"), Status::kFail);
}

TEST(EvaluateTest, StatusIsTheWorstCheck) {
  Report none = Eval({});
  EXPECT_EQ(none.status, Status::kNotApplicable);
  for (const Check& c : none.checks) EXPECT_EQ(c.status, Status::kNotApplicable) << c.name;
  EXPECT_FALSE(none.min_driver_version.has_value());
  EXPECT_FALSE(none.recommended_base_image.has_value());

  Inputs warn = SeedExample();
  warn.efa_version = "1.41.0";  // one WARN among OKs
  EXPECT_EQ(Eval(warn).status, Status::kWarn);
  warn.torch_version = "2.7.0";
  warn.cuda_version = "12.4";  // plus a FAIL
  warn.base_image.reset();
  EXPECT_EQ(Eval(warn).status, Status::kFail);
  EXPECT_LT(Status::kNotApplicable, Status::kOk);
  EXPECT_LT(Status::kOk, Status::kWarn);
  EXPECT_LT(Status::kWarn, Status::kFail);
}

TEST(EvaluateTest, SummaryReproducesTheSeedTable) {
  Report r = Eval(SeedExample());
  const std::string& md = r.summary_markdown;
  EXPECT_TRUE(Contains(md, "## Compatibility Check")) << md;
  EXPECT_TRUE(Contains(md, "| Check | Status | Details |")) << md;
  for (const char* title : {"CUDA toolkit vs host driver", "PyTorch vs CUDA", "NCCL", "EFA/RDMA",
                            "CXX11 ABI (CUDA extensions)"}) {
    EXPECT_TRUE(Contains(md, std::string("| ") + title)) << title;
  }
  for (const Check& c : r.checks) {
    EXPECT_TRUE(Contains(md, "(`" + c.name + "`) | " + std::string(StatusName(c.status)) + " |")) << c.name;
  }
  EXPECT_TRUE(Contains(md, "CUDA `12.9`"));
  EXPECT_TRUE(Contains(md, "`flash-attn==2.7.4.post1`"));
  EXPECT_TRUE(Contains(md, "Overall: **OK**"));

  Report bad = Eval({.host_driver_version = "550.54.15", .cuda_version = "13.0"});
  EXPECT_TRUE(Contains(bad.summary_markdown, "| FAIL |"));
  EXPECT_TRUE(Contains(bad.summary_markdown, "Fix: Upgrade the hosts"));
}

TEST(EvaluateTest, InvalidInputsYieldAnInputsFailureInsteadOfCrashing) {
  Report r = Eval({.cuda_version = "12.x.y", .torch_version = "abc"});
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.checks[0].name, "inputs");
  EXPECT_EQ(r.checks[0].attribute, "cuda_version");
  EXPECT_EQ(r.checks[1].attribute, "torch_version");
  EXPECT_EQ(r.status, Status::kFail);
}

}  // namespace
}  // namespace dcs::compat
