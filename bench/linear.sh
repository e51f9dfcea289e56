#!/usr/bin/env bash
# Benchmark: the parsers that once took quadratic time, each at n and 2n.
# For each it prints both times and their ratio: a linear parser doubles
# (about 2x; a little more from garbage collection), a quadratic one
# quadruples. Usage: bench/linear.sh
set -euo pipefail
cd "$(dirname "$0")/.."
run() { # package, benchmark
  go test "$1" -run '^$' -bench "^$2\$" -benchtime "${TIMES:-5}x" -count 1 2>/dev/null |
    awk -v name="$2" '/^Benchmark/ { split($1, a, "="); sub(/-[0-9]+$/, "", a[2]); n[++k] = a[2]; t[k] = $3 }
      END { if (k != 2) { print name ": no result"; exit 1 }
            printf "%-36s n=%-8s %8.1f ms   2n=%-8s %8.1f ms   ratio %.2f (linear: ~2, quadratic: ~4)\n",
                   name, n[1], t[1] / 1e6, n[2], t[2] / 1e6, t[2] / t[1] }'
}
run ./internal/sbom/spdx BenchmarkTagValueText
run ./internal/source BenchmarkCompute
run ./internal/python/metadata BenchmarkContinuation
run ./internal/lockfile BenchmarkRequirementsContinuation
