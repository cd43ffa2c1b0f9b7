#!/usr/bin/env bash
# Macro benchmark: what the quickmart gateway costs on the request path, against nginx doing
# the same proxying, all in one run so the machine's noise touches every row alike.
#
# One upstream serves every row: an nginx (one worker) answering GET /products and GET /cart
# with a small static JSON body, so the figures measure the proxy in front of it, not a
# service. wrk (one thread) loads each row over loopback for the same duration:
#   a  nginx proxy_pass (one worker, keep-alive to the upstream)   GET /products
#   b  quickmart gateway, open route, --rate-limit-enabled 0       GET /products
#   c  quickmart gateway, protected route with a Bearer token      GET /cart
#      (introspection by `quickmart serve auth`, answered once and then from the gateway's
#      token cache; the in-memory rate limiter with a limit it never reaches)
#   d  like c with the rate limits in Redis (a private redis-server), when redis-server exists
# Every connection of c and d carries the same token: one user, one rate-limit key.
# Prints requests/s, p50 and p99 per row and the ratios b/a, c/b, c/a, d/c. Fails when a row
# answered anything but 2xx (a refusal would make it look fast) or had socket errors.
#
#   bench/http/gateway_overhead.sh [BUILD_DIR=build] [seconds=10] [connections=64]
#
#   QM_BENCH_WARMUP_S  unmeasured load per row before the measured runs (default 2; 0: none)
#   QM_BENCH_ROUNDS    measured runs per row, taken round-robin (a b c d a b c d ...); each
#                      figure printed is the row's median (default 1)
#   QM_BENCH_PERF_DIR  when set: `perf record -g` of the gateway during row c (round 1), to
#                      DIR/gateway-c.perf.data, with a flat report in DIR/gateway-c.perf.txt
#
# How to run: scripts/setup installs wrk, nginx and redis-server; build the quickmart target in
# a RelWithDebInfo build directory, then from the repository root, e.g.
#   cmake --build build --target quickmart
#   bench/http/gateway_overhead.sh build 10 64
#   QM_BENCH_ROUNDS=3 QM_BENCH_PERF_DIR=/tmp/gw-perf bench/http/gateway_overhead.sh build 10 64
# On a shared machine compare the ratios rather than the absolute rates, and prefer rounds > 1.
# Differences to keep in mind when reading b/a: the gateway opens at most 32 connections per
# upstream (runtime/asio/client, max_connections_per_upstream) and queues the other calls,
# while nginx opens as many as it needs and keeps 64 idle; the gateway also gives every
# request an X-Request-ID and, on c and d, signs the caller's identity for the upstream.
#
# The gateway's general limit is 100000/1s (the largest limit a class takes is 100000), far
# above what one event loop answers, so no request of c or d is refused. Every wait is
# bounded; a trap stops every process the script started and removes its scratch directory.
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
warmup_s=${QM_BENCH_WARMUP_S:-2}
rounds=${QM_BENCH_ROUNDS:-1}
perf_dir=${QM_BENCH_PERF_DIR:-}
quickmart=$build_dir/quickmart

[ -x "$quickmart" ] || usage "$quickmart is missing (build the quickmart target)"
for tool in wrk curl jq python3; do
  command -v "$tool" >/dev/null 2>&1 || usage "$tool is missing (run scripts/setup)"
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || usage "nginx is missing (run scripts/setup)"
redis_bin=$(command -v redis-server || true)
if [ -n "$perf_dir" ]; then
  command -v perf >/dev/null 2>&1 || usage "QM_BENCH_PERF_DIR is set but perf is missing"
  mkdir -p "$perf_dir"
  perf_dir=$(cd "$perf_dir" && pwd)
fi
is_count "$duration_s" 1 600 || usage "seconds must be 1..600"
is_count "$connections" 1 1000 || usage "connections must be 1..1000"
is_count "$warmup_s" 0 60 || usage "QM_BENCH_WARMUP_S must be 0..60"
is_count "$rounds" 1 9 || usage "QM_BENCH_ROUNDS must be 1..9"

# Settings from the caller's environment (a QUICKMART_REDIS_URL, a rate limit) would change
# what is measured: every process gets exactly what this script passes.
while read -r name; do
  unset "$name"
