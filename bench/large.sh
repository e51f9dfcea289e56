#!/usr/bin/env bash
# Benchmark: validate, scan and diff of a CycloneDX SBOM of 10^6
# components and of an SPDX SBOM of half as many packages (each with its
# purl and a DEPENDS_ON), with peak memory against the target of at most
# 4x the size of the documents read (diff reads two).
# Usage: bench/large.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n="${1:-1000000}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
python3 - "$n" "$tmp/big.cdx.json" <<'PY'
import json, sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"timestamp": "2026-01-01T00:00:00Z", '
            '"component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1"}}, "components": [')
    for i in range(n):
        f.write((", " if i else "") + json.dumps({"type": "library", "bom-ref": f"c{i}", "name": f"package-{i}",
                "version": f"1.{i % 100}.0", "purl": f"pkg:pypi/package-{i}@1.{i % 100}.0"}))
    f.write('], "dependencies": [{"ref": "app", "dependsOn": [' + ", ".join(f'"c{i}"' for i in range(n)) + ']}]}')
PY
echo '{"id": "PYSEC-2024-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "package-7"}, "versions": ["1.7.0"]}]}' > "$tmp/rec.json"
"$tmp/pysbom" db import --db "$tmp/v.db" "$tmp/rec.json" > /dev/null
size=$(stat -c %s "$tmp/big.cdx.json")
echo "document: $n components, $((size / 1048576)) MB; best of ${RUNS:=3}, $(nproc) cores"
report() { # label, seconds, KB, bytes read
  awk -v l="$1" -v t="$2" -v kb="$3" -v b="$4" 'BEGIN { printf "%-28s %7.2f s %7d MB   %.1fx the input (target <= 4x)\n", l, t, kb / 1024, kb * 1024 / b }'
}
read -r t m < <(measure "$tmp/pysbom" scan --db "$tmp/v.db" -o json "$tmp/big.cdx.json"); report "scan" "$t" "$m" "$size"
read -r t m < <(measure "$tmp/pysbom" diff "$tmp/big.cdx.json" "$tmp/big.cdx.json"); report "diff (two documents)" "$t" "$m" "$((2 * size))"
read -r t m < <(measure "$tmp/pysbom" validate --allow-unknown-version "$tmp/big.cdx.json" || true); report "validate" "$t" "$m" "$size"
python3 - "$((n / 2))" "$tmp/big.spdx.json" <<'PY'
import json, sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write('{"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "big", "documentNamespace": "https://example.org/big", '
            '"creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: gen"]}, "documentDescribes": ["SPDXRef-app"], "packages": [')
    f.write(json.dumps({"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1", "downloadLocation": "NOASSERTION"}))
    for i in range(n):
        f.write(", " + json.dumps({"SPDXID": f"SPDXRef-p{i}", "name": f"package-{i}", "versionInfo": f"1.{i % 100}.0", "downloadLocation": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": f"pkg:pypi/package-{i}@1.{i % 100}.0"}]}))
    f.write('], "relationships": [')
    f.write(", ".join(json.dumps({"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": f"SPDXRef-p{i}"}) for i in range(n)))
    f.write(']}')
PY
size=$(stat -c %s "$tmp/big.spdx.json")
echo "SPDX document: $((n / 2)) packages, $((size / 1048576)) MB"
read -r t m < <(measure "$tmp/pysbom" scan --db "$tmp/v.db" -o json "$tmp/big.spdx.json"); report "scan" "$t" "$m" "$size"
read -r t m < <(measure "$tmp/pysbom" diff "$tmp/big.spdx.json" "$tmp/big.spdx.json"); report "diff (two documents)" "$t" "$m" "$((2 * size))"
read -r t m < <(measure "$tmp/pysbom" validate "$tmp/big.spdx.json" || true); report "validate" "$t" "$m" "$size"
