// dcs_image: schema, model, context hash, validation, import, and the pure
// retention selection. The Docker / registry flows run in
// tests/acceptance/test_image.py against a real dockerd and registries.
#include <gtest/gtest.h>

#include "resources/image_model.h"
#include "resources/image_retention.h"
#include "resources/provider.h"
#include "sdk/framework/resource.h"
#include "tests/unit/clients/docker/test_tree.h"

namespace dcs::resources {
namespace {

using cty::Value;
using Clock = std::chrono::system_clock;

Value Config(std::map<std::string, Value> attrs) {
  return Value::Object(ImageSchema().block.ImpliedType(), std::move(attrs));
}

Value Strings(std::vector<std::string> items) {
  std::vector<Value> v;
  for (auto& s : items) v.push_back(Value::String(s));
  return Value::List(cty::Type::String(), std::move(v));
}

std::string Errors(const framework::Diagnostics& d) {
  std::string out;
  for (const auto& i : d.items()) out += i.summary + ": " + i.detail + "\n";
  return out;
}

TEST(ImageSchemaTest, SchemasOfTheProviderAreValid) {
  EXPECT_TRUE(schema::ValidateSchema(ImageSchema()).ok()) << schema::ValidateSchema(ImageSchema());
  auto provider = NewProvider("test");
  EXPECT_TRUE(schema::ValidateSchema(provider->GetSchema()).ok());
  EXPECT_NE(provider->GetSchema().block.FindAttribute("docker_host"), nullptr);
  EXPECT_NE(provider->GetSchema().block.FindBlock("registry_auth"), nullptr);
  std::vector<std::string> types;
  for (const auto& r : provider->Resources()) {
    types.push_back(r->TypeName());
    EXPECT_TRUE(schema::ValidateSchema(r->GetSchema()).ok()) << r->TypeName();
  }
  EXPECT_NE(std::find(types.begin(), types.end(), "dcs_image"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "dcs_acr_retention_policy"), types.end());
  // Keep the schema alive: FindBlock returns a pointer into it.
  const schema::Schema image_schema = ImageSchema();
  const auto* auth = image_schema.block.FindBlock("registry_auth");
  ASSERT_NE(auth, nullptr);
  // Write-only where the client supports it, sensitive otherwise (the engine degrades it).
  EXPECT_TRUE(auth->block->FindAttribute("password")->sensitive);
  EXPECT_TRUE(auth->block->FindAttribute("password")->write_only);
}

TEST(ImageModelTest, ReadsConfig) {
  const cty::Type auth_type = ImageSchema().block.FindBlock("registry_auth")->block->ImpliedType();
  Value auth = Value::Object(auth_type, {{"username", Value::String("u")},
                                         {"password", Value::String("pw")}});
  ImageModel m = ImageModelFrom(Config({{"name", Value::String("127.0.0.1:5000/team/app")},
                                        {"tags", Strings({"v1", "prod"})},
                                        {"context", Value::String("/ctx")},
                                        {"registry_auth", Value::List(auth_type, {auth})}}));
  EXPECT_EQ(m.Host(), "127.0.0.1:5000");
  EXPECT_EQ(m.RepositoryPath(), "team/app");
  EXPECT_EQ(m.tags, (std::vector<std::string>{"v1", "prod"}));
  EXPECT_EQ(m.dockerfile, "Dockerfile");
  EXPECT_TRUE(m.keep_remotely);
  EXPECT_EQ(m.credentials.username, "u");
  EXPECT_EQ(m.credentials.password, "pw");
  EXPECT_FALSE(m.retention.has_value());
  EXPECT_EQ(DigestOfRepoDigest("r/a@sha256:ab"), "sha256:ab");
  EXPECT_EQ(DigestOfRepoDigest("r/a"), "");
}

TEST(ContextHashTest, ChangesOnlyWithWhatReachesTheBuild) {
  testing::TempTree t;
  t.Write("Dockerfile", "FROM scratch\nCOPY app.txt /\n");
  t.Write("app.txt", "v1");
  t.Write("notes/ignored.md", "x");
  t.Write(".dockerignore", "notes\n");
  ImageModel m;
  m.context = t.root();
  auto base = ComputeContextHash(m);
  ASSERT_TRUE(base.ok()) << base.status();
  t.Write("notes/ignored.md", "changed");
  EXPECT_EQ(*ComputeContextHash(m), *base) << "ignored files do not count";
  t.Write("app.txt", "v2");
  auto edited = ComputeContextHash(m);
  EXPECT_NE(*edited, *base);
  m.build_args["VERSION"] = "1";
  EXPECT_NE(*ComputeContextHash(m), *edited) << "build args count";
  m.build_args.clear();
  m.triggers["commit"] = "abc";
  EXPECT_NE(*ComputeContextHash(m), *edited) << "triggers count";

  testing::TempTree no_dockerfile;
  no_dockerfile.Write("app.txt", "v1");
  ImageModel inline_model;
  inline_model.context = no_dockerfile.root();
  inline_model.dockerfile_inline = "FROM scratch\n";
  EXPECT_TRUE(ComputeContextHash(inline_model).ok());
  inline_model.dockerfile_inline.clear();
  EXPECT_EQ(ComputeContextHash(inline_model).status().code(), absl::StatusCode::kNotFound);
  inline_model.context = no_dockerfile.root() + "/missing";
  EXPECT_EQ(ComputeContextHash(inline_model).status().code(), absl::StatusCode::kNotFound);
}

TEST(ContextHashTest, SecretsCountByIdSourceAndVersionNeverByValue) {
  testing::TempTree t;
  t.Write("Dockerfile", "FROM scratch\n");
  ImageModel m;
  m.context = t.root();
  const std::string no_secret = *ComputeContextHash(m);
  m.secrets.push_back({"token", "value-one", "", "", "1"});
  const std::string with_secret = *ComputeContextHash(m);
  EXPECT_NE(with_secret, no_secret);
  m.secrets[0].value = "value-two";
  EXPECT_EQ(*ComputeContextHash(m), with_secret) << "a secret's value is not a build input";
  for (const auto& [k, v] : HashInputs(m)) {
    EXPECT_EQ(k.find("value-"), std::string::npos);
    EXPECT_EQ(v.find("value-"), std::string::npos) << "the value never reaches the hash inputs";
  }
  m.secrets[0].version = "2";
  EXPECT_NE(*ComputeContextHash(m), with_secret) << "the version knob rebuilds";
  m.secrets[0].version = "1";
  m.secrets[0].value.clear();
  m.secrets[0].env = "TOKEN";
  EXPECT_NE(*ComputeContextHash(m), with_secret) << "the source counts";
}

TEST(ContextHashTest, UnsetBuilderKeepsTheHashOfReleasesBeforeBuildKit) {
  testing::TempTree t;
  t.Write("Dockerfile", "FROM scratch\n");
  ImageModel m;
  m.context = t.root();
  auto inputs = HashInputs(m);
  ASSERT_FALSE(inputs.empty());
  EXPECT_EQ(inputs.front(), (std::pair<std::string, std::string>{"builder", "classic-v1"}));
  const std::string unset = *ComputeContextHash(m);
  m.builder = "buildkit";
  const std::string buildkit = *ComputeContextHash(m);
  m.builder = "classic";
  EXPECT_NE(buildkit, unset);
  EXPECT_NE(*ComputeContextHash(m), buildkit);
  m.builder.clear();
  m.cache_from = {"type=registry,ref=r/app:cache"};
  m.cache_to = {"type=registry,ref=r/app:cache,mode=max"};
  EXPECT_EQ(*ComputeContextHash(m), unset) << "caches do not change the image";
}

TEST(ImageValidateTest, SecretsNeedOneSourceAndUniqueIds) {
  auto r = NewImageResource();
  const cty::Type secret_type = ImageSchema().block.FindBlock("secret")->block->ImpliedType();
  auto secret = [&](std::string id, std::optional<std::string> value, std::optional<std::string> env) {
    return Value::Object(secret_type, {{"id", Value::String(id)},
                                       {"value", value ? Value::String(*value) : Value::Null(cty::Type::String())},
                                       {"env", env ? Value::String(*env) : Value::Null(cty::Type::String())},
                                       {"file", Value::Null(cty::Type::String())},
                                       {"version", Value::Null(cty::Type::String())}});
  };
  auto config = [&](std::vector<Value> secrets) {
    return Config({{"name", Value::String("r.io/app")}, {"tags", Strings({"v1"})},
                   {"secret", Value::List(secret_type, std::move(secrets))}});
  };
  framework::Diagnostics ok;
  r->ValidateConfig({{}, config({secret("a", "x", std::nullopt), secret("b", std::nullopt, "B")})}, ok);
  EXPECT_FALSE(ok.HasError()) << Errors(ok);
  framework::Diagnostics two;
  r->ValidateConfig({{}, config({secret("a", "x", "A")})}, two);
  EXPECT_NE(Errors(two).find("exactly one source"), std::string::npos) << Errors(two);
  framework::Diagnostics none;
  r->ValidateConfig({{}, config({secret("a", std::nullopt, std::nullopt)})}, none);
  EXPECT_NE(Errors(none).find("exactly one source"), std::string::npos) << Errors(none);
  framework::Diagnostics dup;
  r->ValidateConfig({{}, config({secret("a", "x", std::nullopt), secret("a", "y", std::nullopt)})}, dup);
  EXPECT_NE(Errors(dup).find("Duplicate secret id"), std::string::npos) << Errors(dup);
  // Keep the schema alive: FindBlock returns a pointer into it.
  const schema::Schema image_schema = ImageSchema();
  const auto* block = image_schema.block.FindBlock("secret");
  EXPECT_TRUE(block->block->FindAttribute("value")->sensitive);
  EXPECT_TRUE(block->block->FindAttribute("value")->write_only);
}

TEST(ImageValidateTest, RejectsTagsInNamesBadTagsAndTwoDockerfiles) {
  auto r = NewImageResource();
  struct Case {
    std::map<std::string, Value> attrs;
    std::string expected;  // "" = valid
  } cases[] = {
      {{{"name", Value::String("127.0.0.1:5000/app")}, {"tags", Strings({"v1"})}}, ""},
      {{{"name", Value::String("127.0.0.1:5000/app:v1")}, {"tags", Strings({"v1"})}}, "must not carry a tag"},
      {{{"name", Value::String("Reg/App")}, {"tags", Strings({"v1"})}}, "Invalid image name"},
      {{{"name", Value::String("r.io/app")}, {"tags", Strings({"-bad"})}}, "Invalid tag"},
      {{{"name", Value::String("r.io/app")}, {"tags", Strings({})}}, "No tags"},
      {{{"name", Value::String("r.io/app")}, {"tags", Strings({"v1"})}, {"dockerfile", Value::String("D")},
        {"dockerfile_inline", Value::String("FROM scratch")}}, "Conflicting Dockerfile"},
  };
  for (const auto& c : cases) {
    framework::Diagnostics d;
    r->ValidateConfig({{}, Config(c.attrs)}, d);
    if (c.expected.empty()) {
      EXPECT_FALSE(d.HasError()) << Errors(d);
    } else {
      EXPECT_NE(Errors(d).find(c.expected), std::string::npos) << c.expected << " in\n" << Errors(d);
    }
  }
}

TEST(ImageImportTest, TakesRegistryRepoTag) {
  auto r = NewImageResource();
  auto* importer = dynamic_cast<framework::ResourceWithImport*>(r.get());
  ASSERT_NE(importer, nullptr);
  framework::ImportResponse ok;
  importer->ImportState({{}, "127.0.0.1:5000/team/app:prod"}, ok);
  ASSERT_FALSE(ok.diagnostics.HasError()) << Errors(ok.diagnostics);
  EXPECT_EQ(ok.state.GetAttr("name").AsString(), "127.0.0.1:5000/team/app");
  EXPECT_EQ(ok.state.GetAttr("tags").Elements().at(0).AsString(), "prod");
  EXPECT_EQ(ok.state.GetAttr("id").AsString(), "127.0.0.1:5000/team/app:prod");
  framework::ImportResponse bad;
  importer->ImportState({{}, "127.0.0.1:5000/team/app@sha256:" + std::string(64, 'a')}, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());
}

Clock::time_point Hour(int h) { return Clock::time_point(std::chrono::hours(24 * 365 * 50 + h)); }

TEST(RetentionSelectionTest, KeepLastProtectFilterAgeAndSharedDigests) {
  std::vector<TagInfo> tags;
  for (int i = 1; i <= 12; ++i) {
    tags.push_back({"v" + std::to_string(i), "sha256:" + std::to_string(i), Hour(i)});
  }
  tags[1].tag = "prod";                                        // second oldest
  tags.push_back({"latest", "sha256:12", Hour(12)});           // shares the newest digest
  tags.push_back({"nodate", "sha256:x", std::nullopt});        // index without config
  const Clock::time_point now = Hour(12);

  RetentionSpec keep5{.keep_last = 5, .protect = {"prod"}};
  auto out = SelectTagsToDelete(tags, keep5, {"latest"}, now);
  ASSERT_TRUE(out.ok()) << out.status();
  // 12 candidates incl. nodate minus 5 newest (v12 v11 v10 v9 v8), prod protected.
  EXPECT_EQ(*out, (std::vector<std::string>{"nodate", "v1", "v3", "v4", "v5", "v6", "v7"}));

  RetentionSpec filtered{.keep_last = 2, .tag_filter = "v[0-9]+", .protect = {"v1[01]"}};
  out = SelectTagsToDelete(tags, filtered, {}, now);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (std::vector<std::string>{"v1", "v3", "v4", "v5", "v6", "v7", "v8"}));

  // v12 shares its digest with "latest", which is kept: deleting the digest
  // would delete "latest" too, so v12 stays.
  RetentionSpec shared{.keep_last = 0, .tag_filter = "v12|v11"};
  out = SelectTagsToDelete(tags, shared, {}, now);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (std::vector<std::string>{"v11"}));

  RetentionSpec by_age{.max_age_days = 0};
  out = SelectTagsToDelete({{"old", "sha256:o", Hour(0)}, {"new", "sha256:n", Hour(13)}}, by_age, {}, Hour(12));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (std::vector<std::string>{"old"}));

  EXPECT_TRUE(SelectTagsToDelete(tags, {}, {}, now)->empty()) << "no rule, no deletion";
  RetentionSpec bad{.keep_last = 1, .tag_filter = "("};
  EXPECT_EQ(SelectTagsToDelete(tags, bad, {}, now).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dcs::resources
