#!/usr/bin/env bash
# The steps of the pysbom GitHub action (action.yml runs this script; the
# tests run it with a fake GITHUB_* environment). Inputs come as INPUT_*
# variables, as GitHub passes them to composite steps through env.
#   INPUT_VERSION       the pysbom version to install with go install (default: the action's own ref)
#   INPUT_TARGET        what to read: a virtualenv, a lock file, a wheel folder ("" = the python3 on PATH)
#   INPUT_SBOM          where to write the SBOM (default pysbom.spdx.json; "" for none)
#   INPUT_SCAN          "true" to scan (default true)
#   INPUT_FAIL_ON       the severity that fails the job (LOW, MEDIUM, HIGH, CRITICAL; "" never)
#   INPUT_DB_UPDATE     "true" to download osv.dev's exports first (default true)
#   INPUT_SARIF         where to write SARIF for code scanning (default pysbom.sarif; "" for none)
#   INPUT_SOURCE_CHECK  "true" to run pysbom source check (the curated-SBOM drift gate)
# PYSBOM_BIN, when set, is the binary to use instead of installing one.
set -uo pipefail
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
cd "${GITHUB_WORKSPACE:-.}"

pysbom="${PYSBOM_BIN:-}"
if [ -z "$pysbom" ]; then
  version="${INPUT_VERSION:-latest}"
  echo "::group::install pysbom $version"
  GOBIN="${RUNNER_TEMP:-/tmp}/pysbom-bin" go install "github.com/pysbom/pysbom/cmd/pysbom@$version" || exit 1
  pysbom="${RUNNER_TEMP:-/tmp}/pysbom-bin/pysbom"
  echo "::endgroup::"
fi
"$pysbom" --version

target="${INPUT_TARGET:-}"
status=0
if [ -n "${INPUT_SBOM-pysbom.spdx.json}" ]; then
  sbom="${INPUT_SBOM-pysbom.spdx.json}"
  "$pysbom" sbom -q ${target:+"$target"} -o "spdx-json=$sbom" || exit 1
  echo "sbom=$sbom" >> "$outputs"
fi
if [ "${INPUT_SCAN:-true}" = true ]; then
  if [ "${INPUT_DB_UPDATE:-true}" = true ]; then
    "$pysbom" db update -q || exit 1
  fi
  args=(scan -q -o markdown)
  [ -n "${INPUT_SARIF-pysbom.sarif}" ] && args+=(-o "sarif=${INPUT_SARIF-pysbom.sarif}") && echo "sarif=${INPUT_SARIF-pysbom.sarif}" >> "$outputs"
  [ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
  "$pysbom" "${args[@]}" ${target:+"$target"} >> "$summary"
  code=$?
  # 3 is findings at or above --fail-on: the job fails, after the report.
  case $code in 0) ;; 3) status=3 ;; *) exit $code ;; esac
fi
if [ "${INPUT_SOURCE_CHECK:-false}" = true ]; then
  { echo; echo '## pysbom source check'; echo; echo '```'; } >> "$summary"
  "$pysbom" source check >> "$summary" 2>&1
  code=$?
  echo '```' >> "$summary"
  case $code in 0) ;; 3) status=3 ;; *) exit $code ;; esac
fi
exit $status
