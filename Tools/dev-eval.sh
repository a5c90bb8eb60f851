#!/usr/bin/env bash
# dev-eval.sh -- evaluate JobMatch on the shared Korean dev sets and compare with the baselines.
#
# Usage (from anywhere; paths are relative to the repo root):
#   Tools/dev-eval.sh
#   JOBMATCH=.build/release/jobmatch MODEL=Models/default Tools/dev-eval.sh
#   SETS=titles-dev Tools/dev-eval.sh
# Environment:
#   JOBMATCH  CLI binary (default .build/debug/jobmatch; a release build is much faster). Not built here.
#   MODEL     model directory, passed as `--model MODEL` to index and recommend (default: none, the CLI's own).
#   DATA      shared data folder (default ../shared/data next to the repo root).
#   SETS      which sets, space-separated (default "titles-dev duties-dev").
#   KEEP      a folder to keep the runs, indexes and measures in (default: a temp dir, removed at the end).
#   TAG       run tag (default jobmatch).
#
# For each set it builds an index of the set's corpus in the work folder (never inside the repo),
# writes a TREC run with `recommend --all --top 100 --format trec --as-of 2026-01-01`, scores it
# with Tools/trec_measures.py (trec_eval rules; standard library only), and prints one table of
# nDCG@10, MRR, R@10, R@100 per set next to the baseline rows of shared/data/README.md.
#   titles-dev: corpus jobdict.jsonl,   seekers eval/titles-dev.seekers.jsonl, qrels eval/titles-dev.qrels
#   duties-dev: corpus jobdict-a.jsonl, seekers eval/duties-dev.seekers.jsonl, qrels eval/duties-dev.qrels
# The shared data is read in place and never copied into the repo.
# Exit status: 0 when done (also when DATA is absent: prints SKIP), 1 when a step fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
DATA=${DATA:-../shared/data}
SETS=${SETS:-titles-dev duties-dev}
TAG=${TAG:-jobmatch}
MODEL=${MODEL:-}

if [ ! -d "$DATA" ]; then
  echo "SKIP: $DATA does not exist (the shared dev data is not on this machine)"
  exit 0
fi
if [ ! -x "$JOBMATCH" ]; then
  echo "error: jobmatch binary not found at $JOBMATCH (set JOBMATCH=...; this script does not build)" >&2
  exit 1
fi
model_args=()
if [ -n "$MODEL" ]; then
  [ -d "$MODEL" ] || { echo "error: MODEL=$MODEL is not a directory" >&2; exit 1; }
  model_args=(--model "$MODEL")
fi

if [ -n "${KEEP:-}" ]; then
  work=$KEEP; mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/jobmatch-dev-eval.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

corpus_of() { case "$1" in titles-dev) echo jobdict.jsonl ;; duties-dev) echo jobdict-a.jsonl ;; *) return 1 ;; esac; }
now() { date +%s.%N; }

echo "jobmatch: $JOBMATCH${MODEL:+  model: $MODEL}  data: $DATA  work: $work"
for set in $SETS; do
  corpus=$(corpus_of "$set") || { echo "error: unknown set $set" >&2; exit 1; }
  seekers=$DATA/eval/$set.seekers.jsonl qrels=$DATA/eval/$set.qrels
  for f in "$DATA/$corpus" "$seekers" "$qrels"; do
    [ -f "$f" ] || { echo "error: missing $f" >&2; exit 1; }
  done
  mkdir -p "$work/$set"
  t0=$(now)
  if ! "$JOBMATCH" index --postings "$DATA/$corpus" --out "$work/$set/index" "${model_args[@]}" \
      >"$work/$set/index.log" 2>&1; then
    echo "error: jobmatch index failed for $set:" >&2; tail -20 "$work/$set/index.log" >&2; exit 1
  fi
  t1=$(now)
  if ! "$JOBMATCH" recommend --index "$work/$set/index" --seekers "$seekers" --all --top 100 \
      --format trec --as-of 2026-01-01 --tag "$TAG" "${model_args[@]}" \
      >"$work/$set/run.txt" 2>"$work/$set/recommend.log"; then
    echo "error: jobmatch recommend failed for $set:" >&2; tail -20 "$work/$set/recommend.log" >&2; exit 1
  fi
  t2=$(now)
  python3 Tools/trec_measures.py "$qrels" "$work/$set/run.txt" --json >"$work/$set/measures.json"
  python3 - "$work/$set/measures.json" "$t0" "$t1" "$t2" "$set" "$(wc -l <"$seekers")" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
t0, t1, t2 = map(float, sys.argv[2:5])
print(f"  {sys.argv[5]}: {m['num_q']} queries judged ({sys.argv[6].strip()} seekers), {m['num_ret']} run lines, "
      f"{m['num_q_without_run']} queries with no results; index {t1 - t0:.1f}s, recommend {t2 - t1:.1f}s")
PY
done

python3 - "$work" "$TAG" $SETS <<'PY'
import json, os, sys
work, tag, sets = sys.argv[1], sys.argv[2], sys.argv[3:]
baselines = {  # from shared/data/README.md: nDCG@10, MRR, R@10, R@100
    "titles-dev": [("TF-IDF char_wb (baseline)", 0.527, 0.483, 0.687, 0.861),
                   ("BM25 tantivy (baseline)", 0.498, 0.458, 0.649, 0.833)],
    "duties-dev": [("TF-IDF char_wb (baseline)", 0.326, 0.543, 0.198, 0.475),
                   ("BM25 tantivy (baseline)", 0.310, 0.535, 0.182, 0.446)],
}
keys = ["ndcg_cut_10", "recip_rank", "recall_10", "recall_100"]
print()
print(f"{'set':<11} {'system':<27} {'nDCG@10':>8} {'MRR':>8} {'R@10':>8} {'R@100':>8}")
print("-" * 74)
for s in sets:
    m = json.load(open(os.path.join(work, s, "measures.json")))
    ours = [m[k] for k in keys]
    print(f"{s:<11} {('JobMatch [' + tag + ']'):<27} " + " ".join(f"{v:>8.3f}" for v in ours))
    for name, *vals in baselines.get(s, []):
        print(f"{'':<11} {name:<27} " + " ".join(f"{v:>8.3f}" for v in vals))
    best = [max(b[i + 1] for b in baselines[s]) for i in range(4)]
    print(f"{'':<11} {'Δ vs best baseline':<27} " + " ".join(f"{o - b:>+8.3f}" for o, b in zip(ours, best)))
    print("-" * 74)
PY
