#!/usr/bin/env bash
# bm25-crosscheck.sh -- end-to-end check of JobMatch's BM25 scores against bm25s (PyPI)
# and a pure-Python reference (see Tools/bm25_crosscheck.py for what is checked).
#
# Usage (from anywhere; paths are relative to the repo root):
#   Tools/bm25-crosscheck.sh                                   # generated sample: 2000 postings, 50 seekers
#   Tools/bm25-crosscheck.sh --postings P.jsonl --seekers S.jsonl [--limit 50]
#   Tools/bm25-crosscheck.sh --export DIR                      # check an existing export-terms folder
# Options:
#   --limit N      seekers to export (default 50)
#   --keep DIR     keep the work folder (sample, index, export) in DIR instead of a temp dir
#   --rtol X       relative tolerance (default 1e-4)
# Environment:
#   JOBMATCH       the CLI binary (default .build/debug/jobmatch; does not build it)
#   MODEL          optional model directory, passed as `--model MODEL` to index and export-terms
#
# Steps: create Tools/.venv with bm25s, numpy, scipy if needed; `jobmatch sample --out W/sample
# --postings 2000 --seekers 50` (unless --postings/--seekers given); `jobmatch index`;
# `jobmatch export-terms --limit N`; python Tools/bm25_crosscheck.py --export W/export.
# Exit status: that of the check (0 PASS, 1 FAIL), 2 on usage or tool errors.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
MODEL=${MODEL:-}
model_args=()
[ -n "$MODEL" ] && model_args=(--model "$MODEL")
postings="" seekers="" export_dir="" keep="" limit=50 rtol=1e-4
while [ $# -gt 0 ]; do
  case "$1" in
    --postings) postings=$2; shift 2 ;;
    --seekers) seekers=$2; shift 2 ;;
    --export) export_dir=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --rtol) rtol=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if { [ -n "$postings" ] && [ -z "$seekers" ]; } || { [ -z "$postings" ] && [ -n "$seekers" ]; }; then
  echo "give both --postings and --seekers, or neither" >&2; exit 2
fi

venv=Tools/.venv
if ! "$venv/bin/python" -c 'import bm25s, numpy, scipy' 2>/dev/null; then
  echo "== setting up $venv (bm25s, numpy, scipy from PyPI)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "bm25s==0.3.16" numpy scipy
fi

if [ -z "$export_dir" ]; then
  if [ ! -x "$JOBMATCH" ]; then
    echo "jobmatch binary not found at $JOBMATCH (set JOBMATCH=...; this script does not build)" >&2; exit 2
  fi
  if [ -n "$keep" ]; then
    work=$keep; mkdir -p "$work"
  else
    work=$(mktemp -d "${TMPDIR:-/tmp}/bm25-crosscheck.XXXXXX")
    trap 'rm -rf "$work"' EXIT
  fi
  if [ -z "$postings" ]; then
    echo "== jobmatch sample (2000 postings, 50 seekers) -> $work/sample"
    "$JOBMATCH" sample --out "$work/sample" --postings 2000 --seekers 50 >/dev/null
    postings=$work/sample/postings.jsonl seekers=$work/sample/seekers.jsonl
  fi
  echo "== jobmatch index --postings $postings"
  "$JOBMATCH" index --postings "$postings" --out "$work/index" "${model_args[@]}" >/dev/null
  echo "== jobmatch export-terms --limit $limit"
  "$JOBMATCH" export-terms --index "$work/index" --seekers "$seekers" --out "$work/export" --limit "$limit" "${model_args[@]}" >/dev/null
  export_dir=$work/export
fi

echo "== Tools/bm25_crosscheck.py --export $export_dir"
set +e
"$venv/bin/python" Tools/bm25_crosscheck.py --export "$export_dir" --rtol "$rtol"
status=$?
set -e
exit $status
