#!/usr/bin/env bash
# report-screenshot.sh -- render an HTML report (e.g. `jobmatch eval --report`) in headless
# Chromium and save a PNG screenshot, to look at what a reader will see.
#
# Usage: Tools/report-screenshot.sh REPORT.html OUT.png [WIDTH=1280] [HEIGHT=2200]
# Needs Debian's `chromium` (apt-get install -y chromium fonts-noto-cjk); exit 2 when missing.
# The page is opened from a file:// URL with networking off, so a report that needed anything
# from outside would show it broken.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,9p' "$0"; exit 2; }
report=$(realpath "$1") out=$(realpath -m "$2") width=${3:-1280} height=${4:-2200}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "error: chromium not installed (apt-get install -y chromium fonts-noto-cjk)" >&2; exit 2; }
profile=$(mktemp -d "${TMPDIR:-/tmp}/jobmatch-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --proxy-server="127.0.0.1:9" --window-size="$width,$height" --screenshot="$out" "file://$report" >/dev/null 2>&1
[ -s "$out" ] || { echo "error: no screenshot written" >&2; exit 1; }
echo "screenshot: $out (${width}×${height})"
