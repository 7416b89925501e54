// JSON mapping helpers for the typed APIs: optional fields are omitted when
// unset (never sent as null) and absent/null answers leave them unset.
// Struct types provide ToJson/FromJson overloads in dcs::databricks, found
// by argument-dependent lookup. FromJson throws nlohmann::json::exception on
// a type mismatch; API functions catch it (see ParseAnswer).
#ifndef DCS_CLIENTS_DATABRICKS_JSON_FIELDS_H_
#define DCS_CLIENTS_DATABRICKS_JSON_FIELDS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace dcs::databricks {

using StringMap = std::map<std::string, std::string>;

inline nlohmann::json ToJson(const std::string& v) { return v; }
inline nlohmann::json ToJson(int v) { return v; }
inline nlohmann::json ToJson(int64_t v) { return v; }
inline nlohmann::json ToJson(double v) { return v; }
inline nlohmann::json ToJson(bool v) { return v; }
inline nlohmann::json ToJson(const StringMap& v) { return v; }
inline nlohmann::json ToJson(const nlohmann::json& v) { return v; }
template <class T>
nlohmann::json ToJson(const std::vector<T>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& e : v) a.push_back(ToJson(e));
  return a;
}

// An integer field from a JSON number. nlohmann's get<int>() casts a float
// straight to the integer type, which is undefined behaviour when it is out of
// range or NaN (an answer with {"num_workers":1e300}); such a value is refused
// like any other shape mismatch. In-range floats are truncated as before.
template <class Int>
Int CheckedInteger(const nlohmann::json& j) {
  if (j.is_number_float()) {
    const double d = j.get<double>();
    // The bounds are powers of two, exact as doubles: [min, -min).
    constexpr double kLow = static_cast<double>(std::numeric_limits<Int>::min());
    if (!(d >= kLow && d < -kLow)) {
      throw nlohmann::json::out_of_range::create(406, "number " + j.dump() + " does not fit an integer field",
                                                 nullptr);
    }
    return static_cast<Int>(d);
  }
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<Int>::max())) {
      throw nlohmann::json::out_of_range::create(406, "number " + j.dump() + " does not fit an integer field",
                                                 nullptr);
    }
    return static_cast<Int>(u);
  }
  const int64_t v = j.get<int64_t>();  // throws type_error for non-numbers
  if (v < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
      v > static_cast<int64_t>(std::numeric_limits<Int>::max())) {
    throw nlohmann::json::out_of_range::create(406, "number " + j.dump() + " does not fit an integer field",
                                               nullptr);
  }
  return static_cast<Int>(v);
}

inline void FromJson(const nlohmann::json& j, std::string& out) { out = j.get<std::string>(); }
inline void FromJson(const nlohmann::json& j, int& out) { out = CheckedInteger<int>(j); }
inline void FromJson(const nlohmann::json& j, int64_t& out) { out = CheckedInteger<int64_t>(j); }
inline void FromJson(const nlohmann::json& j, double& out) { out = j.get<double>(); }
inline void FromJson(const nlohmann::json& j, bool& out) { out = j.get<bool>(); }
inline void FromJson(const nlohmann::json& j, StringMap& out) {
  out.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
}
inline void FromJson(const nlohmann::json& j, nlohmann::json& out) { out = j; }
template <class T>
void FromJson(const nlohmann::json& j, std::vector<T>& out) {
  out.clear();
  for (const auto& e : j) {
    T v{};
    FromJson(e, v);
    out.push_back(std::move(v));
  }
}

// j[key] = v when v is set.
template <class T>
void Put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = ToJson(*v);
}
// out = j[key] when present and not null.
template <class T>
void Get(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  T v{};
  FromJson(*it, v);
  out = std::move(v);
}

// Runs `parse` over an answer, turning a shape mismatch into Internal. Pass
// the answer as an rvalue when the caller is done with it: `parse` then gets
// an rvalue and may move parts out instead of copying them.
template <class T, class J, class F>
absl::StatusOr<T> ParseAnswer(J&& answer, const std::string& what, F parse) {
  try {
    if (!answer.is_object()) throw nlohmann::json::type_error::create(302, "answer is not an object", nullptr);
    return parse(std::forward<J>(answer));
  } catch (const nlohmann::json::exception& e) {
    return absl::InternalError(absl::StrCat("unexpected answer from ", what, ": ", e.what()));
  }
}

}  // namespace dcs::databricks

#endif  // DCS_CLIENTS_DATABRICKS_JSON_FIELDS_H_
