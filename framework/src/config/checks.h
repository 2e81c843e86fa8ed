// Checks on single config values, each failing with a ConfigError at the
// value's position that says what was expected and what was found.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "config/document.h"

namespace soma {

[[noreturn]] void fail(const SourcePos& pos, const std::string& reason);

// "training.epochs: expected an integer, got a string" unless value has `type`.
void expect_type(const Node& value, Node::Type type, const std::string& path);
// Integers or floats.
void expect_number(const Node& value, const std::string& path);

// An integer in [min, max]: "training.batch_size: expected an integer >= 1, got 0".
std::int64_t check_integer(const Node& value, const std::string& path, std::int64_t min,
                           std::int64_t max = std::numeric_limits<int>::max());
// A string naming one of `allowed`, with the closest one suggested.
std::string check_choice(const Node& value, const std::string& path, const std::vector<std::string>& allowed);

// Fails on the keys of `table` that are not in known_keys(schema_path), all
// of them at once (a ConfigErrorList when several); `label` names the table
// in the message ("in [training]", "in [[model.layers]]"). Each gets the
// closest suggestion, case aside: a key of this table ("did you mean
// 'epochs'?"), else a key of another table, as its whole dotted path from
// `elsewhere` ("did you mean training.optimizer.learning_rate?").
void check_known_keys(const Node& table, const std::string& schema_path, const std::string& label,
                      const std::vector<std::string>& elsewhere = {});

// The suggestion check_known_keys gives for `key` in the table at
// `table_path` whose keys are `known`: " (did you mean ...?)" or "".
std::string key_suggestion(const std::string& key, const std::string& table_path,
                           const std::vector<std::string>& known, const std::vector<std::string>& elsewhere);

// "a.b" from a path and a key ("b" when the path is empty).
std::string child_path(const std::string& path, const std::string& key);

}  // namespace soma
