#!/usr/bin/env bash
# bench/distributed.sh [BUILD_DIR]   (default: the repository's build/)
#
# Issue 12's measurements, ratios in one run, on one host:
#   1. sweep wall time: `mpirun -np 2 soma run` against `soma run --jobs 2`
#      (8 runs on synthetic digits; target: within 10%)
#   2. data-parallel step time, 784-512-256-10 and 784-16-16-10 at global
#      batch 256 on MNIST (12,800 digits, 1 thread per rank), 2 ranks against
#      1, with the share of the step rank 0 spends in the gradient allreduce
#      (soma prints it). Epoch 1 (oneDNN's JIT) is dropped.
# REPS (default 3) repetitions, alternating, medians. Needs mpirun, bin/soma
# built with MPI, and the MNIST cache (soma data fetch mnist). As root it sets
# OMPI_ALLOW_RUN_AS_ROOT*. Timings on a shared machine are noisy: the load
# average is printed; read the table, do not gate on it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
SOMA=$BUILD/bin/soma
REPS=${REPS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe --bind-to none)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc -l; }

cat > sweep.toml <<'TOML'
[experiment]
name = "sweep"
[data]
dataset = "synthetic"
synthetic_train = 3000
synthetic_test = 200
[model]
activation = "relu"
[training]
epochs = 4
batch_size = 64
optimizer = { name = "sgd", learning_rate = 0.2 }
[sweep]
"model.hidden" = [[32], [64], [64, 32], [128]]
"training.seed" = [1, 2]
TOML
for r in $(seq "$REPS"); do
  seconds "$SOMA" run sweep.toml --out "jobs$r" --jobs 2 >> jobs.txt
  seconds "${MPIRUN[@]}" -np 2 "$SOMA" run sweep.toml --out "mpi$r" >> mpi.txt
done
jobs=$(median < jobs.txt); mpi=$(median < mpi.txt)

# Seconds per step from metrics.csv (epochs >= 2; 50 steps an epoch) and the allreduce share.
step_ms() {
  awk -F, -v s="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "seconds") c = i; next}
                     NR > 2 {print $c * 1000 / s}' "$1/metrics.csv" | median
}
for net in "512, 256" "16, 16"; do
  name=$(echo "$net" | tr -d ' ' | tr , -)
  sed "s/@HIDDEN@/$net/" > "dp$name.toml" <<'TOML'
[experiment]
name = "dp"
[data]
dataset = "mnist"
train_limit = 12800
test_limit = 1000
[model]
hidden = [@HIDDEN@]
activation = "relu"
[training]
epochs = 3
batch_size = 256
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 0.1
[distributed]
mode = "data"
TOML
  for r in $(seq "$REPS"); do
    for n in 1 2; do
      "${MPIRUN[@]}" -np "$n" "$SOMA" run "dp$name.toml" --out "dp$name-$n-$r" > "dp$name-$n-$r.log" 2>&1
      step_ms "dp$name-$n-$r" 50 >> "step$name-$n.txt"
      sed -n 's/.*training in the gradient allreduce (\([0-9]*\)%).*/\1/p' "dp$name-$n-$r.log" >> "share$name-$n.txt"
    done
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; REPS=$REPS; $(git -C "$ROOT" rev-parse --short HEAD)"
printf '%-46s %12s %12s %8s\n' "measurement" "baseline" "measured" "ratio"
printf '%-46s %10.2f s %10.2f s %8.2f  (target <= 1.10)\n' "sweep wall: mpirun -np 2 vs --jobs 2" "$jobs" "$mpi" "$(echo "$mpi / $jobs" | bc -l)"
for name in 512-256 16-16; do
  one=$(median < "step$name-1.txt"); two=$(median < "step$name-2.txt"); share=$(median < "share$name-2.txt")
  printf '%-46s %9.2f ms %9.2f ms %8.2f  (allreduce %s%% of the 2-rank step)\n' \
    "784-$name-10 step, batch 256: 2 ranks vs 1" "$one" "$two" "$(echo "$two / $one" | bc -l)" "$share"
done
