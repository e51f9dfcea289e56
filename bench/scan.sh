#!/usr/bin/env bash
# Benchmark: `pysbom scan` of a 10,000-component CycloneDX SBOM against the
# PyPA advisory database, and osv-scanner v2.5.0 offline on the same input
# and the same records (its PyPI/all.zip built from the corpus).
# Usage: bench/scan.sh    (NO_OSV=1 skips osv-scanner)
# osv-scanner is installed from the Go module proxy when missing:
#   go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
vulns="$(cd .. && pwd)/shared/corpus/osv/pypa-advisory-database/vulns"
[ -d "$vulns" ] || { echo "needs ../shared/corpus/osv" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
/usr/bin/time -f 'import: %e s, %M KB' "$tmp/pysbom" db import --db "$tmp/v.db" "$vulns" >/dev/null
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
read -r t_p m_p < <(measure "$tmp/pysbom" scan --db "$tmp/v.db" -o json "$tmp/big.cdx.json")
printf '%-38s %6s s %6s MB  (target < 0.5 s, < 150 MB)\n' "pysbom scan, 10,000 components" "$t_p" "$((m_p / 1024))"
# The other report formats of the same scan (no peer to compare with).
for fmt in table sarif cyclonedx openvex; do
  read -r t_f m_f < <(measure "$tmp/pysbom" scan --db "$tmp/v.db" -o "$fmt" "$tmp/big.cdx.json")
  printf '%-38s %6s s %6s MB\n' "  the same, -o $fmt" "$t_f" "$((m_f / 1024))"
done
if [ -z "${NO_OSV:-}" ]; then
  osv=$(command -v osv-scanner || true)
  if [ -z "$osv" ]; then
    echo "installing osv-scanner v2.5.0 from the Go module proxy (once)..." >&2
    GOBIN="$tmp" go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0 >&2 && osv="$tmp/osv-scanner"
  fi
  # osv-scanner offline reads <dir>/osv-scalibr/PyPI/all.zip of JSON records with RFC 3339 times.
  mkdir -p "$tmp/osvdb/osv-scalibr/PyPI"
  python3 - "$vulns" "$tmp/osvdb/osv-scalibr/PyPI/all.zip" <<'PY'
import json, os, sys, zipfile, yaml, datetime
def fix(v):
    if isinstance(v, dict): return {k: fix(x) for k, x in v.items()}
    if isinstance(v, list): return [fix(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ") if v.year >= 1000 else "1970-01-01T00:00:00Z"
    return v
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for root, _, files in os.walk(sys.argv[1]):
        for f in files:
            if not f.endswith((".yaml", ".yml", ".json")):
                continue
            rec = fix(yaml.safe_load(open(os.path.join(root, f))))
            if not isinstance(rec, dict) or "id" not in rec:
                continue
            z.writestr(rec["id"] + ".json", json.dumps(rec))
PY
  # osv-scanner exits 1 when it finds vulnerabilities; that is success here.
  # v2.5.0 ignores OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY (fixed in v2.5.1) and
  # looks under os.UserCacheDir, so both are pointed at the built database;
  # its --offline-vulnerabilities alone matches nothing in v2.5.0, --offline works.
  export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$tmp/osvdb" XDG_CACHE_HOME="$tmp/osvdb"
  read -r t_o m_o < <(measure bash -c "'$osv' scan --offline --no-ignore -L '$tmp/big.cdx.json' --format json >'$tmp/osv.json' 2>/dev/null; [ \$? -le 1 ]")
  printf '%-38s %6s s %6s MB\n' "osv-scanner --offline, same input" "$t_o" "$((m_o / 1024))"
  "$tmp/pysbom" scan --db "$tmp/v.db" -o json "$tmp/big.cdx.json" >"$tmp/pysbom.json"
  # The same findings? Compared by (package, version) and every ID osv-scanner
  # names, against pysbom's IDs and aliases.
  python3 - "$tmp/osv.json" "$tmp/pysbom.json" <<'PY'
import json, sys
o = {}
for r in json.load(open(sys.argv[1]))["results"]:
    for p in r["packages"]:
        o[(p["package"]["name"].lower(), p["package"]["version"])] = {v["id"] for v in p["vulnerabilities"]}
m = {}
for f in json.load(open(sys.argv[2]))["findings"]:
    m.setdefault((f["name"].lower(), f["version"]), set()).update([f["id"]] + (f.get("aliases") or []))
missed = sum(1 for k, ids in o.items() if not ids <= m.get(k, set()))
print(f"osv-scanner: {sum(map(len, o.values()))} records in {len(o)} packages; pysbom misses {missed} of those packages' records")
print(f"pysbom: {len(m)} packages with findings, {len(set(m) - set(o))} that osv-scanner does not report")
PY
  awk "BEGIN{printf \"osv-scanner / pysbom: %.1fx (target >= 10x)\n\", $t_o / $t_p}"
fi
