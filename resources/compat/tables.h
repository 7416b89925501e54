// Lookups in the parsed matrix tables, shared by the checks (internal).
#ifndef DCS_RESOURCES_COMPAT_TABLES_H_
#define DCS_RESOURCES_COMPAT_TABLES_H_

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "resources/compat/version.h"

namespace dcs::compat::internal {

// The row of `table` whose version column `key` is a prefix of `v`
// ("12.4" matches 12.4 and 12.4.1), or nullptr.
const nlohmann::json* RowForVersion(const nlohmann::json& table, const char* key, const Version& v);
// The row whose string column `key` equals `value`, or nullptr.
const nlohmann::json* RowWhere(const nlohmann::json& table, const char* key, std::string_view value);
// Comma-separated values of column `key`, for "known values are …" messages.
std::string Known(const nlohmann::json& table, const char* key);
// A string column, "" when absent.
std::string Str(const nlohmann::json& row, const char* key);

}  // namespace dcs::compat::internal

#endif  // DCS_RESOURCES_COMPAT_TABLES_H_
