#!/usr/bin/env bash
# contract-test.sh -- contract test of `jobmatch serve` against the committed OpenAPI document
# (Sources/JobMatchService/Resources/openapi.yaml) with schemathesis (PyPI).
#
# Usage (from anywhere; paths are relative to the repo root):
#   Tools/contract-test.sh
#   JOBMATCH=/path/to/jobmatch MAX_EXAMPLES=50 SEED=7 Tools/contract-test.sh
# Environment:
#   JOBMATCH        the CLI binary (default .build/debug/jobmatch; this script does not build it)
#   JOBMATCH_MODEL  model directory (default Models/default of this checkout)
#   MAX_EXAMPLES    test cases per operation and phase (default 100)
#   SEED            schemathesis seed (default 20261127)
#   KEEP            keep the work folder (sample data, data dir, server log, schemathesis
#                   reports) in this directory instead of a deleted temp dir
#
# Steps: create Tools/.venv-contract with schemathesis if needed; `jobmatch sample` (300 postings,
# 40 seekers, as of 2026-11-27); ingest both into a fresh data dir; create an admin key of
# 서울고용센터 (the office of some sample seekers; the spec's examples use their ids) and a
# throw-away key for the revokeKey tests (Tools/contract-test.toml); start
# `jobmatch serve --port 0 --rate-limit 0`; wait for /healthz; run every operation with all
# checks and phases (Tools/contract_hooks.py: JSON Lines serializer, and requests without the
# run's key from their own loopback address, see there); stop the server.
# Exit status: schemathesis's (0 = no failures), 2 on set-up errors.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
export JOBMATCH_MODEL=${JOBMATCH_MODEL:-$root/Models/default}
MAX_EXAMPLES=${MAX_EXAMPLES:-100}
SEED=${SEED:-20261127}
KEEP=${KEEP:-}
AS_OF=2026-11-27
SPEC=Sources/JobMatchService/Resources/openapi.yaml
ST_VERSION=4.32.5

case "${1:-}" in
  -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
  "") ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac
if [ ! -x "$JOBMATCH" ]; then
  echo "jobmatch binary not found at $JOBMATCH (set JOBMATCH=...; this script does not build)" >&2; exit 2
fi

venv=Tools/.venv-contract
if [ "$("$venv/bin/st" --version 2>/dev/null || true)" != "st, version $ST_VERSION" ]; then
  echo "== setting up $venv (schemathesis $ST_VERSION from PyPI)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

if [ -n "$KEEP" ]; then
  work=$KEEP
  rm -rf "$work/s" "$work/d" "$work/report"
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/contract-test.XXXXXX")
fi
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [ -n "$KEEP" ] || rm -rf "$work"
}
trap cleanup EXIT

echo "== sample data and catalog in $work"
"$JOBMATCH" sample --out "$work/s" --postings 300 --seekers 40 --as-of "$AS_OF" >/dev/null 2>&1
"$JOBMATCH" ingest postings "$work/s/postings.jsonl" --data-dir "$work/d" >/dev/null 2>&1
"$JOBMATCH" ingest seekers "$work/s/seekers.jsonl" --data-dir "$work/d" >/dev/null 2>&1
token=$("$JOBMATCH" keys create --data-dir "$work/d" --name 계약시험 --office 서울고용센터 --role admin 2>/dev/null)
case "$token" in
  jm_*) ;;
  *) echo "keys create printed no token" >&2; exit 2 ;;
esac
# the key every revokeKey test revokes (Tools/contract-test.toml)
throwaway=$("$JOBMATCH" keys create --data-dir "$work/d" --name 폐기시험 --office 서울고용센터 --role counsellor 2>/dev/null)
revoke_id=$(printf '%s' "$throwaway" | cut -d_ -f2)

"$JOBMATCH" serve --data-dir "$work/d" --port 0 --as-of "$AS_OF" --rate-limit 0 2>"$work/serve.log" >/dev/null &
server=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|^jobmatch: serving .* on http://[^ ]*:\([0-9][0-9]*\)$|\1|p' "$work/serve.log" | head -n 1)
  [ -n "$port" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "jobmatch serve exited:" >&2; cat "$work/serve.log" >&2; exit 2
  fi
  sleep 0.1
done
[ -n "$port" ] || { echo "jobmatch serve did not report its port within 60 s:" >&2; cat "$work/serve.log" >&2; exit 2; }
base=http://127.0.0.1:$port
"$venv/bin/python" - "$base/healthz" <<'EOF' || { echo "/healthz did not answer 200" >&2; exit 2; }
import sys, time, urllib.request
for _ in range(100):
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
echo "== serving on $base; schemathesis $ST_VERSION, --max-examples $MAX_EXAMPLES, --seed $SEED"
report=()
[ -z "$KEEP" ] || report=(--report junit,ndjson --report-dir "$work/report")

# run from the work folder: schemathesis keeps a .schemathesis/ cache in its working directory
set +e
(cd "$work" && SCHEMATHESIS_HOOKS=$root/Tools/contract_hooks.py JOBMATCH_CONTRACT_TOKEN=$token \
  JOBMATCH_CONTRACT_REVOKE_ID=$revoke_id \
  "$root/$venv/bin/st" --config-file "$root/Tools/contract-test.toml" run "$root/$SPEC" \
    --url "$base" \
    -H "Authorization: Bearer $token" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --request-timeout 30 \
    --no-color \
    "${report[@]}") 2>&1 | tee "$work/schemathesis.txt"
status=${PIPESTATUS[0]}
set -e

summary=$(grep -E '^=+ .* in [0-9.]+s =+$' "$work/schemathesis.txt" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
echo "contract-test: $( [ "$status" -eq 0 ] && echo PASS || echo "FAIL (exit $status)" ): ${summary:-no schemathesis summary} (schemathesis $ST_VERSION, seed $SEED, max-examples $MAX_EXAMPLES)"
[ -z "$KEEP" ] || echo "contract-test: work folder kept in $work (serve.log, schemathesis.txt, report/ with JUnit and NDJSON)"
exit "$status"
