// Every row of every table in the embedded matrix, run through the evaluator:
// a new row gets its tests for free, and a table without a test here fails
// EveryTableIsCovered.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "resources/compat/compat.h"
#include "tests/unit/resources/compat/compat_test_util.h"

namespace dcs::compat {
namespace {

using testing::CheckNamed;
using testing::NextMinor;
using testing::OneBelow;
using testing::StatusOf;
using json = nlohmann::json;

const json& Table(const char* name) { return Matrix::Embedded().data()[name]; }
const json& Rows(const char* name) { return Table(name)["rows"]; }
std::string S(const json& row, const char* key) { return row[key].get<std::string>(); }
Report Eval(const Inputs& in) {
  EXPECT_TRUE(Matrix::Embedded().Validate(in).empty());
  return Matrix::Embedded().Evaluate(in);
}

// The first torch row whose wheels use `abi`.
std::string TorchWithAbi(bool abi) {
  for (const auto& row : Rows("torch_cuda")) {
    if (row["cxx11_abi"].get<bool>() == abi) return S(row, "torch") + ".0";
  }
  ADD_FAILURE() << "no torch row with cxx11_abi=" << abi;
  return "";
}

std::string AcceleratorWithEfa(bool efa) {
  for (const auto& row : Rows("accelerators")) {
    if (row["efa_hardware"].get<bool>() == efa) return S(row, "type");
  }
  ADD_FAILURE() << "no accelerator with efa_hardware=" << efa;
  return "";
}

TEST(TableRowsTest, EveryTableIsCovered) {
  const std::set<std::string> tested = {"cuda_min_driver", "host_drivers", "torch_cuda", "nccl", "accelerators",
                                        "efa", "cuda_extensions", "base_images", "scratch_bases", "runtimes",
                                        "runtime_markers", "access_modes"};
  std::set<std::string> in_file;
  for (const auto& [key, value] : Matrix::Embedded().data().items()) {
    if (key != "format") in_file.insert(key);
  }
  EXPECT_EQ(in_file, tested);
}

TEST(TableRowsTest, CudaMinDriver) {
  for (const auto& row : Rows("cuda_min_driver")) {
    const std::string cuda = S(row, "cuda"), min = S(row, "min_driver");
    SCOPED_TRACE("CUDA " + cuda);
    EXPECT_EQ(*Matrix::Embedded().MinDriver(cuda), min);
    EXPECT_EQ(*Matrix::Embedded().MinDriver(cuda + ".1"), min);
    EXPECT_EQ(*Matrix::Embedded().MinDriver(cuda + ".x"), min);
    EXPECT_TRUE(*Matrix::Embedded().Compatible(cuda, min));
    EXPECT_FALSE(*Matrix::Embedded().Compatible(cuda, OneBelow(min)));

    Report at = Eval({.host_driver_version = min, .cuda_version = cuda});
    EXPECT_EQ(StatusOf(at, "cuda_driver"), Status::kOk);
    EXPECT_FALSE(at.cuda_compat_required);
    EXPECT_EQ(at.min_driver_version, min);
    EXPECT_NE(CheckNamed(at, "cuda_driver").details.find("NOT needed"), std::string::npos);

    Report below = Eval({.host_driver_version = OneBelow(min), .cuda_version = cuda});
    const Check& c = CheckNamed(below, "cuda_driver");
    EXPECT_EQ(c.attribute, "cuda_version");
    if (S(row, "below_min") == "cuda_compat") {
      EXPECT_EQ(c.status, Status::kWarn);
      EXPECT_TRUE(below.cuda_compat_required);
      EXPECT_NE(c.details.find(S(row, "compat_package")), std::string::npos) << c.details;
    } else {
      EXPECT_EQ(c.status, Status::kFail);
      EXPECT_FALSE(below.cuda_compat_required);
      EXPECT_NE(c.remedy.find(min), std::string::npos) << c.remedy;
    }
  }
}

TEST(TableRowsTest, HostDriversRunTheirNativeToolkits) {
  for (const auto& row : Rows("host_drivers")) {
    for (const auto& prefix : row["native_cuda"]) {
      // "12" stands for every 12.x: probe one the minimum-driver table lacks.
      std::string cuda = prefix.get<std::string>();
      if (cuda.find('.') == std::string::npos) cuda += ".5";
      SCOPED_TRACE(S(row, "cloud") + " CUDA " + cuda);
      Report r = Eval({.cloud = S(row, "cloud"), .cuda_version = cuda});
      const Check& c = CheckNamed(r, "cuda_driver");
      EXPECT_EQ(c.status, Status::kOk) << c.details;
      EXPECT_NE(c.details.find(S(row, "driver")), std::string::npos) << c.details;
      EXPECT_NE(c.details.find("assumed"), std::string::npos) << c.details;
      EXPECT_FALSE(r.cuda_compat_required);
    }
    EXPECT_EQ(StatusOf(Eval({.cloud = S(row, "cloud"), .cuda_version = "11.8"}), "cuda_driver"), Status::kWarn);
  }
}

TEST(TableRowsTest, TorchCuda) {
  for (const auto& row : Rows("torch_cuda")) {
    const std::string torch = S(row, "torch") + ".0", min = S(row, "min_cuda");
    SCOPED_TRACE("torch " + torch);
    const Check at = CheckNamed(Eval({.cuda_version = min, .torch_version = torch}), "torch_cuda");
    EXPECT_EQ(at.status, Status::kOk) << at.details;
    EXPECT_NE(at.details.find(S(row, "default_wheel")), std::string::npos) << at.details;
    const Check below = CheckNamed(Eval({.cuda_version = OneBelow(min), .torch_version = torch}), "torch_cuda");
    EXPECT_EQ(below.status, Status::kFail);
    EXPECT_NE(below.remedy.find(min), std::string::npos) << below.remedy;
    const Check newer = CheckNamed(Eval({.cuda_version = NextMinor(min), .torch_version = torch}), "torch_cuda");
    EXPECT_EQ(newer.status, Status::kOk);
    EXPECT_NE(newer.details.find("minor-version"), std::string::npos) << newer.details;

    const Check nccl = CheckNamed(Eval({.torch_version = torch, .os_nccl_version = "2.27.3"}), "nccl");
    EXPECT_EQ(nccl.status, Status::kOk);
    EXPECT_NE(nccl.details.find("torch-bundled NCCL" + (S(row, "bundled_nccl").empty() ? "" : " " + S(row, "bundled_nccl"))),
              std::string::npos) << nccl.details;
    EXPECT_NE(nccl.details.find(S(Table("nccl"), "verify")), std::string::npos);

    const bool abi = row["cxx11_abi"].get<bool>();
    Inputs match{.torch_version = torch, .cuda_extensions = {{"my-kernels", "1.0", abi}}};
    EXPECT_EQ(StatusOf(Eval(match), "cxx11_abi"), Status::kOk);
    match.cuda_extensions[0].cxx11_abi = !abi;
    EXPECT_EQ(StatusOf(Eval(match), "cxx11_abi"), Status::kFail);
  }
}

TEST(TableRowsTest, AcceleratorsAndEfa) {
  const std::string efa = S(Table("efa"), "recommended_version");
  for (const auto& row : Rows("accelerators")) {
    const std::string type = S(row, "type");
    SCOPED_TRACE(type);
    if (!row["efa_hardware"].get<bool>()) {
      const Check none = CheckNamed(Eval({.cloud = "aws", .accelerator_type = type}), "efa");
      EXPECT_EQ(none.status, Status::kNotApplicable);
      EXPECT_NE(none.details.find(S(row, "aws_family")), std::string::npos) << none.details;
      const Check bloat = CheckNamed(Eval({.cloud = "aws", .accelerator_type = type, .efa_version = efa}), "efa");
      EXPECT_EQ(bloat.status, Status::kWarn);
      EXPECT_NE(bloat.details.find(S(Table("efa"), "image_overhead")), std::string::npos) << bloat.details;
    } else {
      EXPECT_EQ(StatusOf(Eval({.cloud = "aws", .accelerator_type = type}), "efa"), Status::kWarn);
      EXPECT_EQ(StatusOf(Eval({.cloud = "aws", .accelerator_type = type, .efa_version = efa}), "efa"), Status::kOk);
      EXPECT_EQ(StatusOf(Eval({.cloud = "aws", .accelerator_type = type, .efa_version = OneBelow(efa)}), "efa"),
                Status::kWarn);
      EXPECT_EQ(StatusOf(Eval({.cloud = "azure", .accelerator_type = type}), "efa"), Status::kNotApplicable);
    }
    for (const auto& cloud : row["clouds"]) {
      EXPECT_NE(StatusOf(Eval({.cloud = cloud.get<std::string>(), .accelerator_type = type}), "efa"), Status::kFail);
    }
    // Below the minimum, cuda-compat only helps GPUs with forward compatibility.
    Report r = Eval({.host_driver_version = "550.54.15", .cuda_version = "12.6", .accelerator_type = type});
    EXPECT_EQ(StatusOf(r, "cuda_driver"), row["forward_compat"].get<bool>() ? Status::kWarn : Status::kFail);
    EXPECT_EQ(r.cuda_compat_required, row["forward_compat"].get<bool>());
  }
}

TEST(TableRowsTest, CudaExtensions) {
  for (const auto& row : Rows("cuda_extensions")) {
    const std::string name = S(row, "name"), recommended = S(row, "recommended");
    SCOPED_TRACE(name);
    for (const std::string& bad : {S(row, "mislabelled_from"), NextMinor(S(row, "mislabelled_from"))}) {
      Inputs old_abi{.torch_version = TorchWithAbi(false), .cuda_extensions = {{name, bad, false}}};
      const Check fail = CheckNamed(Eval(old_abi), "cxx11_abi");
      EXPECT_EQ(fail.status, Status::kFail) << bad;
      EXPECT_EQ(fail.attribute, "cuda_extensions[0].version");
      EXPECT_NE(fail.remedy.find(recommended), std::string::npos) << fail.remedy;
      Inputs new_abi{.torch_version = TorchWithAbi(true), .cuda_extensions = {{name, bad, true}}};
      const Check warn = CheckNamed(Eval(new_abi), "cxx11_abi");
      EXPECT_EQ(warn.status, Status::kWarn) << bad;
      EXPECT_NE(warn.remedy.find(recommended), std::string::npos) << warn.remedy;
    }
    Inputs pinned{.torch_version = TorchWithAbi(false), .cuda_extensions = {{name, recommended, false}}};
    EXPECT_EQ(StatusOf(Eval(pinned), "cxx11_abi"), Status::kOk);
  }
}

TEST(TableRowsTest, BaseImages) {
  const std::string h100 = AcceleratorWithEfa(true);
  for (const auto& row : Rows("base_images")) {
    const std::string image = S(row, "image"), cloud = S(row, "cloud");
    SCOPED_TRACE(image);
    Report alone = Eval({.base_image = image});
    EXPECT_EQ(StatusOf(alone, "base_image"), Status::kOk);
    EXPECT_NE(CheckNamed(alone, "base_image").details.find("Ubuntu " + S(row, "ubuntu")), std::string::npos);
    EXPECT_EQ(StatusOf(alone, "cuda_driver"), Status::kNotApplicable);
    EXPECT_EQ(alone.min_driver_version, *Matrix::Embedded().MinDriver(S(row, "cuda")));
    EXPECT_EQ(alone.python_version, S(row, "python"));

    Report on_cloud = Eval({.cloud = cloud, .base_image = image, .accelerator_type = h100});
    EXPECT_EQ(StatusOf(on_cloud, "cuda_driver"), Status::kOk);
    EXPECT_EQ(CheckNamed(on_cloud, "cuda_driver").attribute, "base_image");
    EXPECT_EQ(StatusOf(on_cloud, "efa"), S(row, "efa").empty() ? Status::kNotApplicable : Status::kOk);
    EXPECT_NE(on_cloud.recommended_base_image->find("dcs-base-" + cloud + "-runtime"), std::string::npos);
    // An extension without a declared ABI is a source build: it needs nvcc.
    Report source_build = Eval({.cloud = cloud, .cuda_extensions = {{"apex", "0.1", std::nullopt}}});
    EXPECT_NE(source_build.recommended_base_image->find("dcs-base-" + cloud + "-devel"), std::string::npos);

    const std::string other = cloud == "aws" ? "azure" : "aws";
    EXPECT_EQ(StatusOf(Eval({.cloud = other, .base_image = image}), "base_image"), Status::kWarn);

    Report old_driver = Eval({.host_driver_version = OneBelow(*alone.min_driver_version), .base_image = image});
    EXPECT_EQ(StatusOf(old_driver, "cuda_driver"), Status::kWarn);
    EXPECT_TRUE(old_driver.cuda_compat_required);
    EXPECT_NE(CheckNamed(old_driver, "cuda_driver").details.find("already includes"), std::string::npos);
  }
}

TEST(TableRowsTest, ScratchBases) {
  for (const auto& row : Rows("scratch_bases")) {
    const std::string cuda = S(row, "cuda");
    SCOPED_TRACE(cuda);
    EXPECT_EQ(Eval({.cuda_version = cuda}).recommended_base_image, S(row, "runtime_image"));
    EXPECT_EQ(Eval({.cuda_version = cuda, .cuda_extensions = {{"apex", "0.1", std::nullopt}}}).recommended_base_image,
              S(row, "devel_image"));
    Report from_tag = Eval({.host_driver_version = *Matrix::Embedded().MinDriver(cuda), .base_image = S(row, "runtime_image")});
    EXPECT_EQ(StatusOf(from_tag, "cuda_driver"), Status::kOk);
    EXPECT_EQ(CheckNamed(from_tag, "cuda_driver").attribute, "base_image");
    EXPECT_EQ(StatusOf(from_tag, "base_image"), Status::kNotApplicable);
    EXPECT_EQ(StatusOf(Eval({.cuda_version = NextMinor(cuda), .base_image = S(row, "devel_image")}), "base_image"),
              Status::kWarn);
  }
}

TEST(TableRowsTest, Runtimes) {
  const json& image = Rows("base_images")[0];
  for (const auto& row : Rows("runtimes")) {
    const std::string spark = S(row, "dbr") + ".x-scala2.12";
    SCOPED_TRACE(spark);
    Report r = Eval({.spark_version = spark});
    EXPECT_EQ(StatusOf(r, "databricks_runtime"), Status::kOk);
    EXPECT_EQ(r.python_version, S(row, "python"));
    EXPECT_EQ(r.recommended_base_image, S(row, "base_image"));
    const std::string ubuntu = "Ubuntu " + S(row, "ubuntu") + ", Python " + S(row, "python");
    EXPECT_NE(CheckNamed(r, "databricks_runtime").details.find(ubuntu), std::string::npos);
    const Status paired = StatusOf(Eval({.base_image = S(image, "image"), .spark_version = spark}), "databricks_runtime");
    EXPECT_EQ(paired, S(row, "python") == S(image, "python") ? Status::kOk : Status::kWarn);
  }
}

TEST(TableRowsTest, RuntimeMarkers) {
  for (const auto& row : Rows("runtime_markers")) {
    const std::string spark = "15.4.x" + S(row, "marker") + "scala2.12";
    const Check c = CheckNamed(Eval({.spark_version = spark}), "databricks_runtime");
    EXPECT_EQ(c.status, Status::kFail) << spark;
    EXPECT_EQ(c.attribute, "spark_version");
    EXPECT_NE(c.details.find(S(row, "reason")), std::string::npos);
  }
}

TEST(TableRowsTest, AccessModesInAnyCase) {
  for (const auto& row : Rows("access_modes")) {
    std::string lower = S(row, "mode");
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    const std::string verdict = S(row, "verdict");
    for (const std::string& mode : {S(row, "mode"), lower}) {
      SCOPED_TRACE(mode);
      const Check c = CheckNamed(Eval({.data_security_mode = mode}), "databricks_runtime");
      EXPECT_EQ(c.status, verdict == "fail" ? Status::kFail : verdict == "auto" ? Status::kWarn : Status::kOk);
      EXPECT_EQ(c.attribute, "data_security_mode");
      const Status on_gpu = StatusOf(Eval({.accelerator_type = "GPU_1xA10", .data_security_mode = mode}), "databricks_runtime");
      EXPECT_EQ(on_gpu, verdict == "fail" ? Status::kFail : Status::kOk);
    }
  }
}

}  // namespace
}  // namespace dcs::compat
