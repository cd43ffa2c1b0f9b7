# shellcheck shell=bash
# Helpers the macro benchmarks (bench/http/*.sh, bench/sim/compare_builds.sh) share; source
# it, it defines functions only. show_logs, die and wait_http read the caller's `work` (its
# scratch directory, where every process logs to NAME.log) and associative array `pid`
# (name -> process id), and wait_http calls qm_alive (scripts/lib/processes.sh): a script
# that calls them sets those and sources processes.sh first.

# usage MESSAGE: a bad argument; exit 2.
usage() { echo "bench: $*" >&2; exit 2; }

# is_count VALUE MIN MAX: VALUE is an integer in [MIN, MAX].
is_count() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# The last lines of every non-empty log in $work, on stderr.
show_logs() {
  local f
  for f in "$work"/*.log; do
    if [ -s "$f" ]; then
      echo "--- $(basename "$f") (tail)" >&2
      tail -n 20 "$f" >&2
    fi
  done
}

# die MESSAGE: the run failed; show the logs and exit 1.
die() { echo "bench: $*" >&2; show_logs; exit 1; }

# wait_http NAME URL: until URL answers (any status), at most 15 s; dies if NAME exits.
wait_http() {
  local name=$1 url=$2
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null --max-time 1 "$url"; then
      return 0
    fi
    if [ -n "${pid[$name]:-}" ] && ! qm_alive "${pid[$name]}"; then
      die "$name exited during start"
    fi
    sleep 0.1
  done
  die "$name did not answer $url within 15 s"
}

# to_ms VALUE: wrk's latency text (850.00us, 1.20ms, 2.01s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
    printf "%.3f", v }'
}

# median_of COLUMN FILE: the median of a space-separated column (the lower middle when even).
median_of() {
  cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# min_of COLUMN FILE, max_of COLUMN FILE: the least and the greatest of a space-separated column.
min_of() { cut -d' ' -f"$1" "$2" | sort -g | head -n 1; }
max_of() { cut -d' ' -f"$1" "$2" | sort -g | tail -n 1; }
