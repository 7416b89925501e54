#include "clients/http/http.h"  // the SDK must not know any API client
