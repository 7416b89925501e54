#include "resources/provider.h"  // clients must not know the provider
