#!/usr/bin/env bash
# chiso on a real Slurm (issue 10): starts munged, slurmctld and slurmd as a
# one-node cluster on loopback in a temp folder, drives contrib/slurm/ on 2,000
# documents and checks that
#   a) a 4-task array + the merge job give exactly a single-process run
#      (byte for byte, and the same SQLite rows);
#   b) an array task cancelled mid-run (scancel) and resubmitted with --array K
#      still gives exactly that, and SQLite (written by the tasks as they go,
#      then by the merge) has every figure once;
#   c) a list naming a missing file gives that document's error record, and a
#      merge whose N disagrees with the array's fails (exit 2, clear message)
#      leaving the merged file, the shards and the database as they were.
# Usage: slurm_test.sh CHISO_BIN SOURCE_DIR. Exit 77 (CTest SKIP_RETURN_CODE)
# with a message when the daemons cannot run here; nothing is installed
# (scripts/setup.sh installs slurm-wlm, munge and sqlite3).
set -euo pipefail
chiso=$(realpath "$1")
src=$(realpath "$2")
t0=$SECONDS

# shellcheck source=tests/slurm/cluster.sh
source "$src/tests/slurm/cluster.sh"
start_cluster

# ---------------------------------------------------------------- corpus
list=$tmp/list.txt
make_corpus 2000 "$list"
export CHISO_BIN=$chiso

say "single-process reference run"
"$chiso" extract --files-from "$list" --jobs 2 -q -o "$tmp/ref.jsonl"
"$chiso" load "$tmp/ref.jsonl" --db "$tmp/ref.sqlite" -q
[ "$(lines "$tmp/ref.jsonl")" -eq 2000 ] || fail "reference run: $(lines "$tmp/ref.jsonl") records"
ref_figures=$(sqlite3 "$tmp/ref.sqlite" "SELECT count(*) FROM figures")
((ref_figures > 2000)) || fail "reference run has only $ref_figures figures"
db_dump "$tmp/ref.sqlite" >"$tmp/ref.dump"

# ---------------------------------------------------------------- a) array + merge
say "a) 4-task array + merge"
submit "$list" "$tmp/a" 4 --db "$tmp/a.sqlite"
wait_job "$array_job"
expect_states "$array_job" COMPLETED
wait_job "$merge_job"
expect_states "$merge_job" COMPLETED
total=0
declare -a shard_lines
for k in 0 1 2 3; do
  shard_lines[k]=$(lines "$tmp/a/shard-$k.jsonl")
  ((shard_lines[k] > 0)) || fail "a) shard $k is empty"
  total=$((total + shard_lines[k]))
done
((total == 2000)) || fail "a) shards hold $total records, not 2000"
cmp "$tmp/ref.jsonl" "$tmp/a/merged.jsonl" || fail "a) merged.jsonl differs from the single-process run"
db_dump "$tmp/a.sqlite" | cmp - "$tmp/ref.dump" || fail "a) database rows differ from the single-process run's"
say "a) ok: shards ${shard_lines[*]} -> merged.jsonl == single run ($ref_figures figure rows)"

# ---------------------------------------------------------------- b) scancel + rerun
# The tasks also upsert into the database as they go (CHISO_EXTRACT_ARGS), so
# the cancelled task leaves rows that its rerun and the merge upsert again.
cancelled=""
for attempt in 1 2 3; do
  out=$tmp/b$attempt db=$tmp/b$attempt.sqlite
  say "b) attempt $attempt: array with the tasks writing $db, one task cancelled mid-run"
  CHISO_EXTRACT_ARGS="--db $db" submit "$list" "$out" 4 --db "$db"
  victim=""
  deadline=$((SECONDS + 120))
  while [ -z "$victim" ] && ((SECONDS < deadline)); do
    for k in 0 1 2 3; do
      n=$(lines "$out/shard-$k.jsonl")
      if ((n > 0 && n < shard_lines[k] - 64)) && [ "$(task_state "$array_job" "$k")" = RUNNING ]; then
        victim=$k
        scancel "${array_job}_$k"
        break
      fi
    done
    sleep 0.05
  done
  [ -n "$victim" ] || fail "b) no task was seen mid-run"
  wait_job "$array_job"
  state=$(task_state "$array_job" "$victim")
  kept=$(lines "$out/shard-$victim.jsonl")
  if [ "$state" = CANCELLED ] && ((kept < shard_lines[victim])); then
    cancelled=1
    break
  fi
  say "b) task $victim ended $state with $kept/${shard_lines[victim]} records before the cancel landed; again"
  scancel "$merge_job" 2>/dev/null || true
