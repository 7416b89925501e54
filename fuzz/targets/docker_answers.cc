// What the Docker CLI's configuration and the Docker Engine tell the
// provider: config.json (auths, credHelpers, credsStore) with a credential
// helper's answer, and the engine's /_ping, /version and image-inspect
// answers. Nothing crashes or hits undefined behaviour, every error message
// is valid UTF-8 (it ends up in a Terraform diagnostic), and a password from
// the config never shows in one.
// Input: parts separated by "\n--\n": config.json; the helper's answer (a
// selector byte: even = exit 0, odd = exit 1, then its stdout); the /version
// answer and the inspect answer (a status selector byte + the body).
#include <memory>
#include <string>

#include "clients/docker/docker_client.h"
#include "clients/docker/endpoint.h"
#include "clients/registry/credentials.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

namespace {

using namespace dcs;

void CheckMessage(const absl::Status& s, const std::string& what) {
  FUZZ_CHECK(cty::IsValidUtf8(std::string(s.message())), what + " error is not UTF-8");
}

// Passwords the config holds in clear (auths entries with "password") are
// replaced by this marker before the file is written, so "the error quotes a
// password" is not confused with an error that quotes a key, a helper's
// output or its own text which happen to contain the fuzzer's password.
constexpr char kPasswordMarker[] = "dcs-fuzz-config-password";

void LookUpCredentials(std::string_view config, std::string_view helper_answer) {
  static const fuzz::ScratchFile scratch("docker-config");
  auto parsed = nlohmann::json::parse(config, nullptr, false);
  bool marked = false;
  if (parsed.is_object() && parsed.contains("auths") && parsed["auths"].is_object()) {
    for (auto& [key, entry] : parsed["auths"].items()) {
      if (entry.is_object() && entry.contains("password") && entry["password"].is_string()) {
        entry["password"] = kPasswordMarker;
        marked = true;
      }
    }
  }
  scratch.Write(marked ? parsed.dump() : std::string(config));
  const bool marker_elsewhere = std::string_view(config).find(kPasswordMarker) != std::string_view::npos ||
                                helper_answer.find(kPasswordMarker) != std::string_view::npos;
  const int exit_code = !helper_answer.empty() && (static_cast<unsigned char>(helper_answer[0]) & 1) ? 1 : 0;
  const std::string helper_out(helper_answer.empty() ? helper_answer : helper_answer.substr(1));
  registry::HelperRunner runner = [&](const std::string&, const std::string&) -> absl::StatusOr<registry::HelperOutput> {
    return registry::HelperOutput{exit_code, helper_out};
  };
  auto store = registry::CredentialStore::Load(scratch.path(), runner);
  if (!store.ok()) {
    CheckMessage(store.status(), "config load");
    return;
  }
  for (const char* host : {"127.0.0.1:5000", "docker.io", "myacr.azurecr.io"}) {
    auto found = store->Lookup(host);
    if (found.ok()) continue;
    CheckMessage(found.status(), "credential lookup");
    FUZZ_CHECK(!marked || marker_elsewhere ||
                   std::string(found.status().message()).find(kPasswordMarker) == std::string::npos,
               "a password from the docker config shows in an error");
  }
}

void TalkToTheEngine(std::string_view version_answer, std::string_view inspect_answer) {
  static const docker::Endpoint endpoint = *docker::ParseEndpoint("tcp://127.0.0.1:1", "", "", "/nonexistent");
  auto transport = std::make_shared<fuzz::ScriptedTransport>();
  const auto answer = [](std::string_view part) {
    if (part.empty()) return fuzz::Answer(200, "", {{"Content-Type", "application/json"}});
    return fuzz::Answer(fuzz::StatusFor(static_cast<unsigned char>(part[0])), part.substr(1),
                        {{"Content-Type", "application/json"}});
  };
  transport->Push(fuzz::Answer(200, "OK", {}));  // /_ping
  transport->Push(answer(version_answer));        // /version
  auto client = docker::DockerClient::Connect(endpoint, transport);
  if (!client.ok()) {
    CheckMessage(client.status(), "engine connect");
    return;
  }
  const std::string version = (*client)->api_version();
  FUZZ_CHECK(docker::CompareApiVersions(version, docker::kMaxApiVersion) <= 0, "negotiated above our maximum");
  transport->Push(answer(inspect_answer));
  auto info = (*client)->Inspect("team/app:1");
  if (!info.ok()) CheckMessage(info.status(), "inspect");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 4);
  parts.resize(4);
  LookUpCredentials(parts[0], parts[1]);
  TalkToTheEngine(parts[2], parts[3]);
  return 0;
}
