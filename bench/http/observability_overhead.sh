#!/usr/bin/env bash
# Macro benchmark: what the access log and the request metrics cost a service, as a throughput
# ratio with them on and off, all in one run so the machine's noise touches every row alike.
#
# Four `quickmart serve product` processes on SQLite (each its own copy of one seeded file:
# one category, one product) differ only in the two settings and where stderr goes:
#   a  --access-log 0 --request-metrics 0                       (stderr to a file)
#   b  --access-log 0 --request-metrics 1                       (stderr to a file)
#   c  --access-log 1 --request-metrics 1, stderr to a file     (one write(2) per request,
#      into the page cache; the file is emptied after each run)
#   d  --access-log 1 --request-metrics 1, stderr to /dev/null
# wrk (one thread) loads each with the same GET for the same duration; prints requests/s, p50
# and p99 per row and the throughput ratios b/a, c/a, d/a (1.00: free; 0.90: 10% fewer requests
# per second), as ratios of the medians and, with rounds > 1, as the median (and range) of the
# per-round ratios, each row against a of the same round. Throughput moves with whatever else
# the machine runs; so each row also gets the server's CPU time per request (utime + stime of
# the process over the run, /proc/PID/stat, divided by wrk's request count), which other
# processes disturb less, though visibly on a loaded machine: c-a and d-a are the per-request
# cost in microseconds. Requests carry no X-Request-ID or traceparent, so every request is an
# edge request (a new id and a new trace): request_observer::open runs in every row, on or off.
#
#   bench/http/observability_overhead.sh [BUILD_DIR=build] [seconds=10] [connections=64]
#
#   QM_BENCH_ROUTE     product (default): GET /products/{id}, one SQLite read per request;
#                      health: GET /health, no database (the cheapest route, so the largest
#                      share the two settings can take of a request)
#   QM_BENCH_WARMUP_S  unmeasured load per row before the measured runs (default 2; 0: none)
#   QM_BENCH_ROUNDS    measured runs per row (default 3, at most 20); round k starts at row k
#                      (a b c d, b c d a, ...) so no row always runs first; each figure is the
#                      median over the rounds
#   QM_BENCH_PERF_DIR  when set: `perf record -g` of the server of each row named by
#                      QM_BENCH_PERF_ROWS (default "c"; e.g. "a c d") during its first measured
#                      run, to DIR/product-ROW.perf.data, with a flat report in
#                      DIR/product-ROW.perf.txt (that run's figures include perf's own cost)
#
# Before the measured runs the script checks that each row does what its label says: after
# the warm-up, a and b have logged no "request" line and c has; a exposes no
# http_requests_total series and b, c, d do. After each run of c it checks that the file holds
# about one line per request wrk counted, and prints the bytes per line.
# Fails when a row answered anything but 2xx or had socket errors. Every wait is bounded; a
# trap stops every process the script started and removes its scratch directory.
#
# How to run: scripts/setup installs wrk; build the quickmart target in a RelWithDebInfo build
# directory, then from the repository root, e.g.
#   cmake --build build --target quickmart
#   QM_BENCH_ROUNDS=5 bench/http/observability_overhead.sh build 10 64
#   QM_BENCH_ROUTE=health QM_BENCH_ROUNDS=5 bench/http/observability_overhead.sh build 10 64
# On a shared machine compare the ratios rather than the absolute rates, and run it twice.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/processes.sh
source "$root/scripts/lib/processes.sh"
# shellcheck source=scripts/lib/bench.sh
source "$root/scripts/lib/bench.sh"
# shellcheck source=scripts/lib/servers.sh
source "$root/scripts/lib/servers.sh"
build_dir=${1:-$root/build}
duration_s=${2:-10}
connections=${3:-64}
route=${QM_BENCH_ROUTE:-product}
warmup_s=${QM_BENCH_WARMUP_S:-2}
rounds=${QM_BENCH_ROUNDS:-3}
perf_dir=${QM_BENCH_PERF_DIR:-}
perf_rows=${QM_BENCH_PERF_ROWS:-c}
quickmart=$build_dir/quickmart

[ -x "$quickmart" ] || usage "$quickmart is missing (build the quickmart target)"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || usage "$tool is missing (run scripts/setup)"
done
if [ -n "$perf_dir" ]; then
  command -v perf >/dev/null 2>&1 || usage "QM_BENCH_PERF_DIR is set but perf is missing"
  mkdir -p "$perf_dir"
  perf_dir=$(cd "$perf_dir" && pwd)
  [[ $perf_rows =~ ^[abcd]( [abcd])*$ ]] || usage "QM_BENCH_PERF_ROWS must list rows a b c d, space-separated"
