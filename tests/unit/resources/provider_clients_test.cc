// ProviderClients: one object per configured provider, clients built once,
// reached typed through the framework context.
#include "resources/provider_clients.h"

#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "clients/http/testing/fakes.h"
#include "sdk/framework/context.h"

namespace dcs::resources {
namespace {

ProviderConfig PatConfig() {
  ProviderConfig c;
  c.host = "https://ws.example";
  c.token = "dapi-test";
  c.provider_version = "1.2.3";
  c.terraform_version = "1.12.6";
  return c;
}

TEST(ProviderClientsTest, UserAgentNamesTheProviderAndTheClient) {
  ProviderClients clients(PatConfig());
  EXPECT_EQ(clients.user_agent(), "terraform-provider-dcs/1.2.3 terraform/1.12.6");
  ProviderConfig bare;
  EXPECT_EQ(ProviderClients(bare).user_agent(), "terraform-provider-dcs/dev");
}

TEST(ProviderClientsTest, TheWorkspaceClientIsBuiltOnceForEveryCaller) {
  auto clients = std::make_shared<ProviderClients>(
      PatConfig(), ProviderClients::Injected{.transport = std::make_shared<http::FakeTransport>(),
                                             .clock = std::make_shared<http::FakeClock>()});
  std::vector<std::shared_ptr<databricks::Client>> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto c = clients->Workspace();
      ASSERT_TRUE(c.ok()) << c.status();
      seen[i] = *c;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& c : seen) EXPECT_EQ(c.get(), seen[0].get());
}

TEST(ProviderClientsTest, AResolutionErrorIsKeptAndRepeated) {
  ::unsetenv("DATABRICKS_HOST");
  ::unsetenv("DATABRICKS_CONFIG_FILE");
  ProviderConfig c;
  c.config_file = "/nonexistent/databrickscfg";
  ProviderClients clients(c);
  auto first = clients.Workspace();
  auto second = clients.Workspace();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status(), second.status());
}

TEST(ProviderClientsTest, InjectedClientsReplaceTheRealOnes) {
  auto fake = std::make_shared<http::FakeTransport>();
  databricks::ResolvedConfig rc;
  rc.host = "https://ws.example";
  rc.token = "t";
  auto workspace = std::make_shared<databricks::Client>(rc, fake, std::make_shared<http::FakeClock>(), "test");
  ProviderClients clients(ProviderConfig{}, ProviderClients::Injected{.workspace = workspace});
  auto got = clients.Workspace();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->get(), workspace.get());
}

TEST(ProviderClientsTest, ClientsOfReadsTheContextTyped) {
  framework::Context unconfigured;
  EXPECT_EQ(ClientsOf(unconfigured).status().code(), absl::StatusCode::kFailedPrecondition);

  struct OtherData : framework::ProviderData {};
  framework::Context other;
  other.provider = std::make_shared<OtherData>();
  EXPECT_FALSE(ClientsOf(other).ok());

  framework::Context ctx;
  auto clients = std::make_shared<ProviderClients>(PatConfig());
  ctx.provider = clients;
  auto got = ClientsOf(ctx);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, clients.get());
}

TEST(ProviderClientsTest, WorkspaceClientOrDiagnoseSaysWhatToConfigure) {
  framework::Context unconfigured;
  framework::Diagnostics d;
  EXPECT_EQ(WorkspaceClientOrDiagnose(unconfigured, d), nullptr);
  ASSERT_TRUE(d.HasError());
}

}  // namespace
}  // namespace dcs::resources
