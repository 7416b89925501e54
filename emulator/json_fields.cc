#include "emulator/json_fields.h"

#include <limits>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"

namespace dcs::emulator {
namespace {

absl::string_view Display(absl::string_view key, absl::string_view name) {
  return name.empty() ? key : name;
}

absl::Status WrongType(absl::string_view name, absl::string_view expected, const Json& got) {
  return InvalidParameter(absl::StrCat("Invalid value for field ", name, ": expected ", expected,
                                       " but got ", got.type_name()));
}

// Returns the value for `key` or nullptr when absent/null.
const Json* Find(const Json& obj, absl::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

bool Has(const Json& obj, absl::string_view key) { return Find(obj, key) != nullptr; }

absl::Status MissingField(absl::string_view name) {
  return InvalidParameter(absl::StrCat("Missing required field: ", name));
}

absl::StatusOr<std::optional<std::string>> OptString(const Json& obj, absl::string_view key,
                                                     absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(Display(key, name), "a string", *v);
  return std::optional<std::string>(v->get<std::string>());
}

absl::StatusOr<std::string> ReqString(const Json& obj, absl::string_view key, absl::string_view name) {
  auto v = OptString(obj, key, name);
  if (!v.ok()) return v.status();
  if (!v->has_value() || (*v)->empty()) return MissingField(Display(key, name));
  return **v;
}

absl::StatusOr<std::optional<int64_t>> OptInt(const Json& obj, absl::string_view key,
                                              absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidParameter(absl::StrCat("Invalid value for field ", Display(key, name),
                                           ": integer out of range"));
    }
    return std::optional<int64_t>(v->get<int64_t>());
  }
  return WrongType(Display(key, name), "an integer", *v);
}

absl::StatusOr<std::optional<bool>> OptBool(const Json& obj, absl::string_view key,
                                            absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(Display(key, name), "a boolean", *v);
  return std::optional<bool>(v->get<bool>());
}

absl::StatusOr<std::optional<double>> OptNumber(const Json& obj, absl::string_view key,
                                                absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return WrongType(Display(key, name), "a number", *v);
  return std::optional<double>(v->get<double>());
}

absl::StatusOr<const Json*> OptObject(const Json& obj, absl::string_view key, absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_object()) return WrongType(Display(key, name), "an object", *v);
  return v;
}

absl::StatusOr<const Json*> OptArray(const Json& obj, absl::string_view key, absl::string_view name) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_array()) return WrongType(Display(key, name), "an array", *v);
  return v;
}

absl::Status CheckStringMap(const Json& obj, absl::string_view key, absl::string_view name) {
  auto m = OptObject(obj, key, name);
  if (!m.ok()) return m.status();
  if (*m == nullptr) return absl::OkStatus();
  for (const auto& [k, v] : (*m)->items()) {
    if (!v.is_string()) {
      return WrongType(absl::StrCat(Display(key, name), ".", k), "a string", v);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStringArray(const Json& obj, absl::string_view key, absl::string_view name) {
  auto a = OptArray(obj, key, name);
  if (!a.ok()) return a.status();
  if (*a == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < (*a)->size(); ++i) {
    if (!(**a)[i].is_string()) {
      return WrongType(absl::StrCat(Display(key, name), "[", i, "]"), "a string", (**a)[i]);
    }
  }
  return absl::OkStatus();
}

}  // namespace dcs::emulator
