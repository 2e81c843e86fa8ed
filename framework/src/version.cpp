#include "version.h"

namespace soma {

const char* version() { return SOMA_VERSION; }

}  // namespace soma
