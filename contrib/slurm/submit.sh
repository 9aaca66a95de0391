#!/usr/bin/env bash
# Submits a chiso cluster run to Slurm: a job array of N extract tasks (task K
# takes shard K/N of LIST) and a merge job that starts once all of them
# succeeded, writes OUTDIR/merged.jsonl and loads it into DB (if given).
#
#   contrib/slurm/submit.sh LIST OUTDIR N [--db DB] [--array IDS] [SBATCH_ARGS...]
#
#   LIST     the input paths, one per line or NUL-separated (find -print0);
#            each path is its document's id
#   OUTDIR   shard-K.jsonl, merged.jsonl and logs/ land here (a folder every
#            node can reach)
#   --db     a SQLite file or a postgresql:// URL (password via PGPASSWORD or
#            ~/.pgpass, not in the URL: job arguments are visible to all)
#   --array  rerun only these tasks (e.g. 2,5) of an earlier submission with
#            the same LIST/OUTDIR/N; they resume from their committed records,
#            and a new merge job waits for them
#   other arguments go to both sbatch calls (e.g. --partition=batch --time=2:00:00)
#
# Prints "array_job=ID" and "merge_job=ID". Needs chiso on PATH on the nodes,
# or CHISO_BIN=/path/to/chiso in the environment (it is exported to the jobs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if (($# < 3)); then
  sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
list=$(realpath -m "$1") outdir=$2 n=$3
shift 3
db="" ids="" extra=()
while (($#)); do
  case $1 in
    --db) db=$2; shift 2 ;;
    --db=*) db=${1#--db=}; shift ;;
    --array) ids=$2; shift 2 ;;
    --array=*) ids=${1#--array=}; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done
# A SQLite file is made absolute (jobs may start elsewhere); a URL is kept.
[ -n "$db" ] && [[ $db != *://* ]] && db=$(realpath -m "$db")
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
  echo "submit.sh: N must be a positive integer, not '$n'" >&2
  exit 2
fi
[ -r "$list" ] || { echo "submit.sh: cannot read the list $list" >&2; exit 2; }
mkdir -p "$outdir/logs"
outdir=$(realpath "$outdir")
# A relative CHISO_BIN would not be found from the job's folder.
if [[ ${CHISO_BIN:-} == */* ]]; then export CHISO_BIN; CHISO_BIN=$(realpath "$CHISO_BIN"); fi

array=$(sbatch --parsable --array="${ids:-0-$((n - 1))}" --output="$outdir/logs/extract-%A_%a.log" \
  "${extra[@]}" "$here/extract.sbatch" "$list" "$outdir" "$n")
array=${array%%;*}  # "ID;cluster" on federated clusters
# --kill-on-invalid-dep: if a task fails, the merge is cancelled at once
# instead of waiting forever; rerun the failed tasks with --array.
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$outdir/logs/merge-%j.log" "${extra[@]}" "$here/merge.sbatch" "$list" "$outdir" "$n" ${db:+"$db"})
merge=${merge%%;*}
echo "array_job=$array"
echo "merge_job=$merge"
