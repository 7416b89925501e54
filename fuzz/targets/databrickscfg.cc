// ~/.databrickscfg profiles (INI text written by hand or by other tools),
// resolved like the provider does with a profile name from the input.
// Input: the file's text, then "\n--\n" and the profile name (optional).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "clients/databricks/config.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

namespace {

// The profile file every input is written to, removed when the run ends. In
// memory (tmpfs) where there is one: on /tmp (ext4 here) rewriting the file
// for every input started a disk write on each truncate, which took most of
// the run.
struct ScratchFile {
  ScratchFile()
      : path(std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/dcs-fuzz-databrickscfg-" +
             std::to_string(::getpid())) {}
  ~ScratchFile() { ::unlink(path.c_str()); }
  const std::string path;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchFile scratch;
  const std::string& path = scratch.path;
  auto parts = dcs::fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << parts[0];
  }
  const std::string profile = parts.size() > 1 ? std::string(parts[1]) : "";
  dcs::databricks::Getenv env = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "DATABRICKS_CONFIG_FILE") return path;
    if (name == "DATABRICKS_CONFIG_PROFILE" && !profile.empty()) return profile;
    return std::nullopt;
  };
  auto resolved = dcs::databricks::ResolveConfig({}, env, "/nonexistent-home");
  if (!resolved.ok()) {
    FUZZ_CHECK(dcs::cty::IsValidUtf8(std::string(resolved.status().message())) ||
                   !dcs::cty::IsValidUtf8(std::string_view(reinterpret_cast<const char*>(data), size)),
               "an error about UTF-8 input is not UTF-8");
  }
  return 0;
}
