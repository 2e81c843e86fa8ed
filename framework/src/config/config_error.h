// Where a config value was written, and the error that points there: every
// config mistake is reported as "file:line:column: what was expected".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

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

protected:
    ConfigError(const ConfigError& first, const std::string& what);
};

// Several mistakes found in one pass over a document. The ConfigError parts
// are the first one's; what() lists them all, in file order, one per line:
//   "3 errors in exp.toml:\n  exp.toml:2:1: ...\n  exp.toml:4:10: ...\n  ..."
// (the first kShown, then "and N more").
class ConfigErrorList : public ConfigError {
public:
    static constexpr std::size_t kShown = 20;
    explicit ConfigErrorList(std::vector<ConfigError> errors);
    const std::vector<ConfigError>& errors() const { return errors_; }

private:
    ConfigErrorList(std::vector<ConfigError> ordered, int);  // errors already in file order
    std::vector<ConfigError> errors_;
};

// Collects the mistakes of a document so that one run reports every one of
// them, not only the first.
class ConfigErrors {
public:
    // Records e (each error of a ConfigErrorList); a message seen before is kept once.
    void add(const ConfigError& e);
    // Runs f and returns its result; a ConfigError it throws is recorded
    // and `fallback` returned instead, so that checking goes on.
    template <class F, class T>
    T attempt(F&& f, T fallback) {
        try {
            return f();
        } catch (const ConfigError& e) {
            add(e);
            return fallback;
        }
    }
    template <class F>
    void attempt(F&& f) {
        try {
            f();
        } catch (const ConfigError& e) {
            add(e);
        }
    }
    bool empty() const { return errors_.empty(); }
    std::size_t size() const { return errors_.size(); }
    // Throws what was recorded: one error as itself, several as a ConfigErrorList.
    void throw_if_any() const;

private:
    std::vector<ConfigError> errors_;
};

}  // namespace soma
