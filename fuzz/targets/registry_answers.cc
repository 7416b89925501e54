// A registry's answers to the Distribution API: the 401 challenge, the token
// server's answer, the tag list and a manifest (headers and body). Nothing
// crashes or hits undefined behaviour; errors stay valid UTF-8.
// Input: parts separated by "\n--\n": WWW-Authenticate value, token answer,
// tags answer, manifest answer (answers: status selector byte + body).
#include <memory>
#include <string>

#include "clients/http/testing/fakes.h"
#include "clients/registry/registry_client.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

namespace {

using namespace dcs;

http::Response AnswerFrom(std::string_view part, http::Headers headers = {}) {
  if (part.empty()) return fuzz::Answer(200, "", std::move(headers));
  return fuzz::Answer(fuzz::StatusFor(static_cast<unsigned char>(part[0])), part.substr(1), std::move(headers));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 4);
  // Outside text is quoted as it came (the plugin server scrubs diagnostics);
  // what the client itself cuts or builds from valid UTF-8 must stay valid.
  parts.resize(4);
  // (The header and the bodies, not the whole input: a status selector byte
  // can cut a multi-byte character in two, leaving a valid input with invalid bodies.)
  bool valid_input = true;
  for (int i = 0; i < 4; ++i) {
    valid_input = valid_input && cty::IsValidUtf8(i > 0 && !parts[i].empty() ? parts[i].substr(1) : parts[i]);
  }
  auto transport = std::make_shared<fuzz::ScriptedTransport>();
  // ListTags: the challenge, the token, the answer with the token.
  transport->Push(fuzz::Answer(401, "{}", {{"WWW-Authenticate", std::string(parts[0])}}));
  transport->Push(AnswerFrom(parts[1], {{"Content-Type", "application/json"}}));
  transport->Push(AnswerFrom(parts[2], {{"Content-Type", "application/json"}, {"Link", "</v2/x/tags/list?n=1&last=a>; rel=\"next\""}}));
  // GetManifest (the cached token is reused; a new challenge is answered again).
  transport->Push(AnswerFrom(parts[3], {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                        {"Docker-Content-Digest", "sha256:" + std::string(64, 'a')}}));
  transport->Push(AnswerFrom(parts[1], {{"Content-Type", "application/json"}}));
  transport->Push(AnswerFrom(parts[3]));
  registry::RegistryOptions options;
  options.host = "127.0.0.1:5000";
  options.plain_http = true;
  options.auth.discover = false;
  options.auth.credentials.username = "u";
  options.auth.credentials.password = "p";
  options.transport = transport;
  options.retry.max_attempts = 1;
  options.retry.total_deadline = std::chrono::milliseconds(0);
  options.clock = std::make_shared<http::FakeClock>();
  auto client = registry::RegistryClient::Create(options);
  FUZZ_CHECK(client.ok(), "client options refused");
  auto tags = (*client)->ListTags("team/app");
  if (!tags.ok()) FUZZ_CHECK(!valid_input || cty::IsValidUtf8(std::string(tags.status().message())), "ListTags error is not UTF-8");
  auto manifest = (*client)->GetManifest("team/app", "v1");
  if (!manifest.ok()) FUZZ_CHECK(!valid_input || cty::IsValidUtf8(std::string(manifest.status().message())), "GetManifest error is not UTF-8");
  return 0;
}
