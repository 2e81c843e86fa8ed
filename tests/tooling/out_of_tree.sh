#!/usr/bin/env bash
# The out-of-tree proof, run by CTest as tooling.out_of_tree:
#   install this build into a scratch prefix; with the INSTALLED soma only,
#   scaffold an activation (`soma plugin new`), build it with
#   find_package(soma) and check it (`soma plugin check`, and the project's own
#   CTest test) with the commands it printed, run a sweep comparing it with
#   sigmoid; then scaffold, build and check a layer (as on a machine with only
#   ninja) and an optimizer (only make) too; last, build a program that embeds
#   soma through soma::soma (libsoma.so) and train with it.
# usage: out_of_tree.sh BUILD_DIR   (a complete build: it is installed as is)
set -euo pipefail

build=${1:?usage: out_of_tree.sh BUILD_DIR}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/soma_out_of_tree.XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
unset SOMA_PLUGIN_PATH
export OMP_NUM_THREADS=1

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

prefix=$tmp/prefix
soma=$prefix/bin/soma

step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
[[ -x $soma ]] || fail "no $soma after the install"

step "the installed soma finds its built-in plugins in <prefix>/lib/soma/plugins"
"$soma" plugins >"$tmp/plugins.txt" 2>&1 || { cat "$tmp/plugins.txt"; fail "soma plugins"; }
cat "$tmp/plugins.txt"
grep -qx "folder: $prefix/lib/soma/plugins" "$tmp/plugins.txt" ||
    fail "the installed soma did not name $prefix/lib/soma/plugins as its one plugin folder"
for plugin in relu sigmoid dense sgd; do
    grep -qE "^[a-z]+ +$plugin +[0-9.]+ +$plugin\.so " "$tmp/plugins.txt" ||
        fail "$plugin was not loaded from $prefix/lib/soma/plugins"
done
grep -q "$(cd "$build" && pwd -P)/lib/soma/plugins" "$tmp/plugins.txt" &&
    fail "the installed soma searched the build tree's plugin folder"

# Runs the commands `soma plugin new` printed after "next:" (configure, build,
# check) as a user would, with the installed soma first on PATH.
run_printed() {  # NEW_OUTPUT_FILE
    local line
    while IFS= read -r line; do
        [[ $line == "  "* ]] || continue
        printf '+ %s\n' "${line#  }"
        PATH="$prefix/bin:$PATH" bash -c "${line#  }" >"$tmp/printed.log" 2>&1 ||
            { cat "$tmp/printed.log"; fail "a command plugin new printed: ${line#  }"; }
    done < <(sed -n '/^next:$/,$p' "$1")
}
# A PATH folder holding only this machine's TOOL.
only() {  # TOOL
    local tool
    tool=$(command -v "$1") || fail "$1 is not installed (scripts/setup.sh installs make and ninja-build)"
    mkdir -p "$tmp/only-$1" && ln -sf "$tool" "$tmp/only-$1/$1"
    printf '%s' "$tmp/only-$1"
}

step "soma plugin new activation my_swish"
"$soma" plugin new activation my_swish --dir "$tmp/my_swish" >"$tmp/new.txt" || fail "plugin new my_swish"
cat "$tmp/new.txt"
for f in my_swish.cpp CMakeLists.txt README.md; do [[ -f $tmp/my_swish/$f ]] || fail "no $f"; done

step "build it against the installed soma and check it, with the commands it printed"
run_printed "$tmp/new.txt"
[[ -f $tmp/my_swish/build/my_swish.so ]] || fail "no my_swish.so"
ctest --test-dir "$tmp/my_swish/build" --output-on-failure || fail "the project's own check test"

step "a sweep: my_swish against sigmoid"
cat >"$tmp/sweep.toml" <<EOF
[experiment]
name = "my_swish_vs_sigmoid"
[data]
dataset = "synthetic"
synthetic_train = 300
synthetic_test = 100
[model]
hidden = [16]
activation = "my_swish"
[training]
epochs = 2
batch_size = 32
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 0.3
[plugins]
paths = ["$tmp/my_swish/build"]
[sweep]
"model.activation" = ["my_swish", "sigmoid"]
EOF
(cd "$tmp" && "$soma" run sweep.toml --out "$tmp/sweep" --jobs 1 --allow-plugins "$tmp/my_swish/build") ||
    fail "soma run sweep.toml"
runs=0
for activation in my_swish sigmoid; do
    summary=$(ls "$tmp"/sweep/runs/*activation="$activation"*/summary.json 2>/dev/null | head -1)
    [[ -n $summary ]] || fail "no summary.json for activation=$activation under $tmp/sweep/runs"
    grep -q '"status": "ok"' "$summary" || { cat "$summary"; fail "the $activation run did not succeed"; }
    runs=$((runs + 1))
done
[[ $runs == 2 ]] || fail "expected 2 runs"

