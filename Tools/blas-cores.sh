#!/usr/bin/env bash
# cblas_sgemm GFLOP/s under every OpenBLAS kernel this CPU can run, next to the one JobMatch
# ends up with by itself: shows whether the kernel in use is within 20% of the best (issue 3).
# Usage: Tools/blas-cores.sh [N=2048]   (JOBMATCH=path/to/jobmatch, default .build/release/jobmatch)
set -euo pipefail
n=${1:-2048}
jm=${JOBMATCH:-.build/release/jobmatch}
[ -x "$jm" ] || { echo "error: $jm not found (swift build -c release, or set JOBMATCH)" >&2; exit 2; }
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { [[ " $flags " == *" $1 "* ]]; }
cores=(Prescott Nehalem Sandybridge)
has avx2 && cores+=(Haswell Zen)
has avx512f && cores+=(SkylakeX)
has avx512_bf16 && cores+=(Cooperlake)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; sgemm ${n}³, threads: ${OPENBLAS_NUM_THREADS:-all}"
printf '%-28s %-12s %10s\n' "OPENBLAS_CORETYPE" "core used" "GFLOP/s"
row() {
  local label=$1; shift
  local out
  out=$(env "$@" "$jm" doctor --sgemm "$n" --json)
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print("%-28s %-12s %10.1f" % (sys.argv[1], d["openblas"]["coreName"], d["sgemmGflops"]))' "$label" "$out"
}
row "(unset: JobMatch's choice)" -u OPENBLAS_CORETYPE
for c in "${cores[@]}"; do row "$c" OPENBLAS_CORETYPE="$c"; done
