#!/usr/bin/env bash
# The bash completion script as installed: `cmake --install` into a scratch
# prefix, source <prefix>/share/bash-completion/completions/soma in this
# bash, then call its function the way bash does (COMP_WORDS, COMP_CWORD)
# and check COMPREPLY.
#
# usage: completion_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/soma_completion.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
script=$tmp/prefix/share/bash-completion/completions/soma
[[ -f $script ]] || { echo "FAIL: no $script after cmake --install"; exit 1; }
# shellcheck source=/dev/null
source "$script"
complete -p soma | grep -- '-F _soma' >/dev/null || fail "the script does not register _soma for soma"
soma=$tmp/prefix/bin/soma
export SOMA_PLUGIN_PATH=

# complete WORD... : COMPREPLY for the last word (the one being completed).
complete_words() {
    COMP_WORDS=("$soma" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _soma
}
# expect "WORDS..." CANDIDATE...: each candidate is among COMPREPLY.
expect() {
    local words=$1 c reply
    shift
    read -r -a w <<< "$words"
    [[ $words == *' ' ]] && w+=("")  # a trailing space: completing a new, empty word
    complete_words "${w[@]}"
    reply=" ${COMPREPLY[*]} "
    for c in "$@"; do [[ $reply == *" $c "* ]] || fail "soma $words<TAB>: no '$c' in [${COMPREPLY[*]}]"; done
}
# refuse "WORDS..." CANDIDATE...: none of them is among COMPREPLY.
refuse() {
    local words=$1 c reply
    shift
    read -r -a w <<< "$words"
    [[ $words == *' ' ]] && w+=("")
    complete_words "${w[@]}"
    reply=" ${COMPREPLY[*]} "
    for c in "$@"; do [[ $reply != *" $c "* ]] || fail "soma $words<TAB>: '$c' offered in [${COMPREPLY[*]}]"; done
}

mkdir -p "$tmp/work/experiments" "$tmp/work/runs"
touch "$tmp/work/exp.toml" "$tmp/work/notes.txt" "$tmp/work/experiments/a.toml" "$tmp/work/my_act.so" \
    "$tmp/work/runs/model-best.soma"
cd "$tmp/work" || exit 1

expect "r" run report
refuse "r" plugins bench __complete
expect "p" plugins plugin
expect "run " exp.toml experiments
refuse "run " notes.txt
expect "run experiments/" experiments/a.toml
expect "run exp.toml --th" --threads
expect "run exp.toml --" --out --set --threads --jobs --help
expect "run exp.toml --set training.ep" training.epochs=
expect "run exp.toml --out " experiments runs
refuse "run exp.toml --out " exp.toml
expect "bench --dataset f" fashion-mnist
expect "bench 784-10 --activation re" relu
refuse "bench 784-10 --activation re" dense
expect "plugin " new check
expect "plugin new " activation layer optimizer
expect "plugin check rel" relu
expect "plugin check " sgd dense sigmoid my_act.so
expect "data fetch mn" mnist mnist-10k
refuse "data fetch mn" fashion-mnist
expect "data " fetch list
expect "help " run report plugin
expect "help plugin " new check
expect "compare " runs experiments
refuse "compare " exp.toml
expect "in" inspect
expect "inspect " runs experiments
expect "inspect runs/" runs/model-best.soma
refuse "inspect " exp.toml notes.txt
expect "inspect runs --model " best last

if ((failures)); then
    echo "$failures completion case(s) failed"
    exit 1
fi
echo "completion: all cases passed"
