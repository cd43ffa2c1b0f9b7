#!/usr/bin/env bash
# Macro benchmark: checkout throughput and latency of the whole shop on real processes.
# Starts the seven services (`quickmart serve`) on free loopback ports, each database service
# on its own SQLite file in a scratch directory (or, with QM_BENCH_STORAGE=postgres, on its
# own database of a private PostgreSQL cluster from scripts/lib/servers.sh, fsync off), seeds
# the catalogue and one customer per connection through the gateway, then loads the gateway
# with wrk (bench/http/checkout.lua): every connection is one customer alternating
# POST /cart/items and POST /orders/checkout with a fresh Idempotency-Key.
# Prints checkouts acknowledged (201) per second, checkout latency p50/p99 measured per
# checkout, and every non-2xx answer by step and status. Exits non-zero when a 5xx other than
# 503 was answered or when no checkout succeeded. Every wait is bounded; a trap stops every
# process it started and removes the scratch directory.
#
#   bench/http/checkout_load.sh [BUILD_DIR=build] [seconds=10] [connections=64] [threads=2]
#
#   QM_BENCH_STORAGE   sqlite (default) or postgres
#   QM_BENCH_PRODUCTS  products in the catalogue (default 50, stock 1000000 each)
#   QM_BENCH_WARMUP_S  unmeasured load before the measured run (default 2; 0: none)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${1:-$root/build}
duration_s=${2:-10}
connections=${3:-64}
threads=${4:-2}
storage=${QM_BENCH_STORAGE:-sqlite}
product_count=${QM_BENCH_PRODUCTS:-50}
warmup_s=${QM_BENCH_WARMUP_S:-2}
quickmart=$build_dir/quickmart
lua_script=$root/bench/http/checkout.lua

# usage, is_count, show_logs, die, wait_http
# shellcheck source=../../scripts/lib/bench.sh
source "$root/scripts/lib/bench.sh"
[ -x "$quickmart" ] || usage "$quickmart is missing (build the quickmart target)"
command -v wrk >/dev/null 2>&1 || usage "wrk is missing (run scripts/setup)"
for tool in curl jq python3; do
  command -v "$tool" >/dev/null 2>&1 || usage "$tool is missing"
done
is_count "$duration_s" 1 600 || usage "seconds must be 1..600"
is_count "$threads" 1 16 || usage "threads must be 1..16"
is_count "$connections" "$threads" 512 || usage "connections must be $threads..512"
[ $((connections % threads)) -eq 0 ] || usage "connections must be a multiple of threads (wrk gives each thread connections/threads)"
is_count "$product_count" 1 100 || usage "QM_BENCH_PRODUCTS must be 1..100"
is_count "$warmup_s" 0 60 || usage "QM_BENCH_WARMUP_S must be 0..60"
case "$storage" in
  sqlite | postgres) ;;
  *) usage "QM_BENCH_STORAGE must be sqlite or postgres" ;;
esac

services=(auth product cart order delivery notification gateway)
db_services=(auth product cart order delivery)
declare -A pid=()
declare -A port=()
pg_used=0
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-checkout-bench.XXXXXX")
# shellcheck source=../../scripts/lib/processes.sh
source "$root/scripts/lib/processes.sh"

