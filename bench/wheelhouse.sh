#!/usr/bin/env bash
# Benchmark: `pysbom sbom` of a wheelhouse, against the decompression
# limit of this machine (every wheel decompressed and hashed by two
# parallel `unzip -p | sha256sum` pipelines). The wheelhouse is the real
# wheels of the pyenv installations plus wheels repacked (with Python's
# zipfile, from their RECORD) from the pyenv 3.11.7 site-packages, at
# least 50 in all. Usage: bench/wheelhouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root="${PYENV_ROOT:-$HOME/.pyenv}"
py="$root/versions/3.11.7/bin/python3.11"
site="$root/versions/3.11.7/lib/python3.11/site-packages"
[ -x "$py" ] || { echo "needs pyenv 3.11.7" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
mkdir "$tmp/wh"
find "$root/versions" -name '*.whl' -exec cp -n {} "$tmp/wh/" \; 2>/dev/null
"$py" -I - "$site" "$tmp/wh" <<'PY'
import csv, os, sys, zipfile
site, out = sys.argv[1], sys.argv[2]
for d in sorted(os.listdir(site)):
    if not d.endswith(".dist-info") or not os.path.exists(os.path.join(site, d, "RECORD")):
        continue
    name, version = d[:-len(".dist-info")].rsplit("-", 1)
    whl = os.path.join(out, f"{name}-{version}-py3-none-any.whl")
    if os.path.exists(whl):
        continue
    with open(os.path.join(site, d, "RECORD"), newline="") as f, zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED) as z:
        for row in csv.reader(f):
            p = os.path.normpath(os.path.join(site, row[0]))
            if row and not row[0].startswith("..") and os.path.isfile(p):
                z.write(p, row[0])
PY
n=$(ls "$tmp/wh" | wc -l)
mb=$(( $(du -sb "$tmp/wh" | cut -f1) / 1048576 ))
cat "$tmp"/wh/* > /dev/null

echo "wheelhouse: $n wheels, $mb MB compressed, best of ${RUNS:-5}, $(nproc) cores"
read -r t_un m_un < <(measure bash -c "ls '$tmp'/wh/*.whl | xargs -P2 -I{} sh -c 'unzip -p {} | sha256sum'")
read -r t_py m_py < <(measure env SOURCE_DATE_EPOCH=0 "$tmp/pysbom" sbom -q "$tmp/wh" -o spdx-json="$tmp/out.json")
printf '%-40s %8s s %8s MB\n' "2x parallel unzip -p | sha256sum" "$t_un" "$((m_un / 1024))"
printf '%-40s %8s s %8s MB\n' "pysbom sbom WHEELHOUSE (spdx-json)" "$t_py" "$((m_py / 1024))"
awk "BEGIN{printf \"pysbom / (unzip | sha256sum): %.2fx\n\", $t_py / $t_un}"
