// Matrix::Parse / Embedded / Validate / MinDriver / Compatible.
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "resources/compat/compat.h"
#include "resources/compat/tables.h"
#include "tests/unit/resources/compat/compat_test_util.h"

namespace dcs::compat {

extern const std::string_view kEmbeddedMatrixJson;

namespace {

using json = nlohmann::json;

json EmbeddedJson() { return json::parse(kEmbeddedMatrixJson); }

std::string ParseError(const json& j) {
  absl::StatusOr<Matrix> m = Matrix::Parse(j.dump());
  EXPECT_FALSE(m.ok()) << j.dump().substr(0, 200);
  return m.ok() ? "" : std::string(m.status().message());
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MatrixTest, EmbeddedMatrixParsesOnceForAllThreads) {
  absl::StatusOr<Matrix> m = Matrix::Parse(kEmbeddedMatrixJson);
  ASSERT_TRUE(m.ok()) << m.status();
  const Matrix* seen[4] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&seen, i] { seen[i] = &Matrix::Embedded(); });
  for (auto& t : threads) t.join();
  for (const Matrix* p : seen) EXPECT_EQ(p, &Matrix::Embedded());
  EXPECT_EQ(Matrix::Embedded().data(), m->data());
}

TEST(MatrixTest, EveryTableHasASourceNote) {
  for (const std::string& name : internal::TableNames()) {
    const json& table = Matrix::Embedded().data()[name];
    // A source note that names where the facts come from, and nothing a
    // clone of the repository cannot follow.
    const std::string source = table["source"].get<std::string>();
    EXPECT_GE(source.size(), 60u) << name;
    EXPECT_FALSE(Contains(source, "shared/reference") || Contains(source, "shared/seeds")) << name << ": " << source;
  }
}

TEST(MatrixTest, ParseRejectsNonObjects) {
  EXPECT_TRUE(Contains(std::string(Matrix::Parse("{").status().message()), "not valid JSON"));
  EXPECT_TRUE(Contains(ParseError(json::array()), "one JSON object"));
  json j = EmbeddedJson();
  j["format"] = 2;
  EXPECT_TRUE(Contains(ParseError(j), "\"format\""));
  j["format"] = "1";
  EXPECT_TRUE(Contains(ParseError(j), "\"format\""));
}

TEST(MatrixTest, ParseNamesTheTableThatIsMissingOrUnsourced) {
  for (const std::string& name : internal::TableNames()) {
    SCOPED_TRACE(name);
    json j = EmbeddedJson();
    j.erase(name);
    EXPECT_TRUE(Contains(ParseError(j), "matrix table " + name + ": missing"));
    j = EmbeddedJson();
    j[name]["source"] = "";
    EXPECT_TRUE(Contains(ParseError(j), "matrix table " + name + ": needs a \"source\""));
    if (j[name].contains("rows")) {
      j = EmbeddedJson();
      j[name]["rows"] = json::array();
      EXPECT_TRUE(Contains(ParseError(j), "matrix table " + name + ": needs a non-empty \"rows\""));
    }
  }
}

TEST(MatrixTest, ParseNamesTheRowAndColumnOfEveryMissingCell) {
  const json root = EmbeddedJson();
  for (const std::string& name : internal::TableNames()) {
    const json& table = root[name];
    const json& sample = table.contains("rows") ? table["rows"].back() : table;
    const std::string where = table.contains("rows") ? absl::StrCat(", row ", table["rows"].size() - 1) : "";
    for (const auto& [column, value] : sample.items()) {
      if (column == "source") continue;
      SCOPED_TRACE(name + "." + column);
      json j = EmbeddedJson();
      json& cell_owner = table.contains("rows") ? j[name]["rows"].back() : j[name];
      cell_owner.erase(column);
      EXPECT_EQ(ParseError(j), absl::StrCat("matrix table ", name, where, ": \"", column, "\" is missing"));
      cell_owner[column] = json::object();  // the wrong type for every column kind
      EXPECT_TRUE(Contains(ParseError(j), absl::StrCat("matrix table ", name, where, ": \"", column, "\" must")));
    }
  }
}

TEST(MatrixTest, ParseChecksVersionsAndEnums) {
  json j = EmbeddedJson();
  j["cuda_min_driver"]["rows"][1]["min_driver"] = "560.x";
  EXPECT_EQ(ParseError(j), "matrix table cuda_min_driver, row 1: \"min_driver\" must be a version string such as 12.4 or 550.54.14");
  j = EmbeddedJson();
  j["cuda_min_driver"]["rows"][0]["below_min"] = "pray";
  EXPECT_TRUE(Contains(ParseError(j), "\"below_min\" must be one of cuda_compat, pin_lower_toolkit"));
  j = EmbeddedJson();
  j["host_drivers"]["rows"][0]["native_cuda"] = json::array({"12", "thirteen"});
  EXPECT_TRUE(Contains(ParseError(j), "matrix table host_drivers, row 0: \"native_cuda\" must list versions"));
  j = EmbeddedJson();
  j["torch_cuda"]["rows"][0]["bundled_nccl"] = "";  // optional versions may be empty
  EXPECT_TRUE(Matrix::Parse(j.dump()).ok());
}

