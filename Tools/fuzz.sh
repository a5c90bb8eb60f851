#!/usr/bin/env bash
# fuzz.sh -- build the libFuzzer targets (Fuzz/README.md) with AddressSanitizer and run each one.
#
# Usage: Tools/fuzz.sh [SECONDS=60] [TARGET...]      (default: all four targets)
# Each target first replays Fuzz/Regressions/<target>/ (inputs that once failed) and the committed
# seeds in Fuzz/Corpus/<target>/, then mutates for SECONDS with a scratch corpus under
# .build-fuzz/work (the committed corpus stays small). A finding is copied to
# Fuzz/Regressions/<target>/ and makes the exit status 1. Prints executions per target.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzAnalyzer FuzzRedactor FuzzJSONLines FuzzIndexReader)
export SWIFT_BACKTRACE=enable=no   # let libFuzzer and ASan report crashes themselves
for t in "${targets[@]}"; do
  # Fuzz/toolset.json links with ld.bfd: gold crashes on these ASan objects
  # ("internal error in format_file_lineno"), and SwiftPM ignores -Xswiftc -use-ld
  JOBMATCH_FUZZ=1 swift build -c release --build-path .build-fuzz --toolset Fuzz/toolset.json \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product "$t" 2>&1 | tail -1
done
status=0
for t in "${targets[@]}"; do
  case $t in
    FuzzAnalyzer) corpus=analyzer ;; FuzzRedactor) corpus=redactor ;;
    FuzzJSONLines) corpus=jsonlines ;; FuzzIndexReader) corpus=index ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  bin=.build-fuzz/release/$t
  work=.build-fuzz/work/$corpus
  artifacts=.build-fuzz/findings/$corpus/   # not artifacts/: SwiftPM owns that folder
  mkdir -p "$work" "$artifacts" "Fuzz/Regressions/$corpus"
  log=.build-fuzz/$t.log
  # replay: every past finding and every seed must pass
  if ! "$bin" -runs=0 "Fuzz/Regressions/$corpus" "Fuzz/Corpus/$corpus" >"$log.replay" 2>&1; then
    echo "$t: FAIL replaying Fuzz/Regressions/$corpus and Fuzz/Corpus/$corpus"; tail -30 "$log.replay"; status=1; continue
  fi
  if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$artifacts" "$work" "Fuzz/Corpus/$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "$t: $runs executions in ${seconds}s, 0 findings (corpus $(ls "$work" | wc -l) units)"
  else
    echo "$t: FINDING"; grep -E "ERROR|Fatal|precondition|SUMMARY|==[0-9]+==" "$log" | head -20
    for f in "$artifacts"*; do [ -f "$f" ] && cp "$f" "Fuzz/Regressions/$corpus/" && echo "  kept $(basename "$f") in Fuzz/Regressions/$corpus/"; done
    status=1
  fi
done
exit $status
