// soma's error type: one message a user can act on, thrown up to the CLI.
#pragma once

#include <stdexcept>
#include <string>

namespace soma {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace soma
