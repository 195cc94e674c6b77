#!/usr/bin/env bash
# A single-node SLURM with job accounting on this Debian machine, for dualdx's cluster test.
#
#   bash .ci/slurm.sh [start]   install (apt-get), configure and start munge, MariaDB, slurmdbd,
#                               slurmctld and slurmd; then submit one job and check that sacct sees it
#   bash .ci/slurm.sh stop      stop the daemons this script started (by their pid files)
#
# Needs root and apt-get (Debian 12: SLURM 22.05). Idempotent: a cluster this script already
# started and that answers is reused. It refuses to touch a slurm.conf it did not write.
# On success it writes $DUALDX_SLURM_ENV (default /run/dualdx-slurm/cluster.env), the file the
# cluster test (tests/workflow/test_slurm_cluster.py) reads:
#   DUALDX_SLURM_CLUSTER=dualdx  DUALDX_SLURM_PARTITION=main  DUALDX_SLURM_ACCOUNT=dualdx
# Logs: /var/log/slurm/*.log, /var/log/dualdx-slurm/mariadb.log, /var/log/munge/munged.log.
set -euo pipefail

CLUSTER=dualdx
PARTITION=main
ACCOUNT=dualdx
MARK="# written by dualdx .ci/slurm.sh"
ENV_FILE="${DUALDX_SLURM_ENV:-/run/dualdx-slurm/cluster.env}"
USERS=(root)
[[ -n "${SUDO_USER:-}" && "${SUDO_USER}" != root ]] && USERS+=("$SUDO_USER")
CONF=/etc/slurm/slurm.conf
DBD_CONF=/etc/slurm/slurmdbd.conf
LOGDIR=/var/log/dualdx-slurm
MYSQL_SOCK=/run/mysqld/mysqld.sock
MYSQL_PID=/run/mysqld/mysqld.pid

