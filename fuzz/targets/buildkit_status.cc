// BuildKit's status stream: the Engine API's JSON messages (base64
// moby.buildkit.v1.StatusResponse in "moby.buildkit.trace", the image id, an
// errorDetail) cut into chunks anywhere, and StatusResponse updates as a
// buildkitd answers them (vertexes, logs of any bytes, warnings). Nothing
// crashes or hits undefined behaviour, and a build that reported an error
// never ends as a success. (Output lines are quoted as they came; the plugin
// server scrubs diagnostics to valid UTF-8.)
// Input: parts separated by "\n--\n": a chunk-size byte + the JSON stream,
// then up to three StatusResponse messages in protobuf wire format.
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "clients/docker/buildkit_status.h"
#include "clients/docker/progress_stream.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // protobuf logs every string field that is not UTF-8 (the message is then
  // refused, as the client sees it); the log lines would drown the run's output.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  auto parts = dcs::fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 4);
  dcs::docker::BuildKitStream stream(3);
  std::string_view json = parts[0];
  const size_t chunk = json.empty() ? 1 : 1 + static_cast<unsigned char>(json[0]) % 64;
  if (!json.empty()) json.remove_prefix(1);
  dcs::docker::JsonLineSplitter splitter([&](const nlohmann::json& m) { stream.OnMessage(m); });
  for (size_t at = 0; at < json.size(); at += chunk) splitter.Feed(json.substr(at, chunk));
  splitter.Finish();
  for (size_t i = 1; i < parts.size(); ++i) {
    moby::buildkit::v1::StatusResponse status;
    if (status.ParseFromArray(parts[i].data(), static_cast<int>(parts[i].size()))) stream.OnStatus(status);
  }
  const absl::Status result = stream.Result();
  FUZZ_CHECK(stream.error().empty() || !result.ok(), "a build that reported an error ended as a success");
  FUZZ_CHECK(!result.ok() || !stream.image_id().empty(), "a success without an image id");
  return 0;
}
