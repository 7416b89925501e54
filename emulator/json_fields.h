// Typed, field-naming access to JSON request bodies.
//
// Every accessor names the offending field in its error so a client sees
// "Invalid value for field docker_image.url: expected a string" rather than a parse
// trace. Absent fields (or explicit nulls, which the real API treats as absent)
// yield std::nullopt; a present field of the wrong type yields 400
// INVALID_PARAMETER_VALUE.
#ifndef DCS_EMULATOR_JSON_FIELDS_H_
#define DCS_EMULATOR_JSON_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>


#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

using Json = nlohmann::json;

// `name` is the dotted path used in messages; defaults to `key`.
absl::StatusOr<std::optional<std::string>> OptString(const Json& obj, absl::string_view key,
                                                     absl::string_view name = {});
absl::StatusOr<std::string> ReqString(const Json& obj, absl::string_view key,
                                      absl::string_view name = {});
absl::StatusOr<std::optional<int64_t>> OptInt(const Json& obj, absl::string_view key,
                                              absl::string_view name = {});
absl::StatusOr<std::optional<bool>> OptBool(const Json& obj, absl::string_view key,
                                            absl::string_view name = {});
absl::StatusOr<std::optional<double>> OptNumber(const Json& obj, absl::string_view key,
                                                absl::string_view name = {});
// A JSON object, possibly absent.
absl::StatusOr<const Json*> OptObject(const Json& obj, absl::string_view key, absl::string_view name = {});
// A JSON array, possibly absent.
absl::StatusOr<const Json*> OptArray(const Json& obj, absl::string_view key, absl::string_view name = {});
// An object whose values must all be strings (spark_conf, custom_tags, ...).
absl::Status CheckStringMap(const Json& obj, absl::string_view key, absl::string_view name = {});
// An array whose elements must all be strings.
absl::Status CheckStringArray(const Json& obj, absl::string_view key, absl::string_view name = {});

absl::Status MissingField(absl::string_view name);

// True when `obj` has `key` with a non-null value.
bool Has(const Json& obj, absl::string_view key);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_JSON_FIELDS_H_
