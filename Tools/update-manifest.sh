#!/usr/bin/env bash
# Rewrites Models/<name>/manifest.json with the SHA-256 of every artifact in that folder.
# Usage: Tools/update-manifest.sh [Models/default] [version]
set -euo pipefail
dir=${1:-Models/default}
version=${2:-$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['version'])" "$dir/manifest.json" 2>/dev/null || echo 1.0.0)}
name=$(basename "$dir")
python3 - "$dir" "$name" "$version" <<'PY'
import hashlib, json, os, sys
d, name, version = sys.argv[1:4]
files = {f: hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest()
         for f in sorted(os.listdir(d)) if f not in ("manifest.json", "README.md")}
json.dump({"name": name, "version": version, "files": files}, open(os.path.join(d, "manifest.json"), "w"), indent=2, sort_keys=True)
open(os.path.join(d, "manifest.json"), "a").write("\n")
PY
echo "updated $dir/manifest.json"
