// .dockerignore files and the paths of a build context: parsing never
// crashes and matching stays linear (a slow input is a libFuzzer timeout).
// Input: the .dockerignore text, then "\n--\n", then one path per line.
#include <string>

#include "clients/buildcontext/dockerignore.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = dcs::fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  auto rules = dcs::buildcontext::ParseDockerignore(parts[0]);
  if (!rules.ok()) return 0;
  auto matcher = dcs::buildcontext::IgnoreMatcher::Create(*rules);
  FUZZ_CHECK(matcher.ok(), "rules that parse do not compile: " + std::string(matcher.status().message()));
  matcher->AddException("Dockerfile");
  std::string_view paths = parts.size() > 1 ? parts[1] : std::string_view("a/b/c\nDockerfile\n.");
  size_t start = 0;
  while (start <= paths.size()) {
    size_t end = paths.find('\n', start);
    if (end == std::string_view::npos) end = paths.size();
    const std::string path = dcs::buildcontext::CleanPath(paths.substr(start, end - start));
    (void)matcher->Excluded(path);
    (void)matcher->MustDescend(path);
    if (path == "Dockerfile") FUZZ_CHECK(!matcher->Excluded(path), "the Dockerfile exception did not win");
    start = end + 1;
  }
  return 0;
}