# The printed commands must build with the tool the user's machine has:
# `plugin new` is run seeing only ninja (the layer), then only make (the
# optimizer), and what it printed is run. (CMake itself also looks in /usr/bin,
# so only soma's choice, not CMake's, can be shown a machine without make.)
step "a layer and an optimizer: new, build, check (a machine with only ninja, then only make)"
for kind_name_tool in "layer my_scale ninja build.ninja" "optimizer my_sgd make Makefile"; do
    read -r kind name tool generated <<<"$kind_name_tool"
    tools=$(only "$tool")
    PATH=$tools "$soma" plugin new "$kind" "$name" --dir "$tmp/$name" >"$tmp/new.txt" || fail "plugin new $name"
    cat "$tmp/new.txt"
    if [[ $tool == ninja ]]; then
        grep -q -- '-B .* -G Ninja ' "$tmp/new.txt" || fail "with only ninja, plugin new did not print -G Ninja"
    else
        grep -q -- '-G ' "$tmp/new.txt" && fail "with make, plugin new should leave CMake its default generator"
    fi
    run_printed "$tmp/new.txt"
    [[ -f $tmp/$name/build/$generated ]] || fail "$name was not configured for $tool (no $generated)"
done

step "with neither make nor ninja, plugin new says so"
mkdir -p "$tmp/no-tools"
PATH=$tmp/no-tools "$soma" plugin new activation my_none --dir "$tmp/my_none" >"$tmp/new.txt" || fail "plugin new my_none"
grep -q '^(neither make nor ninja is on PATH: install one' "$tmp/new.txt" || { cat "$tmp/new.txt"; fail "no note about make/ninja"; }

step "a broken derivative is caught"
sed -i 's/return sx + (k \* sx) \* (x \* (1.f - sx));/return sx;/' "$tmp/my_swish/my_swish.cpp"
grep -q 'return sx;' "$tmp/my_swish/my_swish.cpp" || fail "could not break my_swish.cpp"
cmake --build "$tmp/my_swish/build" >/dev/null || fail "rebuild my_swish"
if "$soma" plugin check "$tmp/my_swish/build/my_swish.so" >"$tmp/broken.txt"; then
    cat "$tmp/broken.txt"
    fail "plugin check passed a wrong derivative"
fi
grep -q '^FAIL  activation my_swish: derivative' "$tmp/broken.txt" || { cat "$tmp/broken.txt"; fail "no derivative failure"; }

step "a program that embeds soma: find_package(soma), soma::soma (libsoma.so)"
mkdir -p "$tmp/embed"
cat >"$tmp/embed/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.25)
project(embed LANGUAGES CXX)
find_package(soma REQUIRED)
add_executable(embed embed.cpp)
target_link_libraries(embed PRIVATE soma::soma)
EOF2
cat >"$tmp/embed/embed.cpp" <<'EOF2'
// Trains an experiment through libsoma and prints its final test accuracy.
#include <iostream>

#include "experiment/runner.h"
#include "plugin/registry.h"
#include "version.h"

int main(int argc, char** argv) {
    if (argc != 4) return 2;
    soma::Registry registry;
    for (const auto& e : registry.load_folders({argv[1]})) std::cerr << e.message << "\n";
    soma::RunOptions options;
    options.out = argv[3];
    const soma::RunOutcome o = soma::run_experiment(argv[2], options, registry, std::cout);
    std::cout << "embedded soma " << soma::version() << ": " << soma::run_status_names.name(o.result.status) << ", test accuracy "
              << o.result.epochs.back().test_accuracy << "\n";
    return o.result.status == soma::RunStatus::ok ? 0 : 1;
}
EOF2
cat >"$tmp/embed/exp.toml" <<'EOF2'
[data]
dataset = "synthetic"
synthetic_train = 300
synthetic_test = 100
[model]
hidden = [16]
activation = "relu"
[training]
epochs = 2
EOF2
# A sanitizer build's libsoma needs the sanitizer runtime first in the program.
embed_flags=()
grep -q '^SOMA_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" &&
    embed_flags=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
cmake -S "$tmp/embed" -B "$tmp/embed/build" -DCMAKE_PREFIX_PATH="$prefix" "${embed_flags[@]}" >"$tmp/embed.log" ||
    { cat "$tmp/embed.log"; fail "configure the embedding program"; }
cmake --build "$tmp/embed/build" >>"$tmp/embed.log" || { cat "$tmp/embed.log"; fail "build the embedding program"; }
"$tmp/embed/build/embed" "$prefix/lib/soma/plugins" "$tmp/embed/exp.toml" "$tmp/embed/run" >"$tmp/embed.txt" ||
    { cat "$tmp/embed.txt"; fail "run the embedding program"; }
cat "$tmp/embed.txt"
grep -q '^embedded soma [0-9.]*: ok, test accuracy' "$tmp/embed.txt" || fail "no result from the embedding program"
[[ -f $tmp/embed/run/summary.json ]] || fail "the embedding program wrote no summary.json"
ldd "$tmp/embed/build/embed" | grep "$prefix/lib/libsoma.so" >/dev/null || fail "the program does not use the installed libsoma.so"

step "out-of-tree proof passed"
