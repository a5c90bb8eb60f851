#!/usr/bin/env bash
# End-to-end browser test of the counsellors' web page (GET / of `jobmatch serve`): makes sample
# data and keys (a counsellor's, and a second one revoked), starts the server and chromedriver,
# and runs Tools/web_e2e.py, which drives headless Chromium through the W3C WebDriver protocol:
# sign-in, seeker look-up, results, filters, posting detail, outcomes, why-not, search, keyboard,
# accessibility, 1024 px layout, print view, sign-out. Then checks that the outcomes the page
# recorded are in `jobmatch outcomes export --qrels`.
# Usage: JOBMATCH=.build/debug/jobmatch Tools/web-e2e.sh [OUT_DIR]   (default .build-e2e)
# Writes OUT_DIR/screenshots/*.png, OUT_DIR/print.pdf, OUT_DIR/e2e-state.json. Exit 0 when all
# passed, 1 on a failure, 2 when chromium/chromedriver (or the jobmatch binary) is missing.
# Needs: apt-get install -y chromium chromium-driver fonts-noto-cjk poppler-utils
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-.build-e2e}
JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
[[ -x "$JOBMATCH" ]] || { echo "error: no jobmatch binary at $JOBMATCH (swift build, or set JOBMATCH)" >&2; exit 2; }
JOBMATCH=$(cd "$(dirname "$JOBMATCH")" && pwd)/$(basename "$JOBMATCH")
export JOBMATCH_MODEL=${JOBMATCH_MODEL:-$root/Models/default}

browser=$(command -v chromium || command -v chromium-browser || true)
chromedriver=$(command -v chromedriver || { [[ -x /usr/bin/chromedriver ]] && echo /usr/bin/chromedriver; } || true)
missing=""
[[ -n "$browser" ]] || missing+=" chromium"
[[ -n "$chromedriver" ]] || missing+=" chromedriver"
if [[ -n "$missing" ]]; then
  echo "error: missing:$missing (apt-get install -y chromium chromium-driver fonts-noto-cjk poppler-utils)" >&2
  exit 2
fi
command -v python3 >/dev/null || { echo "error: python3 missing" >&2; exit 2; }
if command -v fc-list >/dev/null && [[ -z "$(fc-list :lang=ko 2>/dev/null | head -1)" ]]; then
  echo "warning: no Korean font (apt-get install -y fonts-noto-cjk): screenshots will show boxes" >&2
fi
command -v pdftotext >/dev/null || echo "warning: pdftotext missing (apt-get install -y poppler-utils): the printed PDF's text is not checked" >&2

mkdir -p "$out/screenshots"
out=$(cd "$out" && pwd)
rm -f "$out"/screenshots/*.png "$out/print.pdf" "$out/e2e-state.json"

work=$(mktemp -d)
server="" driver=""
stop_driver() {
  # chromedriver runs in its own process group (setsid): end it and any browser it left behind
  kill -TERM -- "-$driver" 2>/dev/null || true
  sleep 0.3
  kill -KILL -- "-$driver" 2>/dev/null || true
}
cleanup() {
  if [[ -n "$server" ]]; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  if [[ -n "$driver" ]]; then stop_driver; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
die() { echo "FAIL $*" >&2; exit 1; }

# data and keys
"$JOBMATCH" sample --out "$work/s" --postings 400 --seekers 40 --as-of 2026-11-27 >/dev/null
"$JOBMATCH" ingest postings "$work/s/postings.jsonl" --data-dir "$work/d" >/dev/null 2>&1
"$JOBMATCH" ingest seekers "$work/s/seekers.jsonl" --data-dir "$work/d" >/dev/null 2>&1
office=서울고용센터
token=$("$JOBMATCH" keys create --data-dir "$work/d" --name 김상담 --office "$office" --role counsellor 2>/dev/null)
token2=$("$JOBMATCH" keys create --data-dir "$work/d" --name 이전상담 --office "$office" --role counsellor 2>/dev/null)
[[ "$token" =~ ^jm_[0-9a-f]{12}_[0-9a-f]{64}$ && "$token2" =~ ^jm_[0-9a-f]{12}_[0-9a-f]{64}$ ]] || die "keys create printed no key"
revoked_id=${token2#jm_}; revoked_id=${revoked_id%%_*}
"$JOBMATCH" keys revoke "$revoked_id" --data-dir "$work/d" >/dev/null

# the server, on a free port (printed on stderr)
"$JOBMATCH" serve --data-dir "$work/d" --port 0 --as-of 2026-11-27 --log-level warning 2>"$work/serve.err" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.err" | head -1)
  [[ -n "$port" ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/serve.err" >&2; die "the server did not start"; }

# chromedriver, on a free port, until GET /status says ready
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
driver_ready() {
  python3 - "$1" <<'EOF'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status", timeout=2) as r:
        sys.exit(0 if json.load(r)["value"]["ready"] else 1)
except Exception:
    sys.exit(1)
EOF
}
dport=""
for _attempt in 1 2 3; do
  dport=$(free_port)
  setsid "$chromedriver" --port="$dport" --log-path="$work/chromedriver.log" >/dev/null 2>&1 &
  driver=$!
  for _ in $(seq 1 100); do
    driver_ready "$dport" && break 2
    kill -0 "$driver" 2>/dev/null || break
    sleep 0.1
  done
  stop_driver
  driver="" dport=""
done
[[ -n "$dport" ]] || { tail -20 "$work/chromedriver.log" >&2 2>/dev/null || true; die "chromedriver did not start"; }

echo "server http://127.0.0.1:$port, chromedriver http://127.0.0.1:$dport, output in $out"
rc=0
python3 "$root/Tools/web_e2e.py" --base "http://127.0.0.1:$port" --driver "http://127.0.0.1:$dport" \
  --token "$token" --revoked-token "$token2" --seekers "$work/s/seekers.jsonl" --office "$office" \
  --chrome "$browser" --out "$out" || rc=$?
[[ $rc -eq 0 ]] || fail "browser steps (web_e2e.py exit $rc)"

# the outcomes the page said it recorded, as the server stored them
if [[ -s "$out/e2e-state.json" ]]; then
  read -r seeker posting_ids < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
print(s["seekerId"], " ".join(s["postingIds"]))' "$out/e2e-state.json")
  "$JOBMATCH" outcomes export --qrels --data-dir "$work/d" >"$work/outcomes.qrels"
  missing=""
  for p in $posting_ids; do
    grep -Eq "^$seeker[[:space:]]+0[[:space:]]+$p[[:space:]]" "$work/outcomes.qrels" || missing+=" $p"
  done
  if [[ -z "$posting_ids" ]]; then
    fail "outcomes export: the page recorded no outcome"
  elif [[ -n "$missing" ]]; then
    fail "outcomes export --qrels: no line for seeker $seeker and posting(s)$missing; it has:"
    sed 's/^/     /' "$work/outcomes.qrels" | head -20
  else
    pass "outcomes export --qrels: seeker $seeker with posting(s) $posting_ids"
  fi
elif [[ $rc -eq 0 ]]; then
  fail "outcomes export: no $out/e2e-state.json from the browser steps"
fi

if [[ -s "$work/serve.err" ]] && grep -qiE 'error|critical' "$work/serve.err"; then
  echo "server log (warnings and errors):"
  sed 's/^/     /' "$work/serve.err" | tail -20
fi
if [[ $failures -gt 0 ]]; then
  echo "web-e2e: FAIL ($failures failure(s)); screenshots in $out/screenshots"
  exit 1
fi
echo "web-e2e: PASS; screenshots in $out/screenshots"
