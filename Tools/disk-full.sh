#!/usr/bin/env bash
# disk-full.sh -- a real full disk (ENOSPC) under the catalog and the index: a small tmpfs, filled
# so that only K bytes remain, for several K, while `jobmatch ingest` adds postings (the catalog
# commit, then the incremental index update). After every attempt: the catalog passes its
# integrity check and holds every acknowledged posting, the last index commit still opens, an
# error says the disk is full; with the space back, recommend --data-dir catches up and verify
# finds the index equal to the catalog.
#
# Usage: Tools/disk-full.sh          (needs root for mount; JOBMATCH=path, default .build/debug/jobmatch)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jm=${JOBMATCH:-.build/debug/jobmatch}
[ -x "$jm" ] || { echo "error: $jm not found (build first or set JOBMATCH)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/jobmatch-disk-full.XXXXXX")
mnt=$work/full
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=24m tmpfs "$mnt" 2>/dev/null; then
  echo "disk-full: SKIPPED (cannot mount a tmpfs here: not root or no CAP_SYS_ADMIN)"; rm -rf "$work"; exit 0
fi
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
"$jm" sample --out "$work/sample" --postings 1200 --seekers 5 >/dev/null
data=$mnt/data
python3 - "$work/sample/postings.jsonl" "$work" <<'PY'
import json, sys
src, work = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().splitlines()
open(work + "/base.jsonl", "w", encoding="utf-8").write("\n".join(lines[:300]) + "\n")
for b in range(9):   # nine batches of 100 new postings
    open(work + "/batch%d.jsonl" % b, "w", encoding="utf-8").write("\n".join(lines[300 + 100 * b:400 + 100 * b]) + "\n")
PY
"$jm" ingest postings "$work/base.jsonl" --data-dir "$data" >/dev/null
"$jm" ingest seekers "$work/sample/seekers.jsonl" --data-dir "$data" >/dev/null
"$jm" index --data-dir "$data" >/dev/null
cp "$work/base.jsonl" "$work/acknowledged.jsonl"
full=0 acked=0
for k in 0 4096 16384 65536 262144 1048576 4194304 0 131072; do
  b=$acked
  [ -f "$work/batch$b.jsonl" ] || break
  # fill the file system until only k bytes are free
  rm -f "$mnt/filler"
  free=$(df -B1 --output=avail "$mnt" | tail -1)
  fill=$((free - k)); [ $fill -gt 0 ] || fill=0
  head -c "$fill" /dev/zero >"$mnt/filler" 2>/dev/null || true
  set +e
  "$jm" ingest postings "$work/batch$b.jsonl" --data-dir "$data" >"$work/out.txt" 2>"$work/err.txt"
  rc=$?
  set -e
  if grep -q "inserted" "$work/out.txt"; then
    cat "$work/batch$b.jsonl" >>"$work/acknowledged.jsonl"; acked=$((acked + 1))
  fi
  if [ $rc -ne 0 ] || grep -q "was not updated" "$work/err.txt"; then
    full=$((full + 1))
    if ! grep -qiE "no space left|disk is full|disk full" "$work/err.txt"; then
      echo "FAIL (k=$k): an error that does not say the disk is full:"; cat "$work/err.txt"; exit 1
    fi
    echo "k=$k free: $(head -c 200 "$work/err.txt" | tr '\n' ' ')…"
  else
    echo "k=$k free: ingest and index update fit"
  fi
  # while the disk is still full, the last index commit opens (a read-only memory map)
  "$jm" stats --index "$data/index" >/dev/null || { echo "FAIL (k=$k): the last index commit does not open"; exit 1; }
  # space back (SQLite needs a few bytes for its shared-memory file even to read in WAL mode):
  # before any new write, the catalog passes its integrity check and holds every acknowledged posting
  rm -f "$mnt/filler"
  python3 - "$data/catalog.sqlite" "$work/acknowledged.jsonl" <<'PY'
import json, sqlite3, sys
db, acked = sys.argv[1], sys.argv[2]
want = {json.loads(l)["id"] for l in open(acked, encoding="utf-8") if l.strip()}
con = sqlite3.connect(db)
assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check failed"
have = {r[0] for r in con.execute("SELECT id FROM posting")}
lost = want - have
assert not lost, "acknowledged postings lost: %s" % sorted(lost)[:3]
PY
  # the index catches up and equals the catalog
  "$jm" recommend --data-dir "$data" --seeker "$(head -1 "$work/sample/seekers.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" --as-of 2026-11-27 >/dev/null 2>"$work/rec.txt" \
    || { echo "FAIL (k=$k): recommend --data-dir after freeing space"; cat "$work/rec.txt"; exit 1; }
  "$jm" verify --data-dir "$data" >"$work/verify.txt" 2>&1 || { echo "FAIL (k=$k): verify"; cat "$work/verify.txt"; exit 1; }
done
echo "disk full: $full attempts hit ENOSPC, $acked batches acknowledged, 0 acknowledged postings lost, integrity ok and the last index commit opened every time; caught up and equal to the catalog after freeing space"
[ $full -gt 0 ] || { echo "FAIL: the disk never filled"; exit 1; }
