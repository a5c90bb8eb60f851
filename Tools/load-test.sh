#!/usr/bin/env bash
# Load test of `jobmatch serve` (a benchmark, not a test): wrk (Debian) against
# GET /v1/seekers/{id}/recommendations for the generated 100k-posting sample, cycling through the
# seekers of one office, every request authenticated, office-checked and access-logged as in
# production. Prints wrk's figures; the non-2xx count must be 0.
#
#   JOBMATCH=.build/release/jobmatch Tools/load-test.sh [POSTINGS] [SEEKERS] [SECONDS] [CONNECTIONS]
#
# The data directory is kept in .build-load/ (built once per size; delete it to rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBMATCH=${JOBMATCH:-.build/release/jobmatch}
JOBMATCH=$(cd "$(dirname "$JOBMATCH")" && pwd)/$(basename "$JOBMATCH")
export JOBMATCH_MODEL=${JOBMATCH_MODEL:-$PWD/Models/default}
postings=${1:-100000}
seekers=${2:-10000}
seconds=${3:-30}
connections=${4:-8}
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)" >&2; exit 2; }

dir=.build-load/p$postings-s$seekers
if [[ ! -f "$dir/ready" ]]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  "$JOBMATCH" sample --out "$dir/s" --postings "$postings" --seekers "$seekers" --as-of 2026-11-27 >/dev/null
  "$JOBMATCH" ingest postings "$dir/s/postings.jsonl" --data-dir "$dir/d" >/dev/null
  "$JOBMATCH" ingest seekers "$dir/s/seekers.jsonl" --data-dir "$dir/d" >/dev/null
  "$JOBMATCH" index --data-dir "$dir/d" >/dev/null
  touch "$dir/ready"
fi
office=서울고용센터
token=$("$JOBMATCH" keys create --data-dir "$dir/d" --name 부하시험 --office "$office" --role counsellor --valid-days 1 2>/dev/null)
python3 - "$dir/s/seekers.jsonl" "$office" "$token" > "$dir/load.lua" <<'EOF'
import json, sys
ids = [r["id"] for r in map(json.loads, open(sys.argv[1], encoding="utf-8")) if r.get("office") == sys.argv[2]]
print("%d seekers of %s in the rotation" % (len(ids), sys.argv[2]), file=sys.stderr)
print("local ids = {" + ",".join('"%s"' % i for i in ids) + "}")
print('local token = "%s"' % sys.argv[3])
print('''local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/seekers/" .. ids[(n % #ids) + 1] .. "/recommendations?top=10&explain=true",
                    {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, socket errors %d, p50 %.2f ms, p99 %.2f ms, %.1f req/s\\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end''')
EOF

log=$(mktemp)
"$JOBMATCH" serve --data-dir "$dir/d" --port 0 --as-of 2026-11-27 --rate-limit 0 --log-level warning 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$log" >&2; exit 1; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up 5 s"
wrk -t2 -c"$connections" -d5s -s "$dir/load.lua" "http://127.0.0.1:$port" >/dev/null
echo "wrk -t2 -c$connections -d${seconds}s --latency (recommendations, top 10, explain)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/load.lua" "http://127.0.0.1:$port"
kill -TERM $server
wait $server || true
echo "access-log records now: $("$JOBMATCH" audit verify --data-dir "$dir/d" | sed -n 's/^\([0-9]*\) record.*/\1/p')"