# Every service still running gets SIGTERM together, 5 s to finish, then SIGKILL.
cleanup() {
  local p all=()
  for p in "${pid[@]}"; do all+=("$p"); done
  qm_stop_pids "${all[@]}"
  if [ $pg_used -eq 1 ]; then
    qm_stop_servers
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ the services
read -r -a free_ports < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(7)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')
[ ${#free_ports[@]} -eq ${#services[@]} ] || die "no free loopback ports"
for i in "${!services[@]}"; do
  port[${services[$i]}]=${free_ports[$i]}
done
for s in auth product cart order delivery notification; do
  export "QUICKMART_${s^^}_URL=http://127.0.0.1:${port[$s]}"
done
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
admin_email=bench-admin@example.com
admin_password="bench-admin-$(hex 16)"
QUICKMART_CONTEXT_SECRET="bench-context-$(hex 24)"
QUICKMART_TOKEN_SECRET="bench-token-$(hex 24)"
export QUICKMART_CONTEXT_SECRET QUICKMART_TOKEN_SECRET
export QUICKMART_ADMIN_EMAIL=$admin_email
export QUICKMART_ADMIN_PASSWORD=$admin_password
export QUICKMART_SCRYPT_N=1024

declare -A storage_of=()
if [ "$storage" = postgres ]; then
  # shellcheck source=../../scripts/lib/servers.sh
  source "$root/scripts/lib/servers.sh"
  pg_used=1
  qm_start_postgres >/dev/null || die "PostgreSQL did not start"
  for s in "${db_services[@]}"; do
    "$QM_PG_BIN/createdb" -h 127.0.0.1 -p "$QM_PG_PORT" -U quickmart "bench_${s}" ||
      die "cannot create database bench_${s}"
    storage_of[$s]="postgresql://quickmart@127.0.0.1:$QM_PG_PORT/bench_${s}"
  done
  storage_label="PostgreSQL (private cluster, one database each, fsync off)"
else
  for s in "${db_services[@]}"; do
    storage_of[$s]="sqlite:$work/$s.db"
  done
  storage_label="SQLite (one file each)"
fi

for s in "${services[@]}"; do
  args=(serve "$s" --listen "127.0.0.1:${port[$s]}" --log-level warn)
  if [ -n "${storage_of[$s]:-}" ]; then
    args+=(--storage "${storage_of[$s]}")
  fi
  if [ "$s" = gateway ]; then
    # The rate limiter stays in the path (its cost is part of a checkout), at limits this
    # load cannot reach: one address registers every customer, the admin seeds the whole
    # catalogue in a burst, and each customer sends far more than a person would.
    args+=(--rate-limit-auth 100000/1m --rate-limit-admin 100000/1m --rate-limit-general 100000/1m)
  fi
  "$quickmart" "${args[@]}" >"$work/$s.log" 2>&1 &
  pid[$s]=$!
done
for s in "${services[@]}"; do
  wait_http "$s" "http://127.0.0.1:${port[$s]}/health"
done

# ------------------------------------------------------------------ seeding
gateway=http://127.0.0.1:${port[gateway]}
# call METHOD PATH TOKEN BODY EXPECTED_STATUS: prints the reply body; dies on another status.
call() {
  local method=$1 path=$2 token=$3 body=$4 expected=$5 status
  local options=()
  if [ -n "$token" ]; then options+=(-H "Authorization: Bearer $token"); fi
  if [ -n "$body" ]; then options+=(-H 'Content-Type: application/json' --data "$body"); fi
  status=$(curl -sS --max-time 10 -o "$work/reply.json" -w '%{http_code}' -X "$method" \
    "${options[@]}" "$gateway$path") ||
    die "$method $path: no answer"
  [ "$status" = "$expected" ] || die "$method $path answered $status: $(head -c 300 "$work/reply.json")"
  cat "$work/reply.json"
}

admin_token=$(call POST /auth/login "" \
  "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" 200 | jq -r .access_token)
category_id=$(call POST /admin/categories "$admin_token" '{"name":"Bench staples"}' 201 | jq -r .id)
product_ids=()
for i in $(seq 1 "$product_count"); do
  product_id=$(call POST /admin/products "$admin_token" \
    "{\"category_id\":$category_id,\"name\":\"Bench item $i\",\"price_paise\":$((2000 + 150 * i)),\"stock\":1000000}" \
    201 | jq -r .id)
  product_ids+=("$product_id")
done
products_csv=$(IFS=,; echo "${product_ids[*]}")
: >"$work/tokens"
for i in $(seq 1 "$connections"); do
  credentials="{\"email\":\"bench-customer-$i@example.com\",\"password\":\"bench-password-$i\""
  call POST /auth/register "" "$credentials,\"name\":\"Bench customer $i\"}" 201 >/dev/null
  call POST /auth/login "" "$credentials}" 200 | jq -r .access_token >>"$work/tokens"
done

# ------------------------------------------------------------------ load
# run_wrk TAG SECONDS: wrk with the checkout script; its report lines go to stdout.
run_wrk() {
  QM_BENCH_TOKENS="$work/tokens" QM_BENCH_PRODUCTS="$products_csv" QM_BENCH_THREADS="$threads" \
  QM_BENCH_RUN="$1" \
    timeout --kill-after=5 $(($2 + 30)) wrk -t"$threads" -c"$connections" -d"${2}s" --timeout 10s \
      -s "$lua_script" "$gateway" || die "wrk failed (status $?)"
}
if [ "$warmup_s" -gt 0 ]; then
  run_wrk "w$(hex 3)" "$warmup_s" >/dev/null
  # wrk stops with requests still in flight: a checkout still running on the server would take
  # the measured run's first cart adds into its order. Let them finish, then start every
  # customer from an empty cart.
  sleep 3
  while read -r token; do
    call DELETE /cart "$token" "" 204 >/dev/null
  done <"$work/tokens"
fi
run_wrk "m$(hex 3)" "$duration_s" >"$work/wrk.out"

declare -A figure=()
declare -A add_status=()
declare -A checkout_status=()
while read -r key a b; do
  case "$key" in
    add_status) add_status[$a]=$b ;;
    checkout_status) checkout_status[$a]=$b ;;
    duration_s | add_ok | add_p50_ms | add_p99_ms | checkout_ok | checkout_p50_ms | checkout_p99_ms | \
      lost | stray | socket_errors | wrk_requests | wrk_p50_ms | wrk_p99_ms) figure[$key]=$a ;;
  esac
