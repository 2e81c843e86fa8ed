// SourcePos formatting, ConfigError construction, and the list of errors
// one pass over a document found.
#include "config/config_error.h"

#include <algorithm>
#include <tuple>

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

ConfigError::ConfigError(const ConfigError& first, const std::string& what)
    : Error(what), file(first.file), line(first.line), column(first.column), reason(first.reason) {}

namespace {

// Ordered as a reader meets them: by file (the first error's first), line, column.
std::vector<ConfigError> in_file_order(std::vector<ConfigError> errors) {
    const std::string first = errors.empty() ? std::string() : errors.front().file;
    std::stable_sort(errors.begin(), errors.end(), [&](const ConfigError& a, const ConfigError& b) {
        return std::make_tuple(a.file != first, a.file, a.line, a.column) <
               std::make_tuple(b.file != first, b.file, b.line, b.column);
    });
    return errors;
}

std::string list_text(const std::vector<ConfigError>& errors) {
    bool one_file = true;
    for (const ConfigError& e : errors) one_file = one_file && e.file == errors.front().file;
    std::string out = std::to_string(errors.size()) + " errors" + (one_file ? " in " + errors.front().file : "") + ":";
    for (std::size_t i = 0; i < errors.size() && i < ConfigErrorList::kShown; ++i) out += "\n  " + std::string(errors[i].what());
    if (errors.size() > ConfigErrorList::kShown)
        out += "\n  and " + std::to_string(errors.size() - ConfigErrorList::kShown) + " more";
    return out;
}

}  // namespace

ConfigErrorList::ConfigErrorList(std::vector<ConfigError> errors) : ConfigErrorList(in_file_order(std::move(errors)), 0) {}

ConfigErrorList::ConfigErrorList(std::vector<ConfigError> ordered, int)
    : ConfigError(ordered.front(), list_text(ordered)), errors_(std::move(ordered)) {}

void ConfigErrors::add(const ConfigError& e) {
    if (const auto* list = dynamic_cast<const ConfigErrorList*>(&e)) {
        for (const ConfigError& each : list->errors()) add(each);
        return;
    }
    for (const ConfigError& seen : errors_)
        if (std::string(seen.what()) == e.what()) return;
    errors_.push_back(e);
}

void ConfigErrors::throw_if_any() const {
    if (errors_.size() == 1) throw errors_.front();
    if (errors_.size() > 1) throw ConfigErrorList(errors_);
}

}  // namespace soma