say() { echo "slurm.sh: $*"; }
die() { echo "slurm.sh: $*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every second until it succeeds
wait_for() {
  local secs=$1 what=$2; shift 2
  for ((i = 0; i < secs; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  die "$what did not come up within ${secs} s (logs: /var/log/slurm, $LOGDIR, /var/log/munge)"
}

stop_pidfile() {
  local f=$1
  [[ -s $f ]] || return 0
  local pid
  pid=$(<"$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$f"
}

if [[ "${1:-start}" == stop ]]; then
  [[ $(id -u) -eq 0 ]] || die "stop needs root"
  grep -qF "$MARK" "$CONF" 2>/dev/null || die "$CONF was not written by this script: not stopping anything"
  stop_pidfile /run/slurmd.pid
  stop_pidfile /run/slurmctld.pid
  stop_pidfile /run/slurmdbd.pid
  stop_pidfile "$MYSQL_PID"
  stop_pidfile /run/munge/dualdx-munged.pid
  rm -f "$ENV_FILE"
  say "stopped"
  exit 0
fi
[[ "${1:-start}" == start ]] || die "usage: bash .ci/slurm.sh [start|stop]"

[[ $(id -u) -eq 0 ]] || die "needs root (it installs Debian packages and starts system daemons); running as uid $(id -u)"
command -v apt-get >/dev/null || die "needs a Debian machine with apt-get"

write_env() {
  mkdir -p "$(dirname "$ENV_FILE")"
  printf 'DUALDX_SLURM_CLUSTER=%s\nDUALDX_SLURM_PARTITION=%s\nDUALDX_SLURM_ACCOUNT=%s\n' \
    "$CLUSTER" "$PARTITION" "$ACCOUNT" >"$ENV_FILE"
  say "ready: cluster $CLUSTER, partition $PARTITION, account $ACCOUNT ($ENV_FILE)"
}

# --- a job through sbatch that sacct (slurmdbd) reports as COMPLETED -------------------------
smoke_test() {
  local id state=""
  id=$(sbatch --parsable -A "$ACCOUNT" -p "$PARTITION" -t 1 --mem 10 -o /dev/null --wrap true) || return 1
  for _ in $(seq 60); do
    state=$(sacct -n -X -P -j "$id" -o State 2>/dev/null | head -1)
    [[ $state == COMPLETED ]] && return 0
    sleep 1
  done
  scancel "$id" 2>/dev/null || true
  echo "slurm.sh: job $id: sacct state '${state}' after 60 s, expected COMPLETED" >&2
  return 1
}

if [[ -f $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
  die "$CONF exists and was not written by this script: not touching a real SLURM configuration"
fi
if [[ -f $CONF ]] && scontrol ping >/dev/null 2>&1 && smoke_test 2>/dev/null; then
  say "a cluster started by this script is already running"
  write_env
  exit 0
fi

# --- packages ---------------------------------------------------------------------------------
pkgs=(munge mariadb-server slurmdbd slurmctld slurmd slurm-client)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  say "installing ${missing[*]}"
  # the packages' maintainer scripts must not start their services (no init system here)
  policy_created=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    policy_created=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  (( policy_created )) && rm -f /usr/sbin/policy-rc.d
fi
mkdir -p "$LOGDIR" /var/log/slurm /var/spool/slurmctld /var/spool/slurmd /run/dualdx-slurm
chown slurm:slurm /var/log/slurm /var/spool/slurmctld

# --- munge ------------------------------------------------------------------------------------
if [[ ! -s /etc/munge/munge.key ]]; then
  mungekey --create --keyfile /etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/dualdx-munged.pid
  wait_for 20 munged bash -c 'munge -n | unmunge'
fi

# --- MariaDB (slurmdbd's store), local socket only --------------------------------------------
if [[ ! -d /var/lib/mysql/mysql ]]; then
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql >"$LOGDIR/mariadb-install.log" 2>&1
fi
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
if ! mariadb-admin --socket="$MYSQL_SOCK" ping >/dev/null 2>&1; then
  say "starting MariaDB"
  # no TCP port; native AIO off (not every sandboxed kernel has it)
  setsid /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql --socket="$MYSQL_SOCK" \
    --pid-file="$MYSQL_PID" --skip-networking --innodb-use-native-aio=0 \
    --log-error="$LOGDIR/mariadb.log" </dev/null >/dev/null 2>&1 &
  wait_for 60 MariaDB mariadb-admin --socket="$MYSQL_SOCK" ping
fi
# slurmdbd runs as the OS user slurm and logs in as MariaDB user slurm through the socket
# (unix_socket authentication): no password is stored anywhere.
mariadb --socket="$MYSQL_SOCK" <<'SQL'
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED VIA unix_socket;
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
SQL

# --- configuration: this host's CPUs and memory ------------------------------------------------
node_line=$(slurmd -C | head -1)   # NodeName=<host> CPUs=.. Boards=.. ... RealMemory=<MB>
node=$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$node_line")
real_mem=$(sed -E 's/.*RealMemory=([0-9]+).*/\1/' <<<"$node_line")
# offer 90% of the memory, so that a slightly smaller reading after a reboot cannot drain the node
node_line=${node_line/RealMemory=$real_mem/RealMemory=$((real_mem * 9 / 10))}

cat >"$CONF" <<EOF
$MARK: a single node with job accounting
ClusterName=$CLUSTER
SlurmctldHost=$node
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# no cgroups: processes are tracked through /proc
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageEnforce=associations
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=5
MinJobAge=300
$node_line State=UNKNOWN
PartitionName=$PARTITION Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$CONF"

cat >"$DBD_CONF" <<EOF
$MARK
AuthType=auth/munge
DbdHost=localhost
SlurmUser=slurm
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StorageLoc=slurm_acct_db
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
EOF
chown slurm:slurm "$DBD_CONF" && chmod 600 "$DBD_CONF"

# --- daemons ----------------------------------------------------------------------------------
# a daemon left from an earlier, unhealthy start is restarted with the configuration above
stop_pidfile /run/slurmd.pid
stop_pidfile /run/slurmctld.pid
stop_pidfile /run/slurmdbd.pid

say "starting slurmdbd"
slurmdbd
wait_for 60 "slurmdbd" sacctmgr -n list cluster

# the cluster, one account, and the users who submit (associations are enforced)
sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER" || sacctmgr -i add cluster "$CLUSTER" >/dev/null
sacctmgr -n -P list account format=account | grep -qx "$ACCOUNT" \
  || sacctmgr -i add account "$ACCOUNT" Cluster="$CLUSTER" Description="dualdx CI" Organization=dualdx >/dev/null
for u in "${USERS[@]}"; do
  sacctmgr -n -P list association user="$u" account="$ACCOUNT" format=user | grep -qx "$u" \
    || sacctmgr -i add user "$u" Account="$ACCOUNT" DefaultAccount="$ACCOUNT" Cluster="$CLUSTER" >/dev/null
done

say "starting slurmctld and slurmd on $node"
slurmctld
wait_for 60 slurmctld scontrol ping
slurmd
node_ready() {
  local st
  st=$(sinfo -h -n "$1" -o %T 2>/dev/null | head -1)
  case $st in
    idle|mixed|allocated|completing) return 0 ;;
    drain*|down*) scontrol update NodeName="$1" State=RESUME >/dev/null 2>&1; return 1 ;;
    *) return 1 ;;
  esac
}
wait_for 90 "node $node" node_ready "$node"

say "submitting a test job"
smoke_test || die "a test job did not complete through sbatch and sacct (logs: /var/log/slurm)"
write_env
