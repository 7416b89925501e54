// Clock and identifier helpers shared by the API handlers.
#ifndef DCS_EMULATOR_IDS_H_
#define DCS_EMULATOR_IDS_H_

#include <cstdint>
#include <string>

namespace dcs::emulator {

// Wall-clock epoch milliseconds (the API's timestamp unit).
int64_t NowMs();

// `n` random characters from [a-z0-9] (or mixed case when `mixed_case`). Thread-safe.
std::string RandomToken(int n, bool mixed_case = false);

// Cluster ids look like the service's: MMDD-HHMMSS-xxxxxxxx (UTC of creation).
std::string NewClusterId(int64_t now_ms);
// Pool ids: MMDD-HHMMSS-xxxxxx-pool-XXXXXXXX.
std::string NewPoolId(int64_t now_ms);
// A positive random 63-bit number (spark_context_id).
int64_t RandomPositive();

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_IDS_H_
