// The one shortest-number formatter: the shortest decimal text that reads
// back to the same double (0.1, 1e-05, 13002). Every file format and message
// that writes exact numbers uses it, with its own spelling of the values
// decimal text does not have (JSON null, CSV "", TOML nan/inf).
#pragma once

#include <string>

namespace soma {

// Shortest round-tripping text; non-finite values as "nan", "inf", "-inf".
std::string shortest_number(double v);

}  // namespace soma
