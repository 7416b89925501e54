// ~/.databrickscfg profiles (INI text written by hand or by other tools),
// resolved like the provider does with a profile name from the input.
// Input: the file's text, then "\n--\n" and the profile name (optional).
#include <string>

#include "clients/databricks/config.h"
#include "fuzz/fuzz_common.h"
#include "sdk/cty/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dcs::fuzz::ScratchFile scratch("databrickscfg");
  const std::string& path = scratch.path();
  auto parts = dcs::fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  scratch.Write(parts[0]);
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