done < <(compgen -e | grep '^QUICKMART_' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-gateway-bench.XXXXXX")
declare -A pid=()  # what this script started, by name
perf_pid=""

# Everything still running: SIGTERM, 5 s to finish, then SIGKILL (nginx daemonizes: its
# master's pid is in its pid file).
cleanup() {
  local p f all=()
  if [ -n "$perf_pid" ]; then all+=("$perf_pid"); fi
  for p in "${pid[@]}"; do all+=("$p"); done
  for f in "$work"/nginx-*.pid; do
    if [ -s "$f" ]; then all+=("$(cat "$f")"); fi
  done
  qm_stop_pids "${all[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


names=(upstream proxy auth gw_open gw_memory gw_redis redis)
declare -A port=()
mapfile -t free_ports < <(qm_free_ports "${#names[@]}")
[ ${#free_ports[@]} -eq ${#names[@]} ] || die "no free loopback ports"
for i in "${!names[@]}"; do
  port[${names[$i]}]=${free_ports[$i]}
done
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
context_secret="bench-context-$(hex 24)"
token_secret="bench-token-$(hex 24)"


# ------------------------------------------------------------------ the upstream and nginx proxy
products_json='{"items":[{"id":1,"name":"Milk 500 ml","price_paise":3200,"stock":120},{"id":2,"name":"Bread","price_paise":4500,"stock":80},{"id":3,"name":"Eggs x6","price_paise":5400,"stock":60}],"page":1,"total":3}'
cart_json='{"user_id":1,"items":[{"product_id":1,"name":"Milk 500 ml","quantity":2,"price_paise":3200}],"subtotal_paise":6400,"delivery_fee_paise":2000,"total_paise":8400}'

# nginx_conf NAME SERVER_BLOCK [HTTP_EXTRA]: one worker, no logs, temp files in the scratch dir;
# keepalive_requests high so neither wrk nor a proxy's pool is made to reconnect mid-run.
nginx_conf() {
  cat >"$work/nginx-$1.conf" <<NGINX
worker_processes 1;
daemon on;
pid $work/nginx-$1.pid;
error_log $work/nginx-$1.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $work/$1-body;
  proxy_temp_path $work/$1-proxy;
  fastcgi_temp_path $work/$1-fastcgi;
  uwsgi_temp_path $work/$1-uwsgi;
  scgi_temp_path $work/$1-scgi;
  ${3:-}
  $2
}
NGINX
  "$nginx_bin" -c "$work/nginx-$1.conf" -p "$work" -e "$work/nginx-$1.log" || die "nginx $1 did not start"
}
nginx_conf upstream "server {
    listen 127.0.0.1:${port[upstream]};
    default_type application/json;
    location = /products { return 200 '$products_json'; }
    location = /cart { return 200 '$cart_json'; }
    location / { return 404; }
  }"
nginx_conf proxy "server {
    listen 127.0.0.1:${port[proxy]};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }" "upstream bench_upstream {
    server 127.0.0.1:${port[upstream]};
    keepalive 64;
    keepalive_requests 1000000;
  }"
upstream=http://127.0.0.1:${port[upstream]}
wait_http upstream "$upstream/products"
wait_http proxy "http://127.0.0.1:${port[proxy]}/products"

# ------------------------------------------------------------------ redis (row d)
if [ -n "$redis_bin" ]; then
  "$redis_bin" --port "${port[redis]}" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --daemonize no --logfile "$work/redis.log" >/dev/null 2>&1 &
  pid[redis]=$!
  up=0
  for _ in $(seq 1 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "${port[redis]}" ping 2>/dev/null)" = PONG ]; then
      up=1
      break
    fi
    qm_alive "${pid[redis]}" || die "redis-server exited during start"
    sleep 0.1
  done
  [ $up -eq 1 ] || die "redis-server did not answer PING within 10 s"
fi

# ------------------------------------------------------------------ auth and the gateways
QUICKMART_TOKEN_SECRET=$token_secret QUICKMART_CONTEXT_SECRET=$context_secret QUICKMART_SCRYPT_N=1024 \
  "$quickmart" serve auth --listen "127.0.0.1:${port[auth]}" --storage "sqlite:$work/auth.db" \
  --log-level warn >"$work/auth.log" 2>&1 &
pid[auth]=$!

# start_gateway NAME ARGS...: a gateway whose product and cart upstream is the static nginx
# (order, delivery and notification must be named too; no row calls them). No token secret:
# a token is only ever accepted through auth's introspection.
start_gateway() {
  local name=$1
  shift
  QUICKMART_CONTEXT_SECRET=$context_secret \
    "$quickmart" serve gateway --listen "127.0.0.1:${port[$name]}" --log-level warn \
    --auth-url "http://127.0.0.1:${port[auth]}" --product-url "$upstream" --cart-url "$upstream" \
    --order-url "$upstream" --delivery-url "$upstream" --notification-url "$upstream" \
    "$@" >"$work/$name.log" 2>&1 &
  pid[$name]=$!
}
start_gateway gw_open --rate-limit-enabled 0
start_gateway gw_memory --rate-limit-enabled 1 --rate-limit-general 100000/1s
if [ -n "$redis_bin" ]; then
  start_gateway gw_redis --rate-limit-enabled 1 --rate-limit-general 100000/1s \
    --redis-url "redis://127.0.0.1:${port[redis]}"
fi
wait_http auth "http://127.0.0.1:${port[auth]}/health"
for name in gw_open gw_memory gw_redis; do
  if [ -n "${pid[$name]:-}" ]; then
    wait_http "$name" "http://127.0.0.1:${port[$name]}/health"
  fi
done

# One customer, straight at auth.
auth=http://127.0.0.1:${port[auth]}
credentials='{"email":"bench-gateway@example.com","password":"bench-gateway-password"'
status=$(curl -sS --max-time 10 -o "$work/reply.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data "$credentials,\"name\":\"Bench customer\"}" "$auth/auth/register") || die "register: no answer"
[ "$status" = 201 ] || die "register answered $status: $(head -c 300 "$work/reply.json")"
status=$(curl -sS --max-time 10 -o "$work/reply.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data "$credentials}" "$auth/auth/login") || die "login: no answer"
[ "$status" = 200 ] || die "login answered $status: $(head -c 300 "$work/reply.json")"
token=$(jq -r .access_token "$work/reply.json")
if [ -z "$token" ] || [ "$token" = null ]; then
  die "login gave no access_token"
fi

# ------------------------------------------------------------------ the rows
rows=(a b c)
declare -A label=(
  [a]="nginx proxy_pass"
  [b]="gateway, open route, no rate limit"
  [c]="gateway, Bearer + memory rate limit"
  [d]="gateway, Bearer + Redis rate limit"
)
declare -A url=(
  [a]="http://127.0.0.1:${port[proxy]}/products"
  [b]="http://127.0.0.1:${port[gw_open]}/products"
  [c]="http://127.0.0.1:${port[gw_memory]}/cart"
)
declare -A expected=([a]=$products_json [b]=$products_json [c]=$cart_json)
declare -A row_pid=([c]=${pid[gw_memory]})
if [ -n "$redis_bin" ]; then
  rows+=(d)
  url[d]="http://127.0.0.1:${port[gw_redis]}/cart"
  expected[d]=$cart_json
  row_pid[d]=${pid[gw_redis]}
fi
header_of() {
  case "$1" in
    c | d) echo "Authorization: Bearer $token" ;;
    *) echo "X-Bench: $1" ;;
  esac
}

