#!/bin/bash
# A throw-away one-node Slurm for the job-array test, as root:
#   one_node_slurm.sh start DIR   munged, slurmctld and slurmd with their key,
#                                 config, state, logs and sockets all in DIR;
#                                 prints SLURM_CONF=DIR/slurm.conf once the node is idle
#   one_node_slurm.sh stop DIR    ends the three daemons (their pid files in DIR)
# Nothing outside DIR is read or written (no /etc/munge, no /etc/slurm), and
# the ports are chosen free, so it runs beside a real Slurm or munge.
# Exit status 77: cannot run here (not root, slurm-wlm/munge missing, or no
# cgroup filesystem: slurmd 22.05 will not start without one, as in a chroot
# or a container that does not mount /sys/fs/cgroup).
set -u
cmd=${1:-}; dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
  for d in slurmd slurmctld munged; do
    pidfile="$dir/$d.pid"
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$pidfile"
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "one_node_slurm: needs root (slurmd starts jobs as their user)" >&2; exit 77; }
for b in munged slurmctld slurmd sbatch sinfo; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] ||
    { echo "one_node_slurm: $b not found (Debian: slurm-wlm munge)" >&2; exit 77; }
done
PATH=$PATH:/usr/sbin
[ -e /sys/fs/cgroup/cgroup.controllers ] || [ -d /sys/fs/cgroup/cpuset ] ||
  { echo "one_node_slurm: no cgroup filesystem at /sys/fs/cgroup; slurmd cannot start here" >&2; exit 77; }

# A free TCP port: one nothing listens on (ss), from a range Slurm does not use by default.
free_port() {
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -ltn 2>/dev/null | grep ":$p " >/dev/null || { echo "$p"; return; }
  done
}

fail() { echo "one_node_slurm: $1" >&2; for f in "$dir"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done; stop; exit 1; }

mkdir -p "$dir/state" "$dir/spool" && chmod 700 "$dir" || exit 1
head -c 1024 /dev/urandom > "$dir/munge.key" && chmod 400 "$dir/munge.key"
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge.seed" || fail "munged did not start"

# The host by name, at the loopback address: a fresh machine may have no
# /etc/hosts entry (nor DNS) for its own name.
host=$(hostname)
cat > "$dir/slurm.conf" <<CONF
ClusterName=somatest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=soma Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 100); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.2
done
fail "the node did not become idle in 20 s: $(sinfo 2>&1)"
