#!/usr/bin/env bash
# Benchmark: `pysbom report` of pyenv 3.11.7's prefix against `pysbom sbom`
# of the same target (the page must take under 1.5x), the page's size
# (under 3 MB), its first render in headless Chromium (under 1 s, by the
# browser's navigation timing), and the HTML page of the 10,000-component
# scan of bench/scan.sh (under 15 MB, opened and filtered).
# Usage: bench/report.sh    (needs Chromium: apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
prefix="${PYENV_ROOT:-$HOME/.pyenv}/versions/3.11.7"
vulns="$(cd .. && pwd)/shared/corpus/osv/pypa-advisory-database/vulns"
[ -d "$prefix" ] || { echo "needs pyenv 3.11.7 at $prefix" >&2; exit 1; }
[ -d "$vulns" ] || { echo "needs ../shared/corpus/osv" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
"$tmp/pysbom" db import -q --db "$tmp/v.db" "$vulns" >/dev/null
read -r t_s m_s < <(measure "$tmp/pysbom" sbom -q "$prefix" -o "spdx-json=$tmp/s.json")
read -r t_r m_r < <(measure "$tmp/pysbom" report -q --db "$tmp/v.db" "$prefix" -o "html=$tmp/report.html")
size=$(stat -c %s "$tmp/report.html")
printf '%-44s %6s s %6s MB\n' "pysbom sbom, pyenv 3.11.7 prefix" "$t_s" "$((m_s / 1024))"
printf '%-44s %6s s %6s MB  page %s KB\n' "pysbom report -o html, the same" "$t_r" "$((m_r / 1024))" "$((size / 1024))"
awk -v r="$t_r" -v s="$t_s" 'BEGIN{printf "report / sbom: %.2fx (target < 1.5x); page under 3 MB: %s\n", r/s, ('"$size"' < 3*1048576) ? "yes" : "no"}'
python3 - "$vulns" "$tmp/big.cdx.json" <<'PY'
import json, os, sys
names = sorted(os.listdir(sys.argv[1]))
comps = []
for i in range(10000):
    name = names[i % len(names)] if i % 2 == 0 else f"unrelated-{i}"
    v = f"{i % 5}.{i % 13}.{i % 3}"
    comps.append({"type": "library", "bom-ref": f"c{i}", "name": name, "version": v, "purl": f"pkg:pypi/{name}@{v}"})
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1"}},
           "components": comps}, open(sys.argv[2], "w"))
PY
read -r t_b m_b < <(measure "$tmp/pysbom" scan -q --db "$tmp/v.db" -o "html=$tmp/big.html" "$tmp/big.cdx.json")
bsize=$(stat -c %s "$tmp/big.html")
printf '%-44s %6s s %6s MB  page %s KB (target < 15 MB)\n' "pysbom scan -o html, 10,000 components" "$t_b" "$((m_b / 1024))" "$((bsize / 1024))"
PYSBOM_BENCH_PAGES="$tmp/report.html:$tmp/big.html" go test -run '^$' -bench BenchmarkPageRender -benchtime 3x ./internal/cli |
  grep -E 'ms-first-paint|ms-load' | sed 's/^BenchmarkPageRender\///'
