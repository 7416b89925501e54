// Azure answers: the Entra ID token answer, then ARM's registry GET and PATCH
// answers, read into the client's types; registry resource ids as users
// write them. Error messages must stay valid UTF-8.
// Input: parts separated by "\n--\n" (token, GET, PATCH answers, resource id),
// each answer a status selector byte + a body.
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "clients/azure/azure.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

namespace {

using namespace dcs;

http::Response AnswerFrom(std::string_view part) {
  if (part.empty()) return fuzz::Answer(200, "");
  return fuzz::Answer(fuzz::StatusFor(static_cast<unsigned char>(part[0])), part.substr(1),
                      {{"Content-Type", "application/json"}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 4);
  // Outside text is quoted as it came (the plugin server scrubs diagnostics);
  // what the client itself cuts or builds from valid UTF-8 must stay valid.
  parts.resize(4);
  // (The bodies, not the whole input: a status selector byte can cut a
  // multi-byte character in two, leaving a valid input with invalid bodies.)
  bool valid_input = true;
  for (int i = 0; i < 4; ++i) {
    valid_input = valid_input && cty::IsValidUtf8(i < 3 && !parts[i].empty() ? parts[i].substr(1) : parts[i]);
  }
  auto transport = std::make_shared<fuzz::ScriptedTransport>();
  for (int i = 0; i < 3; ++i) transport->Push(AnswerFrom(parts[i]));
  azure::AzureConfig config;
  config.client_id = "id";
  config.client_secret = "secret";
  config.tenant_id = "tenant";
  config.authority = "http://127.0.0.1:1";
  config.resource_manager = "http://127.0.0.1:2";
  http::RetryPolicy once;
  once.max_attempts = 1;
  once.total_deadline = std::chrono::milliseconds(0);
  azure::ArmClient arm(config, transport, once);
  azure::RegistryId id{"sub", "rg", "reg"};
  auto got = arm.GetRegistry(id);
  if (!got.ok()) FUZZ_CHECK(!valid_input || cty::IsValidUtf8(std::string(got.status().message())), "GET error is not UTF-8: " + absl::CEscape(got.status().message()));
  auto set = arm.SetRetentionPolicy(id, azure::RetentionPolicy{30, true});
  if (!set.ok()) FUZZ_CHECK(!valid_input || cty::IsValidUtf8(std::string(set.status().message())), "PATCH error is not UTF-8: " + absl::CEscape(set.status().message()));
  (void)azure::ParseRegistryId(std::string(parts[3]));
  const absl::Status error = azure::ArmError(AnswerFrom(parts[1]), "GET registry");
  FUZZ_CHECK(!valid_input || cty::IsValidUtf8(std::string(error.message())), "ArmError is not UTF-8: " + absl::CEscape(error.message()));
  return 0;
}
