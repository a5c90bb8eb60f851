#!/usr/bin/env bash
# eval-crosscheck.sh -- `jobmatch eval` against trec_eval (pytrec-eval-terrier) and ranx.
#
# Usage (from anywhere):  Tools/eval-crosscheck.sh [--queries N] [--seed N]
# Environment:
#   JOBMATCH  the CLI binary (default .build/debug/jobmatch; not built here)
#   DATA      shared data folder (default ../shared/data): when present, the dev sets' runs
#             (Tools/dev-eval.sh) are compared too
#
# Creates Tools/.venv (gitignored) with pytrec-eval-terrier and ranx from PyPI when needed, then
# runs Tools/eval_crosscheck.py: every per-query value and mean of seeded random runs (ties,
# float32 ties, unjudged documents, empty queries, with and without --complete) and of the dev
# runs against trec_eval, and the paired t-test p-values against ranx. Prints how many values
# were compared. Exit status: 0 PASS, 1 FAIL, 2 tool errors.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
DATA=${DATA:-../shared/data}
[ -x "$JOBMATCH" ] || { echo "error: $JOBMATCH not found (build first or set JOBMATCH)" >&2; exit 2; }
venv=Tools/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || { echo "error: cannot create $venv (python3-venv missing?)" >&2; exit 2; }
fi
if ! "$venv/bin/python" -c "import pytrec_eval, ranx" >/dev/null 2>&1; then
  "$venv/bin/python" -m pip install -q "pytrec-eval-terrier==0.5.11" "ranx==0.3.21" || { echo "error: pip install failed" >&2; exit 2; }
fi
pairs=()
work=$(mktemp -d "${TMPDIR:-/tmp}/jobmatch-eval-crosscheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -d "$DATA/eval" ]; then
  KEEP=$work/dev JOBMATCH=$JOBMATCH DATA=$DATA Tools/dev-eval.sh >"$work/dev-eval.log" 2>&1 || { cat "$work/dev-eval.log" >&2; exit 2; }
  for set in titles-dev duties-dev; do
    pairs+=(--pair "$DATA/eval/$set.qrels" "$work/dev/$set/run.txt")
  done
else
  echo "note: $DATA/eval not present: synthetic runs only"
fi
JOBMATCH_NO_PROGRESS=1 "$venv/bin/python" Tools/eval_crosscheck.py --jobmatch "$JOBMATCH" "${pairs[@]}" "$@"
