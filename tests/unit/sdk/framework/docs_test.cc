#include "sdk/framework/docs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/sdk/framework/fake_resource.h"

namespace dcs::framework {
namespace {

namespace fs = std::filesystem;
using testing::FakeResource;

class DocsProvider : public Provider {
 public:
  DocsProvider() {
    schema_.block.description = "Manages fake things.";
    schema_.block.attributes = {schema::Attribute{.name = "endpoint", .type = cty::Type::String(),
                                                  .description = "Where the fake API lives."}};
  }
  std::string TypeName() const override { return "fake"; }
  std::string Version() const override { return "0.0.1"; }
  const schema::Schema& GetSchema() const override { return schema_; }
  std::shared_ptr<const ProviderData> Configure(const ConfigureRequest&, Diagnostics&) override { return nullptr; }
  std::vector<std::unique_ptr<Resource>> Resources() const override {
    std::vector<std::unique_ptr<Resource>> v;
    v.push_back(std::make_unique<FakeResource>());
    return v;
  }
  std::vector<std::unique_ptr<DataSource>> DataSources() const override { return {}; }
  std::vector<std::unique_ptr<Function>> Functions() const override { return {}; }

 private:
  schema::Schema schema_;
};

class DocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dcs-docs-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "provider");
    fs::create_directories(dir_ / "resources" / "fake_thing");
    auto engine = Engine::Create(std::make_unique<DocsProvider>());
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  std::string Page(const std::string& path) {
    for (const DocPage& p : RenderDocs(*engine_, dir_.string())) {
      if (p.path == path) return p.content;
    }
    ADD_FAILURE() << "no page " << path;
    return "";
  }

  fs::path dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(DocsTest, IndexPutsHandWrittenSectionsBetweenTheExampleAndTheSchema) {
  Write("provider/provider.tf", "provider \"fake\" {}\n");
  Write("provider/sections.md", "## Authentication\n\nTokens come from FAKE_TOKEN.");
  const std::string index = Page("index.md");
  const size_t example = index.find("## Example Usage");
  const size_t sections = index.find("## Authentication\n\nTokens come from FAKE_TOKEN.\n\n## Schema");
  const size_t schema = index.find("## Schema");
  ASSERT_NE(example, std::string::npos) << index;
  ASSERT_NE(sections, std::string::npos) << index;
  EXPECT_LT(example, sections);
  EXPECT_LT(sections, schema);
  EXPECT_NE(index.find("- `endpoint` (String) Where the fake API lives."), std::string::npos) << index;
}

TEST_F(DocsTest, IndexWithoutSectionsGoesFromTheExampleToTheSchema) {
  Write("provider/provider.tf", "provider \"fake\" {}\n");
  const std::string index = Page("index.md");
  EXPECT_NE(index.find("```\n\n## Schema"), std::string::npos) << index;
}

TEST_F(DocsTest, ResourcePageHasExampleSchemaAndImport) {
  Write("resources/fake_thing/resource.tf", "resource \"fake_thing\" \"x\" { name = \"a\" }\n");
  Write("resources/fake_thing/import.sh", "tofu import fake_thing.x a\n");
  const std::string page = Page("resources/thing.md");
  EXPECT_NE(page.find("# fake_thing (Resource)"), std::string::npos) << page;
  EXPECT_NE(page.find("resource \"fake_thing\" \"x\""), std::string::npos) << page;
  EXPECT_NE(page.find("### Required\n\n- `name` (String)"), std::string::npos) << page;
  EXPECT_NE(page.find("## Import\n\nImport is supported using the following syntax:\n\n```shell\n"
                      "tofu import fake_thing.x a\n```"),
            std::string::npos)
      << page;
}

}  // namespace
}  // namespace dcs::framework
