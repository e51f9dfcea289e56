#!/usr/bin/env bash
# Benchmark: `pysbom sbom` against the hashing limit of this machine (two
# parallel sha256sum processes over the same files) and against syft, on
# one site-packages directory. Prints best-of-N wall times, peak RSS and
# the ratios. Usage: bench/sbom.sh [SITE_PACKAGES] (default: pyenv 3.11.7).
# syft is installed from the Go module proxy when missing:
#   go install github.com/anchore/syft/cmd/syft@v1.57.1
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root="${PYENV_ROOT:-$HOME/.pyenv}"
site="${1:-$root/versions/3.11.7/lib/python3.11/site-packages}"
[ -d "$site" ] || { echo "no site-packages at $site" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
syft=""
if [ -z "${NO_SYFT:-}" ]; then syft=$(find_syft); fi
find "$site" -type f -print0 > "$tmp/files"
nfiles=$(tr -cd '\0' < "$tmp/files" | wc -c)
bytes=$(du -sb "$site" | cut -f1)
xargs -0 cat < "$tmp/files" > /dev/null   # warm the page cache


echo "site: $site ($nfiles files, $((bytes / 1048576)) MB), best of ${RUNS:-5}, warm cache, $(nproc) cores"
read -r t_sha m_sha < <(measure bash -c "xargs -0 -P2 -n 1000 sha256sum < '$tmp/files'")
read -r t_py m_py < <(measure env SOURCE_DATE_EPOCH=0 "$tmp/pysbom" sbom -q "$site" -o spdx-json="$tmp/out.spdx.json")
printf '%-34s %8s s %8s MB\n' "2x parallel sha256sum" "$t_sha" "$((m_sha / 1024))"
printf '%-34s %8s s %8s MB\n' "pysbom sbom (spdx-json)" "$t_py" "$((m_py / 1024))"
awk "BEGIN{printf \"pysbom / sha256sum: %.2fx (target <= 1.3x)\n\", $t_py / $t_sha}"
# The other formats of the same SBOM (no peer to compare with).
for fmt in cyclonedx-json spdx-tag-value; do
  read -r t_f m_f < <(measure env SOURCE_DATE_EPOCH=0 "$tmp/pysbom" sbom -q "$site" -o "$fmt=$tmp/out.$fmt")
  printf '%-34s %8s s %8s MB\n' "pysbom sbom ($fmt)" "$t_f" "$((m_f / 1024))"
done
if [ -n "$syft" ]; then
  read -r t_sy m_sy < <(RUNS=3 measure "$syft" -q "dir:$site" -o spdx-json)
  printf '%-34s %8s s %8s MB\n' "syft dir: (spdx-json)" "$t_sy" "$((m_sy / 1024))"
  awk "BEGIN{printf \"syft / pysbom: %.1fx faster (target >= 5x); pysbom peak RSS %d MB (target <= 100 MB)\n\", $t_sy / $t_py, $m_py / 1024}"
fi
