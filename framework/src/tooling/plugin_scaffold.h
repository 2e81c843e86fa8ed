// `soma plugin new`: a plugin project that builds as it is, outside soma's
// tree, against an installed soma (find_package(soma)).
#pragma once

#include <filesystem>
#include <string>

#include "soma/registrar.h"

namespace soma {

// "activation" | "layer" | "optimizer"; anything else throws soma::Error
// listing them (and the closest).
Kind parse_kind(const std::string& text);

// Empty when `name` can name a plugin project, else why not: it must match
// [a-z][a-z0-9_]* (it is the feature name, the library NAME.so and the
// CMake target) and not be a target CMake reserves (all, test, check, ...).
std::string plugin_name_problem(const std::string& name);

// Writes into dir (created; it may exist only if empty):
//   NAME.cpp        the plugin: for an activation x sigmoid(1.702 x) with
//                   f and f' side by side; for a layer a per-feature scale
//                   with one parameter vector; for an optimizer plain SGD
//                   with its own learning_rate
//   CMakeLists.txt  find_package(soma), soma_add_plugin, a `check` target
//                   and a CTest test running `soma plugin check` on it
//   README.md       build, check, use in an experiment
// Throws soma::Error for a bad name or a non-empty dir, before writing
// anything.
void write_plugin_project(Kind kind, const std::string& name, const std::filesystem::path& dir);

// The generator for the project's configure command (`cmake -S DIR -B DIR/build`),
// chosen from the build tools on `path` (a PATH value) so that the printed
// commands build on this machine, whether it has make, ninja or both. CMake's
// default generator, Unix Makefiles, needs make: with make found, or with
// `cmake_generator` (the CMAKE_GENERATOR variable, CMake's own choice) set,
// nothing is added; with only ninja found, "-G Ninja"; with neither, nothing,
// and `missing` says so.
struct GeneratorChoice {
    std::string option;  // "" or "-G Ninja"
    bool missing = false;
};
GeneratorChoice choose_generator(const char* path, const char* cmake_generator);

}  // namespace soma
