// Shape check of matrix.json and lookups in its tables (internal). After
// CheckShape() succeeds every column named there exists with its type, so the
// lookups below read cells without guards.
#ifndef DCS_RESOURCES_COMPAT_TABLES_H_
#define DCS_RESOURCES_COMPAT_TABLES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "resources/compat/version.h"

namespace dcs::compat::internal {

// InvalidArgument naming the table (and row, column) that does not fit.
absl::Status CheckShape(const nlohmann::json& data);
// The tables CheckShape() requires, in file order.
std::vector<std::string> TableNames();

// The row of `table` whose version column `key` is a prefix of `v`
// ("12.4" matches 12.4 and 12.4.1), or nullptr.
const nlohmann::json* RowForVersion(const nlohmann::json& table, const char* key, const Version& v);
// The row whose string column `key` equals `value` (case-insensitively when
// `fold_case`), or nullptr.
const nlohmann::json* RowWhere(const nlohmann::json& table, const char* key, std::string_view value,
                               bool fold_case = false);
// Comma-separated values of column `key`, for "known values are …" messages.
std::string Known(const nlohmann::json& table, const char* key);
// A string column, "" when absent.
std::string Str(const nlohmann::json& row, const char* key);
// A version column that CheckShape() guaranteed parses.
Version Ver(const nlohmann::json& row, const char* key);

}  // namespace dcs::compat::internal

#endif  // DCS_RESOURCES_COMPAT_TABLES_H_
