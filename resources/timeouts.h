// The `timeouts` block every long-running resource offers:
//   timeouts { create = "40m"  update = "20m"  delete = "10m" }
// Durations are Go-style strings ("90s", "1h30m"), as in other providers.
#ifndef DCS_RESOURCES_TIMEOUTS_H_
#define DCS_RESOURCES_TIMEOUTS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdk/cty/value.h"
#include "sdk/framework/schema.h"

namespace dcs::resources {

struct TimeoutDefaults {
  std::chrono::seconds create{std::chrono::minutes(30)};
  std::chrono::seconds update{std::chrono::minutes(30)};
  std::chrono::seconds delete_{std::chrono::minutes(30)};
};

// The block, with attributes for `operations` (subset of "create", "update",
// "delete"); descriptions quote the defaults.
schema::NestedBlock TimeoutsBlock(const TimeoutDefaults& defaults,
                                  std::vector<std::string> operations = {"create", "update", "delete"});

// "1h30m", "90s", "2m30s", "45m" → seconds; nullopt when malformed or zero.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

// The timeout for `operation` from a resource object holding the block
// (config or planned value), or the default.
std::chrono::seconds TimeoutFor(const cty::Value& object, std::string_view operation,
                                const TimeoutDefaults& defaults);

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_TIMEOUTS_H_
