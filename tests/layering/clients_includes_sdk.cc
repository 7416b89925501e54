#include "provider/log/hclog.h"  // clients must not know the plugin SDK
