// soma's version, as the executable and libsoma report it.
#pragma once

namespace soma {

const char* version();  // "0.1.0"

}  // namespace soma
