#!/usr/bin/env bash
# Benchmark: `pysbom sbom` of a real image against `syft` of the same
# image, both writing spdx-json: Debian 12 minbase with python3, a CPython
# built into /usr/local and an app virtualenv (bench/debian-image.sh builds
# it once). Prints best-of-N wall times, peak RSS and the ratios against
# the targets: >= 3x faster than syft, peak RSS <= 128 MB and <= 1/2 of
# syft's. Usage: bench/image.sh [IMAGE]   (RUNS=N, default 5)
# syft is installed from the Go module proxy when missing:
#   go install github.com/anchore/syft/cmd/syft@v1.57.1
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
image="${1:-$(bench/debian-image.sh)}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
syft=$(find_syft)
cat "$image" > /dev/null   # warm the page cache
size=$(stat -c %s "$image")
echo "image: $image ($((size / 1048576)) MB), best of ${RUNS:-5}, warm cache, $(nproc) cores"
read -r t_py m_py < <(measure env SOURCE_DATE_EPOCH=0 "$tmp/pysbom" sbom -q "docker-archive:$image" -o spdx-json="$tmp/pysbom.spdx.json")
read -r t_sy m_sy < <(measure env SYFT_CHECK_FOR_APP_UPDATE=false "$syft" -q "docker-archive:$image" -o spdx-json="$tmp/syft.spdx.json")
printf '%-34s %8s s %8s MB\n' "pysbom sbom (spdx-json)" "$t_py" "$((m_py / 1024))"
printf '%-34s %8s s %8s MB\n' "syft (spdx-json)" "$t_sy" "$((m_sy / 1024))"
awk -v tp="$t_py" -v ts="$t_sy" -v mp="$m_py" -v ms="$m_sy" 'BEGIN {
  printf "syft / pysbom: %.1fx faster (target >= 3x)\n", ts / (tp > 0 ? tp : 0.01)
  printf "pysbom peak RSS %d MB (target <= 128 MB), %.2f of syft'"'"'s (target <= 0.5)\n", mp / 1024, mp / ms
}'
# What each found, by purl type.
for doc in pysbom syft; do
  printf '%-7s' "$doc:"
  python3 -c '
import json, sys, collections
d = json.load(open(sys.argv[1]))
purls = [[r["referenceLocator"] for r in p.get("externalRefs", []) if r["referenceType"] == "purl"] for p in d["packages"]]
c = collections.Counter(p[0].split("/")[0] if p else "no-purl" for p in purls)
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))' "$tmp/$doc.spdx.json"
done
