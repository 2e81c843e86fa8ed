#!/usr/bin/env bash
# The fresh check, checked (run by .ci/run, as root): scripts/fresh-check.sh on
# small repositories whose README is this repository's README with other
# commands in its quick-start block. Fast: it reuses the cached debootstrap
# base and the commands are trivial.
#   - a passing block: exit 0, each command's status and time, run in the
#     clone on a root with nothing from this host (no cmake), /dev/shm and
#     /proc mounted; afterwards its root is gone and no mount is left;
#   - a block whose second command is `false`: exit 1 naming that command,
#     after running both;
#   - a README without the markers: exit 2 saying so, before any root is made;
#   - a run killed with SIGKILL mid-command: no process is left in its root,
#     no mount, and the next run removes the root;
#   - that next run, stopped with SIGTERM mid-command: exit 143 saying so, its
#     root removed at once, no process left.
# usage: scripts/fresh-check-test.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check=$here/fresh-check.sh
work=${SOMA_FRESH_DIR:-/var/tmp/soma-fresh}
[ "$(id -u)" -eq 0 ] || { echo "fresh-check-test: needs root (the check uses debootstrap and chroot)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fresh-check-test.XXXXXX")
check_pid=""
trap '[ -n "$check_pid" ] && kill -KILL "$check_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

passed=0
failed=0
pass() { echo "PASS  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
expect() {  # DESCRIPTION CONDITION: pass when the shell CONDITION holds
  if eval "$2"; then pass "$1"; else fail "$1"; fi
}
has() { grep -qF -- "$2" "$1"; }

# A repository NAME whose README.md is ours with LINES as the quick-start block
# (or, with --no-markers, ours without the marker lines).
repo() {  # NAME [--no-markers | LINE...]
  local dir=$tmp/$1; shift
  git init -q "$dir"
  if [ "${1:-}" = --no-markers ]; then
    grep -v '^<!-- fresh-check: quick start' "$here/../README.md" >"$dir/README.md"
  else
    printf '%s\n' "$@" >"$tmp/lines"
    awk -v lines="$tmp/lines" '
      /^<!-- fresh-check: quick start begin/ { inside = 1 }
      /^<!-- fresh-check: quick start end/ { inside = 0 }
      inside && /^```/ { print; if (!done) { while ((getline l < lines) > 0) print l; done = 1 }; next }
      inside && !/^<!--/ { next }
      { print }' "$here/../README.md" >"$dir/README.md"
  fi
  git -C "$dir" add README.md && git -C "$dir" -c user.name=test -c user.email=test@localhost commit -qm README
  printf '%s' "$dir"
}
root_of() { sed -n 's/^fresh-check: root: //p' "$1" | head -1; }
mounts_under() { awk -v p="$1" 'index($2, p) == 1' /proc/self/mounts; }
processes_in() {  # ROOT: processes whose root folder is ROOT
  find /proc/[0-9]*/root -maxdepth 0 -lname "$1" 2>/dev/null
}

# Starts the check in the background ($check_pid, output in $tmp/NAME.out) on a
# block that sleeps, and returns once the sleep runs in the root.
start_sleeping() {  # NAME
  local r
  r=$(repo "$1_repo" 'sleep 600')
  bash "$check" --repo "$r" >"$tmp/$1.out" 2>&1 &
  check_pid=$!
  for _ in $(seq 1200); do
    has "$tmp/$1.out" "command 1: sleep 600" && break
    kill -0 "$check_pid" 2>/dev/null || break
    sleep 0.5
  done
  sleep 2
}

echo "== a README without the quick-start markers"
r=$(repo no_markers --no-markers)
bash "$check" --repo "$r" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
expect "exit status 2 (got $rc)" '[ "$rc" -eq 2 ]'
expect "says which markers are missing" \
  'has "$tmp/out" "has no block between the lines '"'"'<!-- fresh-check: quick start begin -->'"'"'"'
expect "made no root" '[ -z "$(root_of "$tmp/out")" ]'

echo "== a passing README"
r=$(repo passing 'test "$PWD" = /root/soma && git log --oneline -1 && test -f README.md' \
  '! command -v cmake && test -w /dev/shm && test -r /proc/self/status && test -c /dev/null')
bash "$check" --repo "$r" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
expect "exit status 0 (got $rc)" '[ "$rc" -eq 0 ]'
expect "command 1 ran in the clone" 'grep -qE "^fresh-check: command 1: exit 0, [0-9]+ s \(" "$tmp/out"'
expect "command 2 ran on a fresh root (no cmake), with /dev/shm and /proc" \
  'grep -qE "^fresh-check: command 2: exit 0, [0-9]+ s \(" "$tmp/out"'
expect "says all passed" 'has "$tmp/out" "passed: all 2 quick-start commands"'
logs=$(sed -n 's/^fresh-check: logs: //p' "$tmp/out" | head -1)
expect "keeps the logs ($logs)" '[ -f "$logs/command1.log" ] && [ -f "$logs/command2.log" ] && [ -f "$logs/summary.txt" ]'
root=$(root_of "$tmp/out")
expect "removed its root" '[ -n "$root" ] && [ ! -e "$root" ]'
expect "left no mount" '[ -z "$(mounts_under "$work")" ]'

echo "== a run killed with SIGKILL during a command"
start_sleeping killed
killed_root=$(root_of "$tmp/killed.out")
cat "$tmp/killed.out"
expect "the command was running in the root" '[ -n "$killed_root" ] && [ -n "$(processes_in "$killed_root")" ]'
{ kill -KILL "$check_pid"; wait "$check_pid"; } 2>/dev/null
check_pid=""
for _ in $(seq 20); do [ -z "$(processes_in "$killed_root")" ] && break; sleep 0.5; done
expect "no process is left in its root" '[ -z "$(processes_in "$killed_root")" ]'
expect "no mount is left (host view)" '[ -z "$(mounts_under "$killed_root")" ]'
expect "its root is still there, for the next run to remove" '[ -d "$killed_root" ]'

echo "== a run stopped with SIGTERM during a command"
start_sleeping stopped
stopped_root=$(root_of "$tmp/stopped.out")
kill -TERM "$check_pid"
wait "$check_pid"
rc=$?
check_pid=""
cat "$tmp/stopped.out"
expect "exit status 143 (got $rc)" '[ "$rc" -eq 143 ]'
expect "says it was terminated" 'has "$tmp/stopped.out" "fresh-check: terminated"'
expect "removed its root at once" '[ -n "$stopped_root" ] && [ ! -e "$stopped_root" ]'
expect "no process is left in its root" '[ -z "$(processes_in "$stopped_root")" ]'
expect "removed the root the killed run left, at its start" '[ ! -e "$killed_root" ]'
expect "said so" 'has "$tmp/stopped.out" "removing $killed_root, left by a run that did not finish"'

echo "== a README whose command fails"
r=$(repo failing 'true' 'false  # 2: this one fails')
bash "$check" --repo "$r" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
expect "exit status 1 (got $rc)" '[ "$rc" -eq 1 ]'
expect "command 1 passed" 'has "$tmp/out" "command 1: exit 0"'
expect "command 2 exited 1" 'grep -qE "^fresh-check: command 2: exit 1, [0-9]+ s" "$tmp/out"'
expect "names the failed command" 'has "$tmp/out" "FAILED: command 2 (false  # 2: this one fails) exited 1"'
root=$(root_of "$tmp/out")
expect "removed its root" '[ -n "$root" ] && [ ! -e "$root" ]'

echo "fresh-check-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
