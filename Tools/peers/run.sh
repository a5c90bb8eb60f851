#!/usr/bin/env bash
# run.sh -- JobMatch against peer search libraries (tantivy, bm25s, scikit-learn): same machine,
# same generated data, one run, one table.  See Tools/peers/README.md.
#
# Usage (from anywhere; relative paths are relative to the repo root):
#   Tools/peers/run.sh [--postings N] [--seekers M] [--latency-queries Q] [--top K] [--out DIR]
#                      [--eval | --eval-only]
#   defaults: N=100000 M=10000 Q=1000 K=100 DIR=.build-peers
# Environment:
#   JOBMATCH  the CLI binary (default .build-release/release/jobmatch). Not built here.
#   DATA      shared data for --eval (default ../shared/data beside the checkout).
#   PYTHON    interpreter that creates the venv (default python3).
#
# Steps: (1) the venv .build-peers/venv with requirements.txt (created once; reinstalled when the
# file changes); (2) `jobmatch sample` into DIR/data; (3) each system in its own process, one after
# another: tantivy, bm25s, scikit-learn, JobMatch -> DIR/<system>/{result.json,run.trec};
# (4)+(5) pytrec_eval and the table -> DIR/results.md and DIR/results.json.
# --eval adds the dev sets of shared/data (DIR/eval-results.md); --eval-only does only that.
# Exit status: 0 when every system ran, 1 when one failed (the table still shows the others), 2 on usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

N=100000 M=10000 Q=1000 K=100 OUT=.build-peers EVAL=0 MAIN=1
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --postings) N=$2; shift 2 ;;
    --seekers) M=$2; shift 2 ;;
    --latency-queries) Q=$2; shift 2 ;;
    --top) K=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --eval) EVAL=1; shift ;;
    --eval-only) EVAL=1; MAIN=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
for v in "$N" "$M" "$Q" "$K"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "error: '$v' is not a number" >&2; exit 2; }
done

JOBMATCH=${JOBMATCH:-.build-release/release/jobmatch}
DATA=${DATA:-../shared/data}
AS_OF=2026-11-27
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ "$OUT" != "$root" ] || { echo "error: --out must not be the repo root (it is cleaned per system)" >&2; exit 2; }
[ -x "$JOBMATCH" ] || { echo "error: jobmatch binary not found at $JOBMATCH (set JOBMATCH=...; this script does not build)" >&2; exit 1; }
JOBMATCH=$(cd "$(dirname "$JOBMATCH")" && pwd)/$(basename "$JOBMATCH")
grep -qxF '.build-*/' .gitignore 2>/dev/null || echo "warning: .gitignore has no '.build-*/' line: $OUT may show up in git status" >&2

stamp() { date '+%H:%M:%S'; }
say() { echo "[$(stamp)] $*"; }

# (1) the virtual environment, once
VENV=.build-peers/venv
PY=$VENV/bin/python
req_sum=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$req_sum" ]; then
  say "creating $VENV and installing $here/requirements.txt"
  [ -x "$PY" ] || "${PYTHON:-python3}" -m venv "$VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$req_sum" >"$VENV/.requirements.sha256"
fi
# numpy is only used for selection here, but OPENBLAS_CORETYPE/L2_SIZE slow a current numpy down
# (see the workplace notes); they are unset for the peers' processes only.
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
mkdir -p "$OUT/logs"
failed=()

