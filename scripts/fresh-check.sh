#!/usr/bin/env bash
# The README's promise, checked: on a brand-new minimal Debian bookworm root
# (debootstrap --variant=minbase plus git and ca-certificates, as root), a clean
# clone of the commit under test runs the quick-start commands exactly as
# README.md writes them, between its "fresh-check: quick start" markers.
#   scripts/fresh-check.sh [--repo DIR] [--commit REV] [--keep]
#     --repo DIR    the repository to clone (default: the one this script is in)
#     --commit REV  the commit to check (default: HEAD; uncommitted changes are not part of it)
#     --keep        keep the root afterwards (default: removed on every exit)
# Prints each command's exit status and wall time, keeps the logs (printed at
# the end), and exits 0 when every command passed, 1 naming the commands that
# failed, 2 when the check itself could not run. Needs root, debootstrap (it is
# installed when missing) and the network (the Debian mirror, npm).
#
# What the root gets from this host, and nothing more: the Debian apt sources
# (and apt's Acquire proxy/validity settings, needed to reach the same mirror),
# the locally trusted CA certificates (/usr/local/share/ca-certificates) and
# /etc/resolv.conf. The debootstrap base is cached as a tarball in
# $SOMA_FRESH_DIR (default /var/tmp/soma-fresh) under a key of exactly what goes
# into it (suite, variant, include list, mirror, architecture, debootstrap
# version); it is rebuilt when older than 7 days, and nothing else is ever
# added to it, so it cannot hide a missing package.
#
# Each command runs in its own mount and PID namespace (unshare) holding the
# root's /proc, /sys (read-only), a minimal /dev and a tmpfs /dev/shm (headless
# Chromium, OpenMP): the host never sees these mounts, and when the check dies,
# however it dies (kill -9 included), the kernel kills the command's processes
# and drops the mounts. A root left behind by a killed run is removed by the
# next run.
# The script is one block: bash reads all of it before it runs, so a checkout
# during a run (it takes a while) cannot change the rest of it.
{
set -uo pipefail

suite=bookworm
variant=minbase
include=ca-certificates,git
max_base_age_days=7
work=${SOMA_FRESH_DIR:-/var/tmp/soma-fresh}
begin_marker='<!-- fresh-check: quick start begin -->'
end_marker='<!-- fresh-check: quick start end -->'

say() { printf 'fresh-check: %s\n' "$*"; }
die() { printf 'fresh-check: error: %s\n' "$*" >&2; exit 2; }

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null)
commit=HEAD
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) [ $# -ge 2 ] || die "--repo needs a folder"; repo=$2; shift 2 ;;
    --commit) [ $# -ge 2 ] || die "--commit needs a revision"; commit=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (expected --repo DIR, --commit REV, --keep)" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts); run it as root or with sudo"
[ -n "$repo" ] && git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "'${repo:-.}' is not a git repository (use --repo DIR)"
sha=$(git -C "$repo" rev-parse --verify -q "$commit^{commit}") || die "'$commit' is not a commit in $repo"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] || [ "$commit" != HEAD ] ||
  say "note: $repo has uncommitted changes; they are not part of the check (it clones $sha)"

