#include "sdk/log/hclog.h"  // clients must not know the plugin SDK