# Each row answers the upstream's body before it is loaded (for c and d this also warms the
# gateway's token cache: auth is asked here, then once per auth_cache_ttl_s).
for r in "${rows[@]}"; do
  body=$(curl -sS --max-time 5 -H "$(header_of "$r")" "${url[$r]}") || die "row $r: no answer from ${url[$r]}"
  [ "$body" = "${expected[$r]}" ] || die "row $r: ${url[$r]} answered $(head -c 300 <<<"$body")"
done


# measure ROW ROUND: one measured wrk run of the row; appends "rps p50_ms p99_ms" to its results.
measure() {
  local r=$1 round=$2 out rate median tail
  if [ -n "$perf_dir" ] && [ "$r" = c ] && [ "$round" -eq 1 ]; then
    perf record -g -o "$perf_dir/gateway-c.perf.data" -p "${row_pid[c]}" -- sleep "$duration_s" \
      >"$work/perf.log" 2>&1 &
    perf_pid=$!
  fi
  timeout --kill-after=5 $((duration_s + 30)) wrk -t1 -c"$connections" -d"${duration_s}s" --latency \
    -H "$(header_of "$r")" "${url[$r]}" >"$work/wrk-$r-$round.out" || die "row $r: wrk failed"
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    perf_pid=""
  fi
  out=$(cat "$work/wrk-$r-$round.out")
  if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
    echo "$out" >&2
    die "row $r: answers other than 2xx (a refusal would make the row look fast)"
  fi
  if grep -q 'Socket errors' <<<"$out"; then
    echo "$out" >&2
    die "row $r: socket errors"
  fi
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  median=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  tail=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  [ -n "$rate" ] || { echo "$out" >&2; die "row $r: wrk printed no rate"; }
  echo "$rate $median $tail" >>"$work/results-$r"
  for name in "${!pid[@]}"; do
    qm_alive "${pid[$name]}" || die "$name exited during row $r"
  done
}

