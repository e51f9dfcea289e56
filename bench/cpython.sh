#!/usr/bin/env bash
# Benchmark: the CPython part of an SBOM of pyenv 3.11.7 (version, build
# configuration, 76 lib-dynload modules hashed and fingerprinted, 43 linked
# shared libraries resolved, identified and hashed, ensurepip's wheels),
# without its site-packages. Target: under 1 s warm.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench BenchmarkPyenvCPython -benchtime 5x -benchmem ./internal/extract/cpython |
  awk '/^Benchmark/ {printf "CPython of pyenv 3.11.7: %.2f s per SBOM, %.0f MB allocated (target < 1 s)\n", $3/1e9, $5/1e6; next} /^(ok|FAIL|---)/ {print}'
