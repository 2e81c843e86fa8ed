// SourcePos formatting and ConfigError construction.
#include "config/config_error.h"

namespace soma {

std::string SourcePos::str() const {
    std::string out = file.empty() ? std::string("<unknown>") : file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    return out;
}

ConfigError::ConfigError(const SourcePos& pos, const std::string& reason_)
    : Error(pos.str() + ": " + reason_),
      file(pos.file),
      line(pos.line),
      column(pos.column),
      reason(reason_) {}

}  // namespace soma
