// WWW-Authenticate challenges from registries (and proxies in front of them).
#include "clients/registry/challenge.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header(reinterpret_cast<const char*>(data), size);
  for (const auto& c : dcs::registry::ParseChallenges(header)) {
    FUZZ_CHECK(!c.scheme.empty(), "a challenge without a scheme");
    for (const auto& [k, v] : c.params) FUZZ_CHECK(!k.empty(), "a parameter without a name");
  }
  return 0;
}
