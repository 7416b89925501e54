#include "clients/http/http.h"  // base is below every other layer
