// Databricks REST answers (any status, any body) read into the clients'
// types: clusters, instance pools, workspace-conf, secrets, AI Runtime
// images, and error bodies. Nothing crashes or hits undefined behaviour, and
// every error message is valid UTF-8 (it ends up in a Terraform diagnostic).
// Input: parts separated by "\n--\n", each a selector byte + a body. The
// selector's low four bits pick the HTTP status, its high four bits which of
// the ten calls reads the answer: the calls share the status mapping and the
// error-body parsing, so running all ten on every part spent most of the time
// repeating that shared path (about a sixth of the inputs per second).
#include <memory>
#include <string>

#include "clients/databricks/ai_runtime_images_api.h"
#include "clients/databricks/clusters_api.h"
#include "clients/databricks/instance_pools_api.h"
#include "clients/databricks/secrets_api.h"
#include "clients/databricks/workspace_conf_api.h"
#include "clients/http/testing/fakes.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

namespace {

using namespace dcs;

template <class T>
void CheckStatus(const absl::StatusOr<T>& r) {
  if (!r.ok()) FUZZ_CHECK(cty::IsValidUtf8(std::string(r.status().message())), "error message is not UTF-8");
}
[[maybe_unused]] void CheckStatus(const absl::Status& s) {
  FUZZ_CHECK(cty::IsValidUtf8(std::string(s.message())), "error message is not UTF-8");
}

// One client for the whole run: building it (token source selection, retry
// policy) cost more than the calls themselves. Nothing a call leaves behind
// reaches the next one: the token is a PAT, the retry deadline is zero on a
// fake clock, and the script is emptied before every call, so each call sees
// its one answer and then a dead connection, as with a fresh client.
struct Harness {
  Harness() {
    databricks::ResolvedConfig config;
    config.host = "https://ws.example";
    config.token = "dapi-fuzz";
    config.rate_limit = 0;
    config.retry_timeout_seconds = 0;
    client = std::make_unique<databricks::Client>(config, transport, std::make_shared<http::FakeClock>(), "fuzz");
  }
  databricks::Client& With(const http::Response& answer) {
    transport->Clear();
    transport->Push(answer);
    return *client;
  }
  std::shared_ptr<fuzz::ScriptedTransport> transport = std::make_shared<fuzz::ScriptedTransport>();
  std::unique_ptr<databricks::Client> client;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness h;
  static const nlohmann::json spec = {{"spark_version", "15.4.x-scala2.12"}, {"idempotency_token", "t"}};
  for (std::string_view part : fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 4)) {
    if (part.empty()) continue;
    const auto selector = static_cast<unsigned char>(part[0]);
    const http::Response answer =
        fuzz::Answer(fuzz::StatusFor(selector), part.substr(1), {{"Content-Type", "application/json"}});
    databricks::Client& client = h.With(answer);
    switch ((selector >> 4) % 10) {
      case 0: CheckStatus(databricks::ClustersApi(client).Get("c1", nullptr)); break;
      case 1: CheckStatus(databricks::ClustersApi(client).List(nullptr)); break;
      case 2: CheckStatus(databricks::ClustersApi(client).Create(spec, nullptr)); break;
      case 3: CheckStatus(databricks::InstancePoolsApi(client).Get("p1", nullptr)); break;
      case 4: CheckStatus(databricks::InstancePoolsApi(client).List(nullptr)); break;
      case 5:
        CheckStatus(databricks::WorkspaceConfApi(client).Get({"enableDcs", "maxTokenLifetimeDays"}, nullptr));
        break;
      case 6: CheckStatus(databricks::SecretsApi(client).ListScopes(nullptr)); break;
      case 7: CheckStatus(databricks::SecretsApi(client).ListSecrets("s", nullptr)); break;
      case 8: CheckStatus(databricks::AiRuntimeImagesApi(client).Get("docker.io/a/b:1", nullptr)); break;
      default: (void)databricks::AiRuntimeImagesApi(client).CheckImageAccess("docker.io/a/b:1", nullptr); break;
    }
  }
  return 0;
}
