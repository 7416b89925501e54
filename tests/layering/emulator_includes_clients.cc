#include "clients/http/http.h"  // the emulator is a separate program
