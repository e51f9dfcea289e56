# Shared by the bench scripts: measure CMD... prints the best wall time
# (seconds) and the largest peak RSS (KB) of $RUNS runs (default 5).
# Needs GNU time (apt-get install time) and $tmp, a scratch directory.
measure() {
  local best="" rss="" wall kb
  for _ in $(seq "${RUNS:-5}"); do
    /usr/bin/time -f '%e %M' -o "$tmp/.time" "$@" > /dev/null 2> "$tmp/.err" || { cat "$tmp/.err" >&2; return 1; }
    read -r wall kb < <(tail -n 1 "$tmp/.time")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
    if [ -z "$rss" ] || [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  echo "$best $rss"
}

# find_syft prints the syft on PATH, else installs v1.57.1 from the Go
# module proxy into $tmp (once per run) and prints that.
find_syft() {
  if command -v syft; then
    return
  fi
  echo "installing syft v1.57.1 from the Go module proxy (once)..." >&2
  GOBIN="$tmp" go install github.com/anchore/syft/cmd/syft@v1.57.1 >&2 && echo "$tmp/syft"
}