# Every row warmed up first, then the measured runs round-robin (a b c d a b c d ...), so a
# change in the machine's load during the run touches every row about alike.
if [ "$warmup_s" -gt 0 ]; then
  for r in "${rows[@]}"; do
    timeout --kill-after=5 $((warmup_s + 30)) wrk -t1 -c"$connections" -d"${warmup_s}s" \
      -H "$(header_of "$r")" "${url[$r]}" >/dev/null || die "row $r: warm-up wrk failed"
  done
fi
for round in $(seq 1 "$rounds"); do
  for r in "${rows[@]}"; do
    measure "$r" "$round"
  done
done

declare -A rps=() p50=() p99=()
for r in "${rows[@]}"; do
  rps[$r]=$(median_of 1 "$work/results-$r")
  p50[$r]=$(median_of 2 "$work/results-$r")
  p99[$r]=$(median_of 3 "$work/results-$r")
done

# ------------------------------------------------------------------ report
ratio() { awk -v x="${rps[$1]}" -v y="${rps[$2]}" 'BEGIN { printf "%.2f", x / y }'; }
printf 'gateway overhead: wrk -t1 -c%s -d%ss --latency on loopback, %s round(s), %ss warm-up per row (%s cores, shared by every process)\n' \
  "$connections" "$duration_s" "$rounds" "$warmup_s" "$(nproc)"
printf '  upstream: nginx (1 worker) returning static JSON for /products (%s B) and /cart (%s B)\n' \
  "${#products_json}" "${#cart_json}"
printf '  %-3s %-38s %12s %10s %10s\n' row setup "requests/s" "p50 ms" "p99 ms"
for r in "${rows[@]}"; do
  printf '  %-3s %-38s %12.0f %10.3f %10.3f\n' "$r" "${label[$r]}" "${rps[$r]}" "${p50[$r]}" "${p99[$r]}"
done
if [ -z "$redis_bin" ]; then
  printf '  d   (skipped: redis-server is not installed)\n'
fi
printf '  throughput ratios: b/a %s  c/b %s  c/a %s' "$(ratio b a)" "$(ratio c b)" "$(ratio c a)"
if [ -n "$redis_bin" ]; then
  printf '  d/c %s' "$(ratio d c)"
fi
printf '\n'
if [ "$rounds" -gt 1 ]; then
  printf '  each figure is the median of the row'"'"'s %s measured runs; requests/s of each run:\n' "$rounds"
  for r in "${rows[@]}"; do
    printf '    %s %s\n' "$r" "$(cut -d' ' -f1 "$work/results-$r" | awk '{ printf "%s%.0f", (NR > 1 ? "  " : ""), $1 }')"
  done
fi
if [ -n "$perf_dir" ]; then
  # Self time by library, then by symbol (the build has no frame pointers: call chains are
  # partial, self time is what to read).
  for fields in overhead,dso overhead,dso,sym; do
    perf report -i "$perf_dir/gateway-c.perf.data" --no-children --stdio -F "$fields" -g none \
      --percent-limit 0.2 2>/dev/null | grep -v -e '^#' -e '^$' | sed 's/ *$//' | cut -c1-200 || true
  done >"$perf_dir/gateway-c.perf.txt"
  printf '  perf profile of row c (round 1): %s, flat report %s\n' \
    "$perf_dir/gateway-c.perf.data" "$perf_dir/gateway-c.perf.txt"
fi
