// dcs_acr_retention_policy: schema and validation. The ARM flow runs in
// tests/acceptance/test_acr_retention_policy.py against dcs-emulator.
#include <gtest/gtest.h>

#include "resources/provider.h"
#include "sdk/framework/resource.h"

namespace dcs::resources {
namespace {

TEST(AcrRetentionPolicyTest, SchemaAndRegistryIdValidation) {
  auto r = NewAcrRetentionPolicyResource();
  EXPECT_EQ(r->TypeName(), "dcs_acr_retention_policy");
  ASSERT_TRUE(schema::ValidateSchema(r->GetSchema()).ok());
  const cty::Type type = r->GetSchema().block.ImpliedType();
  for (const auto& [id, valid] : std::vector<std::pair<std::string, bool>>{
           {"/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr", true},
           {"acr", false},
           {"/subscriptions/s/resourceGroups/g", false}}) {
    framework::Diagnostics d;
    r->ValidateConfig({{}, cty::Value::Object(type, {{"registry_id", cty::Value::String(id)}})}, d);
    EXPECT_EQ(d.HasError(), !valid) << id;
  }
  auto* importer = dynamic_cast<framework::ResourceWithImport*>(r.get());
  ASSERT_NE(importer, nullptr);
  framework::ImportResponse bad;
  importer->ImportState({{}, "not-an-id"}, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());
}

}  // namespace
}  // namespace dcs::resources
