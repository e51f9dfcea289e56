#!/usr/bin/env bash
# Benchmark: `pysbom source update` over the whole CPython 3.13.5 source
# tree (one package covering every file, ~4,800 files) against CPython's own
# approach, Python's hashlib over the same files (SHA-1 and SHA-256 with
# CRLF normalised in files without a NUL byte, as generate_sbom.py does).
# Also times `pysbom source release` of the tarball. Prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
archive="$(cd .. && pwd)/shared/corpus/cpython/Python-3.13.5.tar.xz"
[ -f "$archive" ] || { echo "needs ../shared/corpus/cpython" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pysbom" ./cmd/pysbom
tar -xJf "$archive" -C "$tmp"
tree="$tmp/Python-3.13.5"
cat > "$tree/.pysbom-source.toml" <<'TOML'
sbom = "all.spdx.json"
format = "cpython"

[[package]]
name = "cpython"
version = "3.13.5"
include = ["**"]
exclude = ["all.spdx.json", ".pysbom-source.toml"]
TOML
cat > "$tmp/hash.py" <<'PY'
import hashlib, os, sys
root = sys.argv[1]
n = 0
for dirpath, dirs, files in os.walk(root):
    for f in files:
        if f in ("all.spdx.json", ".pysbom-source.toml"):
            continue
        with open(os.path.join(dirpath, f), "rb") as fh:
            data = fh.read()
        if b"\0" not in data:
            data = data.replace(b"\r\n", b"\n")
        hashlib.sha1(data).hexdigest(); hashlib.sha256(data).hexdigest()
        n += 1
PY
read -r t_p m_p < <(measure "$tmp/pysbom" source update -C "$tree")
read -r t_h m_h < <(measure python3 "$tmp/hash.py" "$tree")
files=$(grep -c '"fileName"' "$tree/all.spdx.json")
printf 'source update, %d files:        %6s s %5s MB\n' "$files" "$t_p" "$((m_p / 1024))"
printf 'Python hashlib, same files:       %6s s %5s MB\n' "$t_h" "$((m_h / 1024))"
awk "BEGIN{printf \"hashlib / pysbom: %.2fx\n\", $t_h / $t_p}"
read -r t_r m_r < <(measure "$tmp/pysbom" source release --archive "$archive" -o spdx-json="$tmp/rel.json")
printf 'source release of the tarball:    %6s s %5s MB (xz decompression included)\n' "$t_r" "$((m_r / 1024))"
