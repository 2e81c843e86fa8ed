// Where a config value was written, and the error that points there: every
// config mistake is reported as "file:line:column: what was expected".
#pragma once

#include <string>

#include "util/error.h"

namespace soma {

// Where a value came from, for error messages: "exp.toml:12:5".
// line 0 means no line is known: a whole file, or a --set override
// (file is then "<--set training.epochs=3>").
struct SourcePos {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const;  // "file:line:column" (or "file" / "<--set ...>")
    bool operator==(const SourcePos&) const = default;
};

// A config mistake. what() is "FILE:LINE:COLUMN: reason" (or "FILE: reason"
// when no line is known); the parts are kept for tools that want them.
class ConfigError : public Error {
public:
    ConfigError(const SourcePos& pos, const std::string& reason);

    std::string file;
    int line = 0;
    int column = 0;
    std::string reason;  // the message without the position
};

}  // namespace soma
