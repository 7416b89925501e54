// Image references as users and registries write them: parsing never
// crashes, and a parsed reference prints to text that parses the same.
#include "clients/registry/reference.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)dcs::registry::ValidTag(text);
  (void)dcs::registry::ValidDigest(text);
  absl::StatusOr<dcs::registry::Reference> ref = dcs::registry::ParseReference(text);
  if (!ref.ok()) return 0;
  FUZZ_CHECK(!ref->domain.empty() && !ref->path.empty(), "a reference without a domain or path");
  const std::string printed = ref->String();
  absl::StatusOr<dcs::registry::Reference> again = dcs::registry::ParseReference(printed);
  FUZZ_CHECK(again.ok(), "a printed reference does not parse: " + printed);
  FUZZ_CHECK(again->String() == printed, "reference text is not stable: " + printed);
  return 0;
}
