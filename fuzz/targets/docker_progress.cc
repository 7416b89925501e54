// The Docker Engine's JSON progress streams (build and push), split into
// chunks at arbitrary points as they arrive from the socket.
#include <string>

#include "clients/docker/progress_stream.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  dcs::docker::BuildStream build(5);
  dcs::docker::PushStream push;
  dcs::docker::JsonLineSplitter splitter([&](const nlohmann::json& m) {
    build.OnMessage(m);
    push.OnMessage(m);
  });
  for (size_t at = 0; at < stream.size(); at += chunk) splitter.Feed(stream.substr(at, chunk));
  splitter.Finish();
  (void)build.Result();
  const absl::Status pushed = push.Result("127.0.0.1:5000/team/app", "s3cret-pw");
  FUZZ_CHECK(std::string(pushed.message()).find("s3cret-pw") == std::string::npos, "the password leaked");
  (void)dcs::docker::CodeForDaemonError(stream);
  return 0;
}
