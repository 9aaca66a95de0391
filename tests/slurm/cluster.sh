# Shared by the Slurm tests (sourced, not run): a throwaway one-node Slurm
# cluster on loopback and helpers to drive it. The caller sets chiso (the
# binary), src (the source tree) and t0 (=$SECONDS), then calls start_cluster.
# Everything lives in $tmp; the EXIT trap stops the daemons by their pid files
# and removes $tmp (CHISO_KEEP_TMP=1 keeps it). Not being able to start the
# daemons exits 77, which CTest reports as skipped.
contrib=$src/contrib/slurm

skip() {
  echo "SKIPPED: $* (the Slurm cluster test needs it)"
  exit 77
}
say() { echo "[$((SECONDS - t0))s] $*"; }
fail() {
  echo "FAIL: $*" >&2
  show_logs
  exit 1
}

# Daemons live in sbin, which root's PATH may lack (e.g. after plain `su`).
export PATH=$PATH:/usr/sbin:/sbin
[ "$(id -u)" -eq 0 ] || skip "not root: slurmd and munged are started as root/munge"
for b in munged mungekey slurmctld slurmd sbatch scontrol scancel sinfo runuser sqlite3; do
  command -v "$b" >/dev/null 2>&1 || skip "no $b on PATH (run scripts/setup.sh)"
done
id munge >/dev/null 2>&1 || skip "no munge user (munge package incomplete)"

tmp=$(mktemp -d /tmp/chiso_slurm.XXXXXX)
chmod 755 "$tmp"
export SLURM_CONF=$tmp/slurm.conf

show_logs() {
  for f in "$tmp"/munge/munged.log "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/*/logs/*.log; do
    [ -f "$f" ] || continue
    echo "----- tail of $f" >&2
    tail -n 15 "$f" >&2
  done
}

# Stops what this test started, by pid file, and waits for it to go.
stop_daemons() {
  if [ -f "$tmp/slurmctld.pid" ]; then scancel --user=root >/dev/null 2>&1 || true; fi
  local pids=()
  for f in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munge/munged.pid"; do
    [ -s "$f" ] || continue
    local pid
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  done
}
cleanup() {
  local rc=$?
  set +e
  stop_daemons
  if [ -n "${CHISO_KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# A free TCP port on loopback (nothing answers a connect to it).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo 46817
}

start_cluster() {
  say "starting munged, slurmctld, slurmd in $tmp"
  mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool"
  chown munge:munge "$tmp/munge"
  chmod 755 "$tmp/munge"  # munged wants its socket folder open to clients
  runuser -u munge -- mungekey -c -k "$tmp/munge/munge.key" >/dev/null 2>&1 ||
    skip "mungekey cannot create a key"
  # In the foreground (-F, backgrounded here): daemon mode needs /dev/null,
  # which some sandboxes do not provide as a device.
  runuser -u munge -- munged -F --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
    --seed-file="$tmp/munge/munged.seed" >"$tmp/munge/stderr.log" 2>&1 &
  for _ in $(seq 1 100); do
    [ -S "$tmp/munge/munge.socket" ] && [ -s "$tmp/munge/munged.pid" ] && break
    sleep 0.1
  done
  [ -S "$tmp/munge/munge.socket" ] || { cat "$tmp/munge/stderr.log"; skip "munged does not start"; }

  host=$(hostname -s)
  local ctld_port slurmd_port
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  cat >"$SLURM_CONF" <<EOF
ClusterName=chisotest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=chiso Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld -c >"$tmp/slurmctld.stderr" 2>&1 || { cat "$tmp/slurmctld.stderr"; skip "slurmctld does not start"; }
  slurmd >"$tmp/slurmd.stderr" 2>&1 || { cat "$tmp/slurmd.stderr"; skip "slurmd does not start"; }
  ready=""
  for _ in $(seq 1 60); do
    if [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = "idle" ]; then
      ready=1
      break
    fi
    sleep 0.5
  done
  [ -n "$ready" ] || { show_logs; skip "the Slurm node does not come up idle"; }
  say "cluster up: $(sinfo -h -o '%P %D %T %c CPUs')"
}

# ---------------------------------------------------------------- helpers
# States of a job (every task of an array), one per line.
job_states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
task_state() { scontrol -o show job "$1_$2" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | head -1; }
# Waits until no task of the job is pending or running.
wait_job() {
  local deadline=$((SECONDS + ${2:-150}))
  while ((SECONDS < deadline)); do
    if ! job_states "$1" | grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUE|SUSPENDED'; then return 0; fi
    sleep 0.3
  done
  fail "job $1 still running after ${2:-150}s: $(job_states "$1" | sort | uniq -c | tr '\n' ' ')"
}
expect_states() {  # JOB STATE: every task of JOB ended in STATE
  local other
  other=$(job_states "$1" | grep -v "^$2\$" || true)
  [ -z "$other" ] || fail "job $1: expected all $2, got: $(job_states "$1" | tr '\n' ' ')"
}
lines() { if [ -f "$1" ]; then tr -cd '\n' <"$1" | wc -c; else echo 0; fi; }
# The rows a database holds, in a fixed order, for comparing two databases.
db_dump() {
  sqlite3 "$1" "SELECT doc_id, sha256, path, format, encoding, title, date, subject_id, pages,
                       error_code, error_message FROM documents ORDER BY doc_id, sha256;
                SELECT doc_sha256, figure_id, json FROM figures ORDER BY doc_sha256, figure_id;
                SELECT * FROM warnings ORDER BY 1, 2;"
}
# Figures stored more than once (same document bytes, same figure).
db_duplicates() {
  sqlite3 "$1" "SELECT count(*) FROM (SELECT doc_sha256, json FROM figures GROUP BY doc_sha256, json
                                       HAVING count(*) > 1)"
}
submit() { # LIST OUTDIR N [args]: sets array_job and merge_job
  local out
  out=$("$contrib/submit.sh" "$@") || fail "submit.sh $*: $out"
  eval "$out"
  say "submitted $2: array job $array_job, merge job $merge_job"
}


# make_corpus COUNT LIST: COUNT documents under $tmp/docs, copies of
# corpus/sample + corpus/dev under distinct names (as scripts/throughput.sh
# makes them); copy c ends with c extra newlines so every file has its own
# bytes and sha256, hence its own rows in SQLite. Their paths go to LIST.
make_corpus() {
  local count=$1 list=$2 docs=$tmp/docs pad="" c=0 f
  local per=$(ls "$src"/corpus/sample/*.txt "$src"/corpus/dev/*.txt | wc -l)
  while ((c * per < count)); do
    c=$((c + 1))
    mkdir -p "$docs/c$c"
    cp "$src"/corpus/sample/*.txt "$src"/corpus/dev/*.txt "$docs/c$c/"
    pad+=$'\n'
    for f in "$docs/c$c"/*.txt; do printf '%s' "$pad" >>"$f"; done
  done
  find "$docs" -type f -name '*.txt' | LC_ALL=C sort | head -n "$count" >"$list"
  [ "$(lines "$list")" -eq "$count" ] || fail "expected $count documents, got $(lines "$list")"
}
