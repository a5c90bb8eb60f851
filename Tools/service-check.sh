#!/usr/bin/env bash
# Checks of `jobmatch serve` that need real sockets and signals (the unit tests use the router
# without sockets):
#   1. SIGTERM while a request is in flight (its body half sent): the request is still answered
#      200, then the server exits 0 within the grace period;
#   2. a slow client (headers trickling, or nothing sent) is cut off after --idle-timeout;
#   3. --max-connections: one connection over the cap is not served until another closes.
# Usage: JOBMATCH=.build/debug/jobmatch Tools/service-check.sh
set -euo pipefail

JOBMATCH=${JOBMATCH:-.build/debug/jobmatch}
JOBMATCH=$(cd "$(dirname "$JOBMATCH")" && pwd)/$(basename "$JOBMATCH")
export JOBMATCH_MODEL=${JOBMATCH_MODEL:-$(cd "$(dirname "$0")/.." && pwd)/Models/default}
work=$(mktemp -d)
server=""
cleanup() { [[ -n "$server" ]] && kill -9 "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$JOBMATCH" sample --out "$work/s" --postings 400 --seekers 40 --as-of 2026-11-27 >/dev/null
"$JOBMATCH" ingest postings "$work/s/postings.jsonl" --data-dir "$work/d" >/dev/null 2>&1
"$JOBMATCH" ingest seekers "$work/s/seekers.jsonl" --data-dir "$work/d" >/dev/null 2>&1
token=$("$JOBMATCH" keys create --data-dir "$work/d" --name 점검 --office 서울고용센터 --role admin 2>/dev/null)

# start_server ARGS… → sets $server and $port
start_server() {
  "$JOBMATCH" serve --data-dir "$work/d" --port 0 --as-of 2026-11-27 --log-level warning "$@" 2>"$work/serve.err" &
  server=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.err" | head -1)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$work/serve.err" >&2; fail "server did not start"; }
}

# 1. graceful shutdown with a request in flight
start_server --grace 10
body='{"desiredTitle":"지게차 운전원","regions":["경기"],"skills":["지게차"]}'
len=$(printf '%s' "$body" | wc -c)
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/recommendations?top=3 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
  "$token" "$len" "${body:0:12}" >&3
sleep 0.5
started=$(date +%s.%N)
kill -TERM "$server"
sleep 0.5
kill -0 "$server" 2>/dev/null || fail "the server exited while a request was in flight"
printf '%s' "${body:12}" >&3
response=$(timeout 10 cat <&3 || true)
exec 3>&-
status_line=$(printf '%s' "$response" | head -1 | tr -d '\r')
[[ "$status_line" == "HTTP/1.1 200 OK" ]] || fail "in-flight request got '$status_line' after SIGTERM"
printf '%s' "$response" | grep -q '"results"' || fail "in-flight response has no results"
code=0
wait "$server" || code=$?
server=""
elapsed=$(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $started }")
[[ $code -eq 0 ]] || fail "exit status $code after SIGTERM"
echo "ok: SIGTERM with a request in flight: answered 200, exited 0 ${elapsed} s after the signal"

# 2. slow clients are cut off after the idle timeout
start_server --idle-timeout 2
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHo' >&3          # headers never finished
exec 4<>"/dev/tcp/127.0.0.1/$port"                # sends nothing at all
t0=$(date +%s.%N)
rc=0; timeout 8 cat <&3 >/dev/null || rc=$?
[[ $rc -eq 0 ]] || fail "a client that stopped mid-headers was not disconnected within 8 s (rc $rc)"
rc=0; timeout 8 cat <&4 >/dev/null || rc=$?
[[ $rc -eq 0 ]] || fail "a silent client was not disconnected within 8 s (rc $rc)"
cut=$(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $t0 }")
exec 3>&- 4>&-
echo "ok: slow and silent clients disconnected by the 2 s idle timeout (after ${cut} s)"
kill -TERM "$server"; wait "$server" || true; server=""

# 3. connection cap
start_server --max-connections 2 --idle-timeout 30
exec 3<>"/dev/tcp/127.0.0.1/$port" 4<>"/dev/tcp/127.0.0.1/$port"
sleep 0.3
exec 5<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' >&5
rc=0; first=$(timeout 1.5 head -1 <&5) || rc=$?
[[ $rc -eq 124 ]] || fail "a third connection over --max-connections 2 was served at once ('$first', rc $rc)"
exec 3>&-
rc=0; first=$(timeout 5 head -1 <&5 | tr -d '\r') || rc=$?
[[ "$first" == "HTTP/1.1 200 OK" ]] || fail "the waiting connection was not served after another closed ('$first', rc $rc)"
exec 4>&- 5>&-
echo "ok: --max-connections 2: a third connection waited, then was served when one closed"
kill -TERM "$server"; wait "$server" || true; server=""
echo "service-check: PASS"
