// cty msgpack (DynamicValue from Terraform) against nested schema types:
// decoding never crashes, and what decodes re-encodes and decodes to the
// same value.
#include "fuzz/fuzz_common.h"
#include "fuzz/targets/cty_types.h"
#include "sdk/cty/msgpack_codec.h"
#include "sdk/cty/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& types = dcs::fuzz::SchemaTypes();
  const dcs::cty::Type& type = types[data[0] % types.size()];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<dcs::cty::Value> v = dcs::cty::DecodeMsgpack(bytes, type);
  if (!v.ok()) return 0;
  absl::StatusOr<std::string> again = dcs::cty::EncodeMsgpack(*v, type);
  FUZZ_CHECK(again.ok(), "a decoded value does not encode: " + std::string(again.status().message()));
  absl::StatusOr<dcs::cty::Value> back = dcs::cty::DecodeMsgpack(*again, type);
  FUZZ_CHECK(back.ok(), "re-encoded msgpack does not decode: " + std::string(back.status().message()));
  FUZZ_CHECK(back->Equals(*v), "msgpack round trip changed the value");
  return 0;
}
