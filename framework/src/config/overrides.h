// --set overrides: "training.epochs=3", "model.hidden=[32]". The right-hand
// side is TOML; a bare word that is not TOML (relu, fashion-mnist) is taken
// as a string so shells need no extra quoting.
#pragma once

#include <string>
#include <vector>

#include "config/document.h"

namespace soma {

struct Override {
    std::string text;               // as given
    std::vector<std::string> path;  // {"training", "epochs"}
    Node value;                     // positioned at "<--set TEXT>"
};

// Parses one override; a malformed one throws ConfigError naming it.
Override parse_override(const std::string& text);

// Sets `value` at `path` in the table `root`, creating tables as needed and
// dropping keys the value displaces (see displaced_keys). A path through a
// value that is not a table throws ConfigError at `value.key_pos`.
void set_at_path(Node& root, const std::vector<std::string>& path, Node value);

// Parses and applies overrides in order (a later one wins). They change the
// experiment, never [sweep].
std::vector<Override> apply_overrides(Node& root, const std::vector<std::string>& overrides);

}  // namespace soma