# The commands, read from the commit under test: the lines of the fenced block
# between the markers (blank lines and fences skipped), each run as written.
readme=$(git -C "$repo" show "$sha:README.md" 2>/dev/null) || die "no README.md in $sha"
block=$(printf '%s\n' "$readme" | awk -v b="$begin_marker" -v e="$end_marker" '
  $0 == b { inside = 1; found_begin = 1; next }
  $0 == e { if (inside) found_end = 1; inside = 0; next }
  inside && !/^```/ && !/^[ \t]*$/ { print }
  END { exit !(found_begin && found_end) }') ||
  die "README.md of $sha has no block between the lines '$begin_marker' and '$end_marker'"
[ -n "$block" ] || die "README.md of $sha has no command between its quick-start markers"
mapfile -t commands <<<"$block"

mkdir -p "$work/logs" || die "cannot create $work"
logs=$work/logs/$(date +%Y%m%d-%H%M%S)-${sha:0:12}
mkdir -p "$logs" || die "cannot create $logs"
summary=$logs/summary.txt
report() { say "$*"; printf '%s\n' "$*" >>"$summary"; }
report "checking $sha ($(git -C "$repo" log -1 --format=%s "$sha" 2>/dev/null)) from $repo"
report "logs: $logs"

ls -1dt "$work"/logs/*/ 2>/dev/null | tail -n +21 | xargs -r rm -rf  # the 20 newest logs are kept

root=""
build=""
child=""
cleanup() {
  [ -n "$child" ] && kill -KILL "$child" 2>/dev/null && wait "$child" 2>/dev/null
  [ -n "$build" ] && rm -rf --one-file-system "$build" "$base.tmp"
  if [ -n "$root" ] && [ -d "$root" ]; then
    if [ "$keep" -eq 1 ]; then say "root kept at $root (remove it with: rm -rf --one-file-system $root)"
    else rm -rf --one-file-system "$root" "$root.pid"; fi
  fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# Runs "$@" (output to LOG, no input) in its own mount and PID namespace,
# killed with its namespace if this script dies, and waits for it so that
# INT/TERM are handled at once (the redirections stay on the child: the traps
# print to this script's output).
isolated() {  # LOG COMMAND...
  local out=$1
  shift
  setpriv --pdeathsig KILL -- unshare --mount --propagation private --pid --fork --kill-child=KILL -- "$@" \
    </dev/null >"$out" 2>&1 &
  child=$!
  wait "$child"
  local rc=$?
  child=""
  return $rc
}

# The host's Debian mirror.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $1; exit}')
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
  /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap on this host"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap; } \
    >"$logs/install-debootstrap.log" 2>&1 || die "could not install debootstrap (see $logs/install-debootstrap.log)"
fi

# Under the lock: what killed runs left, the base, a new root with its owner's pid.
exec 9>"$work/lock"
flock 9
for old in "$work"/root.*; do
  [ -d "$old" ] || continue
  pid=$(cat "$old.pid" 2>/dev/null)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    # Its mounts died with its namespaces; --one-file-system guards against any that did not.
    say "removing $old, left by a run that did not finish"
    rm -rf --one-file-system "$old" "$old.pid"
  fi
done
rm -rf --one-file-system "$work"/base-build.* "$work"/base-*.tar.tmp

# The cached base: keyed on everything that goes into it, at most 7 days old.
arch=$(dpkg --print-architecture)
key=$(printf '%s\n' "$suite" "$variant" "$include" "$mirror" "$arch" "$(debootstrap --version)" | sha256sum | cut -c1-16)
base=$work/base-$key.tar
find "$work" -maxdepth 1 -name 'base-*.tar' -mtime +$((max_base_age_days - 1)) -delete
if [ -f "$base" ]; then
  report "base: $base (cached $(( ($(date +%s) - $(stat -c %Y "$base")) / 3600 )) h ago; $suite $variant + $include from $mirror)"
else
  report "base: debootstrap --variant=$variant --include=$include $suite from $mirror"
  build=$(mktemp -d "$work/base-build.XXXXXX")
  start=$(date +%s)
  if ! isolated "$logs/debootstrap.log" debootstrap --variant="$variant" --include="$include" "$suite" "$build" "$mirror"; then
    tail -n 20 "$logs/debootstrap.log" | sed 's/^/  | /'
    die "debootstrap failed (see $logs/debootstrap.log)"
  fi
  tar --numeric-owner -C "$build" -cf "$base.tmp" . && mv "$base.tmp" "$base" || die "cannot write $base"
  rm -rf --one-file-system "$build"
  build=""
  report "base: built in $(( $(date +%s) - start )) s, cached as $base"
fi
root=$(mktemp -d "$work/root.XXXXXX")
echo $$ >"$root.pid"
flock -u 9
exec 9>&-
report "root: $root"
tar --numeric-owner -C "$root" -xf "$base" || die "cannot unpack $base"
chmod 755 "$root"

# From the host: its Debian sources (mirror, suites), how apt reaches them, the
# CAs it trusts, its resolver.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" && rm -f "$root/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
  cp /etc/apt/sources.list "$root/etc/apt/sources.list"
fi
for conf in /etc/apt/apt.conf.d/*; do
  grep -qiE 'Acquire::[^ ]*(proxy|Check-Valid-Until|Check-Date)' "$conf" 2>/dev/null && cp "$conf" "$root/etc/apt/apt.conf.d/"
done
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

# Clone as a user would, then move to the commit under test.
git clone -q --no-hardlinks "$repo" "$root/root/soma" 2>"$logs/clone.log" || die "git clone of $repo failed (see $logs/clone.log)"
if [ "$(git -C "$root/root/soma" rev-parse HEAD)" != "$sha" ]; then
  git -C "$root/root/soma" fetch -q origin "$sha" 2>>"$logs/clone.log" &&
    git -C "$root/root/soma" checkout -q --detach "$sha" 2>>"$logs/clone.log" || die "cannot check out $sha (see $logs/clone.log)"
fi

# Inside the namespace: the root's /proc, /sys, /dev, /dev/shm, then chroot.
inner='set -e
r=$1; shift
mount -t proc proc "$r/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$r/sys"
mount -t tmpfs -o mode=755,nosuid tmpfs "$r/dev"
for d in null zero full random urandom tty; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
mkdir "$r/dev/shm" "$r/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts"
ln -s pts/ptmx "$r/dev/ptmx"; ln -s /proc/self/fd "$r/dev/fd"
ln -s /proc/self/fd/0 "$r/dev/stdin"; ln -s /proc/self/fd/1 "$r/dev/stdout"; ln -s /proc/self/fd/2 "$r/dev/stderr"
exec chroot "$r" "$@"'
in_root() {  # LOG COMMAND...
  local out=$1
  shift
  isolated "$out" bash -c "$inner" inner "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
in_root "$logs/update-ca-certificates.log" update-ca-certificates ||
  die "update-ca-certificates failed in the root (see $logs/update-ca-certificates.log)"

disk_before=$(du -sx --block-size=1M "$root" | cut -f1)
failed=()
i=0
for cmd in "${commands[@]}"; do
  i=$((i + 1))
  log=$logs/command$i.log
  say "command $i: $cmd"
  say "  running; log: $log"
  start=$(date +%s)
  in_root "$log" bash -lc "cd /root/soma && $cmd"
  rc=$?
  secs=$(( $(date +%s) - start ))
  report "command $i: exit $rc, $secs s ($((secs / 60)) min $((secs % 60)) s): $cmd"
  if [ $rc -ne 0 ]; then
    failed+=("command $i ($cmd) exited $rc")
    tail -n 30 "$log" | sed 's/^/  | /'
  fi
done

report "disk: the root grew from $disk_before MB to $(du -sx --block-size=1M "$root" | cut -f1) MB"
if [ ${#failed[@]} -gt 0 ]; then
  for f in "${failed[@]}"; do report "FAILED: $f"; done
  report "logs: $logs"
  exit 1
fi
report "passed: all ${#commands[@]} quick-start commands (logs: $logs)"
exit 0
}