TEST(MatrixTest, MinDriver) {
  const Matrix& m = Matrix::Embedded();
  EXPECT_EQ(*m.MinDriver("12.4"), "550.54.14");
  EXPECT_EQ(*m.MinDriver("12.4.1"), "550.54.14");
  EXPECT_EQ(*m.MinDriver("12.4.x"), "550.54.14");
  EXPECT_EQ(*m.MinDriver("13.0"), "580.65.06");
  absl::StatusOr<std::string> unknown = m.MinDriver("11.8");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(std::string(unknown.status().message()), "12.4, 12.6, 12.8, 12.9, 13.0"));
  EXPECT_EQ(m.MinDriver("12").status().code(), absl::StatusCode::kNotFound);  // which 12.x?
  for (const char* bad : {"abc", "12.x.y", "", "12..4"}) {
    absl::StatusOr<std::string> r = m.MinDriver(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(Contains(std::string(r.status().message()), std::string("\"") + bad + "\"")) << r.status();
  }
}

TEST(MatrixTest, Compatible) {
  const Matrix& m = Matrix::Embedded();
  EXPECT_TRUE(*m.Compatible("12.4", "550.54.15"));
  EXPECT_TRUE(*m.Compatible("12.4", "550.54.14"));
  EXPECT_FALSE(*m.Compatible("12.4", "550.54.9"));  // 9 < 14 numerically
  EXPECT_FALSE(*m.Compatible("13.0", "550.54.15"));
  EXPECT_TRUE(*m.Compatible("13.0", "580.126.16"));
  EXPECT_TRUE(*m.Compatible("12.9", "1000.0"));
  EXPECT_EQ(m.Compatible("12.4", "abc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Compatible("x", "550.54.15").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Compatible("11.8", "550.54.15").status().code(), absl::StatusCode::kNotFound);
}

TEST(MatrixTest, ValidateAcceptsTheVersionSpellingsOfTheStack) {
  Inputs in{.cloud = "azure", .host_driver_version = "580.105.08", .cuda_version = "12.4.x", .torch_version = "2.6.0+cu124",
            .os_nccl_version = "2.27.3", .efa_version = "1.42.0",
            .cuda_extensions = {{"flash-attn", "2.7.4.post1", false}, {"apex", "0.1", std::nullopt}}};
  EXPECT_TRUE(Matrix::Embedded().Validate(in).empty());
  EXPECT_TRUE(Matrix::Embedded().Validate({}).empty());
  // Unknown accelerators are a WARN of the efa check, not an input error.
  EXPECT_TRUE(Matrix::Embedded().Validate({.accelerator_type = "GPU_4xB200"}).empty());
}

TEST(MatrixTest, ValidateReportsEachBadInputOnItsAttribute) {
  Inputs in{.cloud = "gcp", .host_driver_version = "latest", .cuda_version = "12.x.y", .torch_version = "abc",
            .os_nccl_version = "2.27.3-1", .efa_version = "v1.42",
            .cuda_extensions = {{"flash-attn", "2.7.4.post1", false}, {"", "two", std::nullopt}}};
  std::vector<InputError> errors = Matrix::Embedded().Validate(in);
  std::vector<std::string> attributes;
  for (const InputError& e : errors) attributes.push_back(e.attribute);
  EXPECT_EQ(attributes, (std::vector<std::string>{"host_driver_version", "cuda_version", "torch_version", "os_nccl_version",
                                                  "efa_version", "cloud", "cuda_extensions[1].name",
                                                  "cuda_extensions[1].version"}));
  EXPECT_TRUE(Contains(errors[1].message, "\"12.x.y\" is not a version")) << errors[1].message;
  EXPECT_TRUE(Contains(errors[1].message, "12.4")) << errors[1].message;
  EXPECT_TRUE(Contains(errors[5].message, "\"aws\" or \"azure\"")) << errors[5].message;
}

TEST(MatrixTest, StatusNames) {
  EXPECT_EQ(StatusName(Status::kNotApplicable), "N/A");
  EXPECT_EQ(StatusName(Status::kOk), "OK");
  EXPECT_EQ(StatusName(Status::kWarn), "WARN");
  EXPECT_EQ(StatusName(Status::kFail), "FAIL");
}

}  // namespace
}  // namespace dcs::compat
