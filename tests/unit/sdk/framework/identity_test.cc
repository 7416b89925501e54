// Resource identity defaults: identity from same-named state attributes, the
// import ID from the required attribute, and the errors for bad identities.
#include <gtest/gtest.h>

#include "sdk/framework/resource.h"

namespace dcs::framework {
namespace {

using cty::Type;
using cty::Value;

class PoolLike : public ResourceWithIdentity {
 public:
  const IdentitySchema& GetIdentitySchema() const override { return identity_; }
  IdentitySchema identity_ = StringIdentity("pool_id", "The pool id.");
};

const Type kState = Type::Object({{"pool_id", Type::String()}, {"name", Type::String()}});

TEST(IdentityTest, StringIdentityIsOneRequiredStringAttribute) {
  PoolLike r;
  const IdentitySchema& s = r.GetIdentitySchema();
  ASSERT_EQ(s.attributes.size(), 1u);
  EXPECT_EQ(s.attributes[0].name, "pool_id");
  EXPECT_TRUE(s.attributes[0].required_for_import);
  EXPECT_TRUE(s.ImpliedType() == Type::Object({{"pool_id", Type::String()}}));
}

TEST(IdentityTest, IdentityComesFromTheSameNamedStateAttribute) {
  PoolLike r;
  Value state = Value::Object(kState, {{"pool_id", Value::String("p-1")}, {"name", Value::String("gpu")}});
  Value identity = r.IdentityFromState(state);
  EXPECT_EQ(identity.GetAttr("pool_id").AsString(), "p-1");
  EXPECT_EQ(identity.Attributes().size(), 1u);
  // Planned for create: still unknown, so not wholly known.
  Value planned = Value::Object(kState, {{"pool_id", Value::Unknown(Type::String())}, {"name", Value::String("gpu")}});
  EXPECT_FALSE(r.IdentityFromState(planned).IsWhollyKnown());
}

TEST(IdentityTest, ImportIdIsTheRequiredAttributeAndEmptyOrNullIsRefused) {
  PoolLike r;
  const Type t = r.GetIdentitySchema().ImpliedType();
  auto id = r.ImportIdFromIdentity(Value::Object(t, {{"pool_id", Value::String("p-9")}}));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "p-9");
  for (const Value& bad : {Value::String(""), Value::Null(Type::String())}) {
    auto r2 = r.ImportIdFromIdentity(Value::Object(t, {{"pool_id", bad}}));
    EXPECT_EQ(r2.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(r2.status().message()).find("pool_id"), std::string::npos) << r2.status();
  }
}

}  // namespace
}  // namespace dcs::framework
