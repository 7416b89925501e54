// Command-line flags of dcs-emulator (see README.md for the full list).
#ifndef DCS_EMULATOR_FLAGS_H_
#define DCS_EMULATOR_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "emulator/server.h"

namespace dcs::emulator {

inline constexpr char kDefaultToken[] = "dcs-emulator-token";
inline constexpr char kDefaultUser[] = "emulator-user@example.com";

// Parses argv[1..]. Returns InvalidArgument with a usage hint on bad flags and
// NotFound("help") for --help.
absl::StatusOr<ServerOptions> ParseFlags(const std::vector<std::string>& args);

std::string Usage();

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_FLAGS_H_