done <"$work/wrk.out"
[ -n "${figure[duration_s]:-}" ] || { cat "$work/wrk.out" >&2; die "wrk printed no report"; }

orders_stored=$(call GET /admin/stats "$admin_token" "" 200 |
  jq -r '[.order.orders_by_status // {} | .[]] | add // "unknown"')

# ------------------------------------------------------------------ report
acknowledged=${checkout_status[201]:-0}
rate() { awk -v n="$1" -v s="${figure[duration_s]}" 'BEGIN { printf "%.1f", n / s }'; }
# non_2xx STEP: "409 x12, 503 x3" or "none"
non_2xx() {
  local -n by_status=$1
  local status text=""
  for status in $(printf '%s\n' "${!by_status[@]}" | sort -n); do
    if [ "$status" -lt 200 ] || [ "$status" -ge 300 ]; then
      text+="${text:+, }$status x${by_status[$status]}"
    fi
  done
  echo "${text:-none}"
}
printf 'POST /orders/checkout under load: wrk -t%s -c%s -d%ss on loopback (%s cores, shared with the services)\n' \
  "$threads" "$connections" "$duration_s" "$(nproc)"
printf '  services               7 processes, database services on %s\n' "$storage_label"
printf '  customers              %s (one per connection: add one unit to the cart, check out, repeat)\n' "$connections"
printf '  catalogue              %s products\n' "$product_count"
printf '  measured               %s s (after %s s of warm-up)\n' "${figure[duration_s]}" "$warmup_s"
printf '  checkouts acknowledged %s (201), %s/s\n' "$acknowledged" "$(rate "$acknowledged")"
printf '  checkout latency       p50 %s ms, p99 %s ms (each 2xx checkout, request written to reply read)\n' \
  "${figure[checkout_p50_ms]}" "${figure[checkout_p99_ms]}"
printf '  cart add latency       p50 %s ms, p99 %s ms (each 2xx POST /cart/items)\n' \
  "${figure[add_p50_ms]}" "${figure[add_p99_ms]}"
printf '  all requests           %s (%s/s), p50 %s ms, p99 %s ms (wrk, both steps)\n' \
  "${figure[wrk_requests]}" "$(rate "${figure[wrk_requests]}")" "${figure[wrk_p50_ms]}" "${figure[wrk_p99_ms]}"
printf '  non-2xx checkouts      %s\n' "$(non_2xx checkout_status)"
printf '  non-2xx cart adds      %s\n' "$(non_2xx add_status)"
printf '  socket errors          %s; requests lost with a connection %s; unmatched replies %s\n' \
  "${figure[socket_errors]}" "${figure[lost]}" "${figure[stray]}"
printf '  orders stored          %s (warm-up included, per GET /admin/stats)\n' "$orders_stored"

failed=0
for status in "${!checkout_status[@]}" "${!add_status[@]}"; do
  if [ "$status" -ge 500 ] && [ "$status" -ne 503 ]; then
    failed=1
  fi
done
if [ $failed -eq 1 ]; then
  echo "bench: FAIL: a 5xx other than 503 was answered" >&2
  show_logs
  exit 1
fi
if [ "$acknowledged" -eq 0 ]; then
  echo "bench: FAIL: no checkout succeeded" >&2
  show_logs
  exit 1
fi
