// Validation of the provider block's numeric settings.
#include <gtest/gtest.h>

#include "resources/provider.h"
#include "sdk/cty/number.h"
#include "sdk/cty/value.h"

namespace dcs::resources {
namespace {

framework::Diagnostics ValidateAttribute(const std::string& name, const cty::Value& v) {
  auto provider = NewProvider("test");
  const schema::Schema s = provider->GetSchema();
  const schema::Attribute* attr = s.block.FindAttribute(name);
  EXPECT_NE(attr, nullptr) << name;
  framework::Diagnostics d;
  if (attr == nullptr) return d;
  for (const auto& validator : attr->validators) validator->Validate(v, cty::Path().Attr(name), d);
  return d;
}

// UBSan reproducer (issue 14): rate_limit = 1e-300 had no validator and made
// the retrying client convert an infinite interval to an integer.
TEST(ProviderConfigTest, RateLimitMustBeAPlausibleRate) {
  for (const char* bad : {"1e-300", "0", "-1", "1e300"}) {
    framework::Diagnostics d = ValidateAttribute("rate_limit", cty::Value::NumberVal(*cty::Number::Parse(bad)));
    EXPECT_TRUE(d.HasError()) << bad;
  }
  for (const char* good : {"15", "0.5", "10000"}) {
    framework::Diagnostics d = ValidateAttribute("rate_limit", cty::Value::NumberVal(*cty::Number::Parse(good)));
    EXPECT_FALSE(d.HasError()) << good;
  }
}

}  // namespace
}  // namespace dcs::resources
