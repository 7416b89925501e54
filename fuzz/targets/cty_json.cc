// cty JSON (RawState from Terraform's state file) against nested schema
// types: decoding never crashes, and a decoded value survives
// JSON -> value -> msgpack -> value and value -> JSON -> value unchanged.
#include "fuzz/fuzz_common.h"
#include "fuzz/targets/cty_types.h"
#include "sdk/cty/json_codec.h"
#include "sdk/cty/msgpack_codec.h"
#include "sdk/cty/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& types = dcs::fuzz::SchemaTypes();
  const dcs::cty::Type& type = types[data[0] % types.size()];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (bool ignore_unknown : {false, true}) {
    absl::StatusOr<dcs::cty::Value> v = dcs::cty::DecodeJson(text, type, ignore_unknown);
    if (!v.ok()) continue;
    absl::StatusOr<std::string> packed = dcs::cty::EncodeMsgpack(*v, type);
    FUZZ_CHECK(packed.ok(), "a value decoded from JSON does not encode as msgpack: " +
                                std::string(packed.status().message()));
    absl::StatusOr<dcs::cty::Value> unpacked = dcs::cty::DecodeMsgpack(*packed, type);
    FUZZ_CHECK(unpacked.ok(), "msgpack of a JSON value does not decode: " + std::string(unpacked.status().message()));
    FUZZ_CHECK(unpacked->Equals(*v), "JSON -> msgpack -> value changed the value");
    absl::StatusOr<std::string> json = dcs::cty::EncodeJson(*v, type);
    FUZZ_CHECK(json.ok(), "a value decoded from JSON does not encode as JSON: " + std::string(json.status().message()));
    absl::StatusOr<dcs::cty::Value> again = dcs::cty::DecodeJson(*json, type);
    FUZZ_CHECK(again.ok(), "re-encoded JSON does not decode: " + std::string(again.status().message()));
    FUZZ_CHECK(again->Equals(*v), "JSON round trip changed the value");
  }
  return 0;
}
