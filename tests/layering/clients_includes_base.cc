#include "base/status_macros.h"  // the positive control: base is below clients

absl::Status Probe() { return absl::OkStatus(); }
