#!/usr/bin/env bash
# What syft's SBOM of an environment lacks, as `pysbom validate` reports
# it, beside pysbom's own SBOM of the same environment.
# Usage: bench/validate-syft.sh [SITE_PACKAGES] (default: pyenv 3.11.7)
# syft is installed from the Go module proxy when missing:
#   go install github.com/anchore/syft/cmd/syft@v1.57.1
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root="${PYENV_ROOT:-$HOME/.pyenv}"
site="${1:-$root/versions/3.11.7/lib/python3.11/site-packages}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
syft=$(find_syft)
"$syft" -q "dir:$site" -o spdx-json="$tmp/syft.spdx.json" -o cyclonedx-json="$tmp/syft.cdx.json"
"$tmp/pysbom" sbom -q "$site" -o spdx-json="$tmp/pysbom.spdx.json" -o cyclonedx-json="$tmp/pysbom.cdx.json"
for f in syft.spdx.json syft.cdx.json pysbom.spdx.json pysbom.cdx.json; do
  "$tmp/pysbom" validate --schema=false "$tmp/$f" | sed -e "s|$tmp/||" | grep -v '^    [a-z]* /' || true
  echo
done
