#include "sdk/framework/schema.h"

#include <gtest/gtest.h>

namespace dcs::schema {
namespace {

using framework::Diagnostics;

const cty::Type S = cty::Type::String();

Schema Sample() {
  Schema s;
  s.block.attributes = {
      Attribute{.name = "name", .type = S, .mode = Mode::kRequired},
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed},
      Attribute{.name = "exts", .nested = Nested(Nesting::kList, {Attribute{.name = "v", .type = S}})},
  };
  s.block.blocks = {
      NestedBlock{.name = "docker_image", .nesting = Nesting::kSingle, .block = MakeBlock({Attribute{.name = "url", .type = S}})},
      NestedBlock{.name = "init_scripts", .nesting = Nesting::kList, .block = MakeBlock({Attribute{.name = "path", .type = S}})},
  };
  return s;
}

TEST(SchemaTest, ImpliedTypeCoversAttributesNestedAttributesAndBlocks) {
  cty::Type object = cty::Type::Object({{"url", S}});
  cty::Type want = cty::Type::Object({
      {"name", S},
      {"id", S},
      {"exts", cty::Type::List(cty::Type::Object({{"v", S}}))},
      {"docker_image", object},
      {"init_scripts", cty::Type::List(cty::Type::Object({{"path", S}}))},
  });
  EXPECT_EQ(Sample().block.ImpliedType(), want);
}

TEST(SchemaTest, ValidSchemaPasses) { EXPECT_TRUE(ValidateSchema(Sample()).ok()); }

TEST(SchemaTest, RejectsDuplicateNames) {
  Schema s = Sample();
  s.block.attributes.push_back(Attribute{.name = "docker_image", .type = S});
  absl::Status st = ValidateSchema(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("docker_image"), std::string_view::npos);
}

TEST(SchemaTest, RejectsBadNamesAndModes) {
  Schema bad_name;
  bad_name.block.attributes = {Attribute{.name = "Bad-Name", .type = S}};
  EXPECT_FALSE(ValidateSchema(bad_name).ok());

  Schema computed_write_only;
  computed_write_only.block.attributes = {
      Attribute{.name = "p", .type = S, .mode = Mode::kOptionalComputed, .write_only = true}};
  EXPECT_FALSE(ValidateSchema(computed_write_only).ok());

  Schema default_on_optional;
  default_on_optional.block.attributes = {
      Attribute{.name = "p", .type = S, .default_value = cty::Value::String("x")}};
  EXPECT_FALSE(ValidateSchema(default_on_optional).ok());
}

TEST(SchemaTest, RejectsWriteOnlyInsideSets) {
  Schema s;
  s.block.blocks = {NestedBlock{.name = "auth", .nesting = Nesting::kSet,
                                .block = MakeBlock({Attribute{.name = "password", .type = S, .write_only = true}})}};
  EXPECT_FALSE(ValidateSchema(s).ok());
}

TEST(SchemaTest, RejectsImpossibleItemLimits) {
  Schema s;
  s.block.blocks = {NestedBlock{.name = "one", .nesting = Nesting::kSingle,
                                .block = MakeBlock({}), .min_items = 0, .max_items = 2}};
  EXPECT_FALSE(ValidateSchema(s).ok());
  s.block.blocks[0] = NestedBlock{.name = "many", .nesting = Nesting::kList, .block = MakeBlock({}),
                                  .min_items = 3, .max_items = 2};
  EXPECT_FALSE(ValidateSchema(s).ok());
}

TEST(SchemaTest, RejectsDynamicInsideListBlocks) {
  Schema s;
  s.block.blocks = {NestedBlock{.name = "items", .nesting = Nesting::kList,
                                .block = MakeBlock({Attribute{.name = "any", .type = cty::Type::Dynamic()}})}};
  EXPECT_FALSE(ValidateSchema(s).ok());
}

TEST(DiagnosticsTest, KeepsOrderSeverityAndPath) {
  Diagnostics d;
  d.AddWarning("w", "detail w");
  d.AddError("e", "detail e", cty::Path::Root("docker_image").Attr("basic_auth"));
  ASSERT_EQ(d.items().size(), 2u);
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[1].path->ToString(), "docker_image.basic_auth");
  EXPECT_EQ(d.FirstError(), "e: detail e");
  d.AddStatus(absl::OkStatus(), "ignored");
  EXPECT_EQ(d.items().size(), 2u);
}

}  // namespace
}  // namespace dcs::schema