done
[ -n "$cancelled" ] || fail "b) could not cancel a task mid-run in 3 attempts"
say "b) task $victim cancelled with $kept of ${shard_lines[victim]} records committed"
wait_job "$merge_job" 30
merge_state=$(job_states "$merge_job" | head -1)
[ "$merge_state" != COMPLETED ] || fail "b) the merge ran although task $victim was cancelled"
[ ! -e "$out/merged.jsonl" ] || fail "b) merged.jsonl written although task $victim was cancelled"
first_array=$array_job
CHISO_EXTRACT_ARGS="--db $db" submit "$list" "$out" 4 --db "$db" --array "$victim"
wait_job "$array_job"
expect_states "$array_job" COMPLETED
wait_job "$merge_job"
expect_states "$merge_job" COMPLETED
grep -q "resuming" "$out/logs/extract-${array_job}_$victim.log" ||
  fail "b) the rerun of task $victim did not resume from its committed records"
cmp "$tmp/ref.jsonl" "$out/merged.jsonl" || fail "b) merged.jsonl after the rerun differs from the single run"
[ "$(db_duplicates "$db")" -eq 0 ] || fail "b) duplicate figures in SQLite"
db_dump "$db" | cmp - "$tmp/ref.dump" || fail "b) database rows differ from the single-process run's"
say "b) ok: task $victim of $first_array cancelled (merge $merge_state), rerun as $array_job resumed;" \
  "merged == single run, $ref_figures figure rows, no duplicates"

# ---------------------------------------------------------------- c) bad input
say "c1) a list naming a missing file"
missing=$tmp/docs/gone/no-such-article.txt
{ head -n 100 "$list"; echo "$missing"; } >"$tmp/c.list"
submit "$tmp/c.list" "$tmp/c" 2
wait_job "$array_job"
expect_states "$array_job" COMPLETED
wait_job "$merge_job"
expect_states "$merge_job" COMPLETED
[ "$(lines "$tmp/c/merged.jsonl")" -eq 101 ] || fail "c1) merged.jsonl holds $(lines "$tmp/c/merged.jsonl") records, not 101"
rec=$(grep -F "\"id\":\"$missing\"" "$tmp/c/merged.jsonl") || fail "c1) no record for $missing"
echo "$rec" | grep -qF "\"error\":{\"code\":\"unreadable\",\"message\":\"$missing: No such file or directory\"}" ||
  fail "c1) the missing file's record has no clear error: $rec"
say "c1) ok: $missing -> unreadable record, 100 others extracted"

say "c2) a merge whose N (3) disagrees with the array's (4)"
sums() { sha256sum "$tmp/a/merged.jsonl" "$tmp/a"/shard-*.jsonl; db_dump "$tmp/a.sqlite" | sha256sum; }
before=$(sums)
bad=$(sbatch --parsable --output="$tmp/a/logs/merge-bad-%j.log" "$contrib/merge.sbatch" "$list" "$tmp/a" 3 "$tmp/a.sqlite")
wait_job "$bad"
expect_states "$bad" FAILED
code=$(scontrol -o show job "$bad" | grep -o ' ExitCode=[0-9:]*' | cut -d= -f2)
[ "$code" = "2:0" ] || fail "c2) the refused merge exited $code, not 2"
log=$tmp/a/logs/merge-bad-$bad.log
grep -q "merge refused: .*shard" "$log" || fail "c2) no clear message in $log: $(cat "$log")"
[ "$(sums)" = "$before" ] || fail "c2) the refused merge changed merged.jsonl, a shard or the database"
[ ! -e "$tmp/a/merged.jsonl.tmp" ] || fail "c2) a temp file was left"
say "c2) ok: exit 2, '$(grep -m1 'merge refused' "$log")'; nothing written changed"

say "all scenarios passed in $((SECONDS - t0))s"