fi
is_count "$duration_s" 1 600 || usage "seconds must be 1..600"
is_count "$connections" 1 1000 || usage "connections must be 1..1000"
is_count "$warmup_s" 0 60 || usage "QM_BENCH_WARMUP_S must be 0..60"
is_count "$rounds" 1 20 || usage "QM_BENCH_ROUNDS must be 1..20"
case "$route" in
  product | health) ;;
  *) usage "QM_BENCH_ROUTE must be product or health" ;;
esac
help_text=$("$quickmart" serve product --help 2>&1 || true)
for option in --access-log --request-metrics; do
  grep -q -e "$option" <<<"$help_text" || usage "$quickmart serve product has no $option (an older build?)"
done

# Settings from the caller's environment (a log level, a database URL) would change what is
# measured: every process gets exactly what this script passes.
while read -r name; do
  unset "$name"
done < <(compgen -e | grep '^QUICKMART_' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-observability-bench.XXXXXX")
declare -A pid=()  # what this script started, by name
perf_pid=""

# Everything still running: SIGTERM, 5 s to finish, then SIGKILL.
cleanup() {
  local p all=()
  if [ -n "$perf_pid" ]; then all+=("$perf_pid"); fi
  for p in "${pid[@]}"; do all+=("$p"); done
  qm_stop_pids "${all[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


rows=(a b c d)
names=(seed "${rows[@]}")
declare -A port=()
mapfile -t free_ports < <(qm_free_ports "${#names[@]}")
[ ${#free_ports[@]} -eq ${#names[@]} ] || die "no free loopback ports"
for i in "${!names[@]}"; do
  port[${names[$i]}]=${free_ports[$i]}
done
context_secret="bench-context-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"


# start_product NAME STDERR_FILE ARGS...: stderr appended to the file (O_APPEND, so the file
# can be emptied between runs without leaving a hole).
start_product() {
  local name=$1 err=$2
  shift 2
  QUICKMART_CONTEXT_SECRET=$context_secret \
    "$quickmart" serve product --listen "127.0.0.1:${port[$name]}" --storage "sqlite:$work/$name.db" \
    --log-level info "$@" >>"$err" 2>&1 &
  pid[$name]=$!
}

# ------------------------------------------------------------------ one seeded database
# The service creates its schema; the catalogue is written straight into the file after it
# stopped (no admin token, auth or gateway needed), then copied for every row.
start_product seed "$work/seed.log"
wait_http seed "http://127.0.0.1:${port[seed]}/health"
qm_stop_pids "${pid[seed]}"
unset 'pid[seed]'
product_id=4242
python3 - "$work/seed.db" "$product_id" <<'PY' || die "cannot seed the product database"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
pid = int(sys.argv[2])
with db:
    db.execute("INSERT INTO categories (id, name) VALUES (7, 'Dairy')")
    db.execute("INSERT INTO products (id, category_id, name, description, price_paise, active, created_at) "
               "VALUES (?, 7, 'Milk 500 ml', 'Toned milk, pasteurised', 3200, 1, 1767225600)", (pid,))
    db.execute("INSERT INTO stock (product_id, available) VALUES (?, 120)", (pid,))
    db.execute("INSERT INTO stock_movements (product_id, movement_id, kind, quantity, created_at) "
               "VALUES (?, 1, 'initial', 120, 1767225600)", (pid,))
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
PY
for r in "${rows[@]}"; do
  cp "$work/seed.db" "$work/$r.db"
done

# ------------------------------------------------------------------ the rows
declare -A label=(
  [a]="access log off, metrics off"
  [b]="access log off, metrics on"
  [c]="access log on, metrics on, stderr file"
  [d]="access log on, metrics on, /dev/null"
)
start_product a "$work/a.log" --access-log 0 --request-metrics 0
start_product b "$work/b.log" --access-log 0 --request-metrics 1
start_product c "$work/c.log" --access-log 1 --request-metrics 1
start_product d /dev/null --access-log 1 --request-metrics 1
for r in "${rows[@]}"; do
  wait_http "$r" "http://127.0.0.1:${port[$r]}/health"
done
if [ "$route" = product ]; then
  path=/products/$product_id
  expect='"name":"Milk 500 ml"'
else
  path=/health
  expect='"status"'
fi
declare -A url=()
for r in "${rows[@]}"; do
  url[$r]="http://127.0.0.1:${port[$r]}$path"
  body=$(curl -sS --max-time 5 -w '\n%{http_code}' "${url[$r]}") || die "row $r: no answer from ${url[$r]}"
  [ "$(tail -n 1 <<<"$body")" = 200 ] || die "row $r: ${url[$r]} answered $(head -c 300 <<<"$body")"
  grep -qF "$expect" <<<"$body" || die "row $r: ${url[$r]} answered $(head -c 300 <<<"$body")"
done

access_lines() { grep -c '"msg":"request"' "$1" || true; }

# check_wrk ROW FILE: dies when the run had non-2xx answers or socket errors.
check_wrk() {
  if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$2"; then
    cat "$2" >&2
    die "row $1: answers other than 2xx or socket errors (either would distort the row)"
  fi
}

# cpu_ticks PID: user + system CPU time the process has used, in clock ticks (all threads).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
clock_tick_hz=$(getconf CLK_TCK)

# measure ROW ROUND: one measured wrk run; appends "rps p50_ms p99_ms cpu_us_per_request" to
# the row's results.
measure() {
  local r=$1 round=$2 out rate median tail answered lines ticks_before ticks_after cpu_us
  if [ -n "$perf_dir" ] && [[ " $perf_rows " == *" $r "* ]] && [ "$round" -eq 1 ]; then
    perf record -g -o "$perf_dir/product-$r.perf.data" -p "${pid[$r]}" -- sleep "$duration_s" \
      >"$work/perf.out" 2>&1 &
    perf_pid=$!
  fi
  ticks_before=$(cpu_ticks "${pid[$r]}")
  timeout --kill-after=5 $((duration_s + 30)) wrk -t1 -c"$connections" -d"${duration_s}s" --latency \
    "${url[$r]}" >"$work/wrk-$r-$round.out" || die "row $r: wrk failed"
  ticks_after=$(cpu_ticks "${pid[$r]}")
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    perf_pid=""
  fi
  out=$(cat "$work/wrk-$r-$round.out")
  check_wrk "$r" "$work/wrk-$r-$round.out"
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  median=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  tail=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  [ -n "$rate" ] || { echo "$out" >&2; die "row $r: wrk printed no rate"; }
  answered=$(awk '/requests in/ {print $1}' <<<"$out")
  [ "${answered:-0}" -gt 0 ] || { echo "$out" >&2; die "row $r: wrk counted no request"; }
  cpu_us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$clock_tick_hz" -v n="$answered" \
    'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  echo "$rate $median $tail $cpu_us" >>"$work/results-$r"
  if [ "$r" = c ]; then
    # One access line per answer: wrk's count, give or take the answers in flight at its end.
    lines=$(access_lines "$work/c.log")
    if [ "$lines" -lt $((answered * 99 / 100)) ] || [ "$lines" -gt $((answered + connections + 10)) ]; then
      die "row c: $lines access log lines for $answered answers"
    fi
    echo "$lines $(stat -c %s "$work/c.log")" >>"$work/lines-c"
    : >"$work/c.log"
  fi
  for name in "${!pid[@]}"; do
    qm_alive "${pid[$name]}" || die "$name exited during row $r"
  done
}

# Warm-up, then check that every row does what its label says before measuring it.
if [ "$warmup_s" -gt 0 ]; then
  for r in "${rows[@]}"; do
    timeout --kill-after=5 $((warmup_s + 30)) wrk -t1 -c"$connections" -d"${warmup_s}s" \
      "${url[$r]}" >"$work/warmup-$r.out" || die "row $r: warm-up wrk failed"
    check_wrk "$r" "$work/warmup-$r.out"
  done
fi
for r in a b; do
  [ "$(access_lines "$work/$r.log")" -eq 0 ] || die "row $r: wrote access log lines with --access-log 0"
done
[ "$(access_lines "$work/c.log")" -gt 0 ] || die "row c: no access log line with --access-log 1"
: >"$work/c.log"
for r in "${rows[@]}"; do
  curl -sS --max-time 5 "http://127.0.0.1:${port[$r]}/metrics/prometheus" >"$work/metrics-$r.txt" ||
    die "row $r: no answer from /metrics/prometheus"
  has=0
  if grep -q '^http_requests_total{' "$work/metrics-$r.txt"; then has=1; fi
  want=1
  if [ "$r" = a ]; then want=0; fi
  [ "$has" -eq "$want" ] || die "row $r: http_requests_total exposed=$has, expected $want"
done

for round in $(seq 1 "$rounds"); do
  for k in "${!rows[@]}"; do
    measure "${rows[$(((k + round - 1) % ${#rows[@]}))]}" "$round"
  done
done

declare -A rps=() p50=() p99=() cpu=()
for r in "${rows[@]}"; do
  rps[$r]=$(median_of 1 "$work/results-$r")
  p50[$r]=$(median_of 2 "$work/results-$r")
  p99[$r]=$(median_of 3 "$work/results-$r")
  cpu[$r]=$(median_of 4 "$work/results-$r")
done

# ------------------------------------------------------------------ report
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.3f", x / y }'; }
printf 'observability overhead: quickmart serve product (SQLite), GET %s, wrk -t1 -c%s -d%ss --latency on loopback, %s round(s), %ss warm-up per row (%s cores, shared by every process)\n' \
  "$path" "$connections" "$duration_s" "$rounds" "$warmup_s" "$(nproc)"
printf '  %-3s %-40s %12s %10s %10s %14s\n' row setup "requests/s" "p50 ms" "p99 ms" "server CPU us"
for r in "${rows[@]}"; do
  printf '  %-3s %-40s %12.0f %10.3f %10.3f %14.2f\n' "$r" "${label[$r]}" "${rps[$r]}" "${p50[$r]}" "${p99[$r]}" "${cpu[$r]}"
done
printf '  throughput ratios (medians): b/a %s  c/a %s  d/a %s\n' \
  "$(ratio "${rps[b]}" "${rps[a]}")" "$(ratio "${rps[c]}" "${rps[a]}")" "$(ratio "${rps[d]}" "${rps[a]}")"
printf '  server CPU per request, ratios (medians): b/a %s  c/a %s  d/a %s; c-a %s us, d-a %s us\n' \
  "$(ratio "${cpu[b]}" "${cpu[a]}")" "$(ratio "${cpu[c]}" "${cpu[a]}")" "$(ratio "${cpu[d]}" "${cpu[a]}")" \
  "$(awk -v x="${cpu[c]}" -v y="${cpu[a]}" 'BEGIN { printf "%.2f", x - y }')" \
  "$(awk -v x="${cpu[d]}" -v y="${cpu[a]}" 'BEGIN { printf "%.2f", x - y }')"
# Per round, each row against a of the same round (paired, so a drift of the machine's load
# over the run cancels out): the median of those ratios and their range.
if [ "$rounds" -gt 1 ]; then
  for column in 1 4; do
    line=""
    for r in b c d; do
      line+=$(paste -d' ' "$work/results-$r" "$work/results-a" | awk -v c="$column" -v n=4 '{ print $c / $(c + n) }' |
        sort -g | awk -v r="$r" '{ v[NR] = $1 } END { printf "  %s/a %.3f (%.3f..%.3f)", r, v[int((NR + 1) / 2)], v[1], v[NR] }')
    done
    if [ "$column" -eq 1 ]; then
      echo "  throughput ratios, median of the per-round ratios (min..max):$line"
    else
      echo "  server CPU per request, median of the per-round ratios (min..max):$line"
    fi
  done
fi
if [ "$rounds" -gt 1 ]; then
  printf '  per round: requests/s (ratio to a of the same round) / server CPU us per request:\n'
  for round in $(seq 1 "$rounds"); do
    read -r base _ < <(sed -n "${round}p" "$work/results-a")
    line="    $round:"
    for r in "${rows[@]}"; do
      read -r x _ _ x_cpu < <(sed -n "${round}p" "$work/results-$r")
      line+=$(printf '  %s %.0f (%s) / %s' "$r" "$x" "$(ratio "$x" "$base")" "$x_cpu")
    done
    echo "$line"
  done
fi
read -r lines bytes < <(tail -n 1 "$work/lines-c")
printf '  row c access log: %s lines, %s bytes per line (last run)\n' "$lines" \
  "$(awk -v b="$bytes" -v n="$lines" 'BEGIN { printf "%.0f", (n > 0 ? b / n : 0) }')"
if [ -n "$perf_dir" ]; then
  # Self time by library, then by symbol (the build has no frame pointers: call chains are
  # partial, self time is what to read).
  for r in $perf_rows; do
    for fields in overhead,dso overhead,dso,sym; do
      perf report -i "$perf_dir/product-$r.perf.data" --no-children --stdio -F "$fields" -g none \
        --percent-limit 0.2 2>/dev/null | grep -v -e '^#' -e '^$' | sed 's/ *$//' | cut -c1-200 || true
    done >"$perf_dir/product-$r.perf.txt"
    printf '  perf profile of row %s (round 1): %s, flat report %s\n' "$r" \
      "$perf_dir/product-$r.perf.data" "$perf_dir/product-$r.perf.txt"
  done
fi
