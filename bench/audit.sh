#!/usr/bin/env bash
# Benchmark: `pysbom audit` against Debian's checksec 2.6 (apt package
# checksec) on the same lists of binaries: the 90 extension modules of
# pyenv 3.11.7 (site-packages + lib-dynload) and every ELF file in
# /usr/bin. Prints each tool's best wall time and the ratio (target >= 10x).
# Usage: bench/audit.sh     (RUNS=N to change the number of runs, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v checksec >/dev/null || { echo "needs checksec: apt-get install checksec" >&2; exit 1; }
pyenv="${PYENV_ROOT:-$HOME/.pyenv}/versions/3.11.7/lib/python3.11"
[ -d "$pyenv" ] || { echo "needs pyenv 3.11.7 at $pyenv" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
find "$pyenv/site-packages" "$pyenv/lib-dynload" -name '*.so' -type f | sort > "$tmp/ext.txt"
find /usr/bin -maxdepth 1 -type f -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \; | sort > "$tmp/usrbin.txt"
for list in ext usrbin; do
  n=$(wc -l < "$tmp/$list.txt")
  read -r t_p m_p < <(measure xargs -a "$tmp/$list.txt" -d '\n' "$tmp/pysbom" audit -o json)
  read -r t_c m_c < <(measure checksec --format=json --listfile="$tmp/$list.txt")
  ratio=$(awk "BEGIN{printf \"%.1f\", $t_c / ($t_p > 0 ? $t_p : 0.001)}")
  printf '%-8s %4d binaries: pysbom audit %6s s %5s MB | checksec %6s s %5s MB | %sx faster\n' \
    "$list" "$n" "$t_p" "$((m_p / 1024))" "$t_c" "$((m_c / 1024))" "$ratio"
done