if [ "$MAIN" = 1 ]; then
  # (2) the data, from the project's own generator
  say "jobmatch sample: $N postings, $M seekers -> $OUT/data"
  rm -rf "$OUT/data"
  "$JOBMATCH" sample --out "$OUT/data" --postings "$N" --seekers "$M" --as-of "$AS_OF" >"$OUT/logs/sample.log"
  for f in postings.jsonl seekers.jsonl qrels.txt; do
    [ -s "$OUT/data/$f" ] || { echo "error: jobmatch sample wrote no $OUT/data/$f" >&2; exit 1; }
  done
  "${peer_env[@]}" "$PY" "$here/peers.py" selfcheck --postings "$OUT/data/postings.jsonl" \
    --seekers "$OUT/data/seekers.jsonl" --n 100 | tee "$OUT/logs/selfcheck.log"

  # (3) one process per system, one after another
  for sys in tantivy bm25s sklearn; do
    say "$sys"
    rm -rf "${OUT:?}/$sys"
    if ! "${peer_env[@]}" "$PY" "$here/peers.py" peer --system "$sys" --postings "$OUT/data/postings.jsonl" \
        --seekers "$OUT/data/seekers.jsonl" --out "$OUT/$sys" --top "$K" --latency-queries "$Q" \
        --as-of "$AS_OF" --threads 2 2>&1 | tee "$OUT/logs/$sys.log"; then
      echo "warning: $sys failed (see $OUT/logs/$sys.log)" >&2; failed+=("$sys"); rm -f "$OUT/$sys/result.json"
    fi
  done
  say "JobMatch ($JOBMATCH)"
  rm -rf "${OUT:?}/jobmatch"
  if ! "$PY" "$here/peers.py" jobmatch --jobmatch "$JOBMATCH" --postings "$OUT/data/postings.jsonl" \
      --seekers "$OUT/data/seekers.jsonl" --out "$OUT/jobmatch" --top "$K" --latency-queries "$Q" \
      --as-of "$AS_OF" --workers 2 2>&1 | tee "$OUT/logs/jobmatch.log"; then
    echo "warning: JobMatch failed (see $OUT/logs/jobmatch.log)" >&2; failed+=(jobmatch); rm -f "$OUT/jobmatch/result.json"
  fi

  # (4) + (5) quality and the table
  say "report"
  "$PY" "$here/peers.py" report --out "$OUT" --qrels "$OUT/data/qrels.txt" --jobmatch-path "$JOBMATCH" \
    --postings "$OUT/data/postings.jsonl" --seekers "$OUT/data/seekers.jsonl"
  say "wrote $OUT/results.md and $OUT/results.json"
fi

# (6) the dev sets of shared/data
if [ "$EVAL" = 1 ]; then
  if [ ! -d "$DATA/eval" ]; then
    say "SKIP --eval: $DATA/eval does not exist (the shared dev data is not on this machine)"
  else
    for set in titles-dev duties-dev; do
      case $set in titles-dev) corpus=jobdict.jsonl ;; duties-dev) corpus=jobdict-a.jsonl ;; esac
      for sys in tantivy bm25s sklearn; do
        say "eval $set: $sys"
        rm -rf "${OUT:?}/eval/$set/$sys"
        if ! "${peer_env[@]}" "$PY" "$here/peers.py" peer --system "$sys" --postings "$DATA/$corpus" \
            --seekers "$DATA/eval/$set.seekers.jsonl" --out "$OUT/eval/$set/$sys" --top 100 \
            --latency-queries 0 --as-of 2026-01-01 --threads 2 2>&1 | tee "$OUT/logs/eval-$set-$sys.log"; then
          echo "warning: $sys failed on $set" >&2; failed+=("eval-$set-$sys")
        fi
      done
    done
    # JobMatch's figures: the project's own dev-eval script, which takes the binary from $JOBMATCH
    # and keeps its runs in KEEP; the runs are scored again here with pytrec_eval.
    say "eval: JobMatch via Tools/dev-eval.sh"
    rm -rf "${OUT:?}/eval/jobmatch"
    if ! JOBMATCH="$JOBMATCH" DATA="$DATA" KEEP="$OUT/eval/jobmatch" bash Tools/dev-eval.sh \
        >"$OUT/logs/dev-eval.log" 2>&1; then
      echo "warning: Tools/dev-eval.sh failed (see $OUT/logs/dev-eval.log)" >&2; failed+=(dev-eval)
    fi
    "$PY" "$here/peers.py" eval-report --out "$OUT" --data "$DATA"
    say "wrote $OUT/eval-results.md (Tools/dev-eval.sh's own table: $OUT/logs/dev-eval.log)"
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
