#!/usr/bin/env bash
# Metrics end to end: `quickmart serve auth`, `product` and `gateway` on loopback (SQLite
# files, for speed) scraped by a real Prometheus of this test's own (scrape_interval 1s, a
# generated config, a temporary data directory). Checks:
#  1. every scrape passes `promtool check metrics`;
#  2. after traffic through the gateway, Prometheus answers (through its HTTP API)
#     sum by (service) (http_requests_total) > 0 for each of the three services, and
#     circuit_breaker_state{upstream="auth"} exists (the gateway's, value 0: closed);
#  3. GET /metrics answers per-route quantiles, and every metric docs/observability.md lists
#     as emitted by all services is in each scrape;
#  4. bounded in time (under 60 s); the EXIT trap stops every process and the test fails if
#     one is left running.
set -u
quickmart=$1
root=$2
# shellcheck source=../../../scripts/lib/servers.sh
source "$root/scripts/lib/servers.sh"
# shellcheck source=../../../scripts/lib/processes.sh
source "$root/scripts/lib/processes.sh"

started_s=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-prom-e2e.XXXXXX")
pids=()
cleanup() {
  qm_stop_pids "${pids[@]}"
  if qm_alive "${pids[@]}"; then
    echo "FAIL: a process outlived the test: $(for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && echo "$p"; done)"
    kill -KILL "${pids[@]}" 2>/dev/null
    rm -rf "$work"
    exit 1
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# An interrupted run cleans up too (EXIT alone does not run when a signal ends the shell).
trap 'exit 130' INT
trap 'exit 143' TERM HUP PIPE

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
show_logs() {
  for name in auth product gateway prometheus; do
    echo "--- $name log"; tail -n 20 "$work/$name.log" 2>/dev/null
  done
}
die() { echo "FAIL: $*"; show_logs; exit 1; }
note() { echo "[$((SECONDS - started_s)) s] $*"; }

for tool in prometheus promtool jq curl; do
  command -v "$tool" >/dev/null || die "$tool not found (run scripts/setup)"
done

{ read -r auth_port; read -r product_port; read -r gateway_port; read -r prom_port; read -r closed_port; } \
  < <(qm_free_ports 5)
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export QUICKMART_CONTEXT_SECRET="ctx-$(hex 24)"
closed="http://127.0.0.1:$closed_port"

QUICKMART_TOKEN_SECRET="tok-$(hex 24)" QUICKMART_DATABASE_URL="sqlite:$work/auth.db" QUICKMART_SCRYPT_N=1024 \
  "$quickmart" serve auth --listen "127.0.0.1:$auth_port" >"$work/auth.log" 2>&1 &
pids+=($!)
QUICKMART_DATABASE_URL="sqlite:$work/product.db" \
  "$quickmart" serve product --listen "127.0.0.1:$product_port" >"$work/product.log" 2>&1 &
pids+=($!)
QUICKMART_AUTH_URL="http://127.0.0.1:$auth_port" QUICKMART_PRODUCT_URL="http://127.0.0.1:$product_port" \
QUICKMART_CART_URL=$closed QUICKMART_ORDER_URL=$closed QUICKMART_DELIVERY_URL=$closed \
QUICKMART_NOTIFICATION_URL=$closed \
  "$quickmart" serve gateway --listen "127.0.0.1:$gateway_port" --upstream-timeout-ms 2000 \
  >"$work/gateway.log" 2>&1 &
pids+=($!)

ports=("$auth_port" "$product_port" "$gateway_port")
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health/ready")" = 200 ]; }
all_ready() {
  local p
  for p in "${ports[@]}"; do ready "$p" || return 1; done
}
for _ in $(seq 60); do
  all_ready && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "a service exited"; done
  sleep 0.25
done
all_ready || die "services not ready within 15 s"
note "services ready"

# Prometheus of our own: loopback only, a scratch data directory, every second.
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: quickmart
    metrics_path: /metrics/prometheus
    static_configs:
      - targets: ['127.0.0.1:$auth_port', '127.0.0.1:$product_port', '127.0.0.1:$gateway_port']
EOF
promtool check config "$work/prometheus.yml" >/dev/null || die "promtool rejects the generated config"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom-data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$prom_port"

# Traffic through the gateway: a sign-up and a login (auth), catalogue reads (product), a
# path no route matches, and the gateway's own readiness.
email="prom-$RANDOM@example.com"
password="prom-password-$RANDOM-$RANDOM"
gw() {
  local args=(-s -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" "http://127.0.0.1:$gateway_port$2")
  if [ -n "${3:-}" ]; then args+=(-H 'Content-Type: application/json' --data "$3"); fi
  curl "${args[@]}" || true
}
code=$(gw POST /auth/register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Prom\"}")
[ "$code" = 201 ] || fail "register through the gateway: $code"
code=$(gw POST /auth/login "{\"email\":\"$email\",\"password\":\"$password\"}")
[ "$code" = 200 ] || fail "login through the gateway: $code"
for _ in 1 2 3 4 5; do
  code=$(gw GET /products)
  [ "$code" = 200 ] || fail "GET /products through the gateway: $code"
done
code=$(gw GET "/no/such/route/$RANDOM")
[ "$code" = 404 ] || fail "an unknown path: $code, want 404"
note "traffic sent"

# 1. Each service's exposition is valid, and holds the series every service exports.
scrape() { curl -s --max-time 2 "http://127.0.0.1:$1/metrics/prometheus"; }
for p in "${ports[@]}"; do
  scrape "$p" >"$work/scrape-$p.txt"
  [ -s "$work/scrape-$p.txt" ] || fail "empty scrape from port $p"
  if ! promtool check metrics <"$work/scrape-$p.txt" >"$work/promtool-$p.txt" 2>&1; then
    fail "promtool check metrics on port $p: $(head -c 2000 "$work/promtool-$p.txt")"
  fi
  content_type=$(curl -s -o /dev/null -w '%{content_type}' --max-time 2 "http://127.0.0.1:$p/metrics/prometheus")
  [ "$content_type" = "text/plain; version=0.0.4; charset=utf-8" ] || fail "port $p: Content-Type '$content_type'"
done

# 3. The catalogue: every metric docs/observability.md lists as emitted by all services is
# in each scrape (a family with no series yet counts when its TYPE line is there). GET
# /metrics (JSON) is asked first: it reads http_request_errors_total for every route served,
# so the family exists on a service that has answered no 5xx.
for p in "${ports[@]}"; do
  report=$(curl -s --max-time 2 "http://127.0.0.1:$p/metrics")
  routes=$(jq -r '.routes | length' <<<"$report" 2>/dev/null)
  { [[ "$routes" =~ ^[0-9]+$ ]] && [ "$routes" -ge 1 ]; } || fail "port $p: GET /metrics has no routes: $report"
  jq -e '.routes[0] | has("p50_s") and has("p95_s") and has("p99_s")' <<<"$report" >/dev/null 2>&1 ||
    fail "port $p: GET /metrics has no quantiles: $report"
  scrape "$p" >"$work/scrape-$p.txt"
done
catalogue="$root/docs/observability.md"
if [ -f "$catalogue" ]; then
  # Table rows | `name` | type | labels | emitted by | meaning | whose "emitted by" is "all".
  names=$(awk -F'|' '{ who = $5; gsub(/ /, "", who) } who == "all" && match($2, /`[a-z_:]+`/) { print substr($2, RSTART + 1, RLENGTH - 2) }' "$catalogue" | sort -u)
  [ -n "$names" ] || fail "no metric in $catalogue is marked as emitted by all services"
  for p in "${ports[@]}"; do
    for name in $names; do
      grep -qE "^(${name}(_bucket|_sum|_count)?(\{| )|# TYPE ${name} )" "$work/scrape-$p.txt" ||
        fail "port $p does not export $name (listed for all services in docs/observability.md)"
    done
  done
else
  fail "$catalogue is missing: the catalogue check cannot run"
fi

# 2. Prometheus has scraped them all and answers PromQL through its HTTP API.
query() { curl -s --max-time 2 --get "$prom/api/v1/query" --data-urlencode "query=$1"; }
deadline=$((SECONDS + 25))
services=""
until [ $SECONDS -ge $deadline ]; do
  services=$(query 'sum by (service) (http_requests_total) > 0' 2>/dev/null |
             jq -r '.data.result[]?.metric.service' 2>/dev/null | sort | tr '\n' ' ')
  [ "$services" = "auth gateway product " ] && break
  sleep 0.5
done
[ "$services" = "auth gateway product " ] ||
  fail "sum by (service) (http_requests_total) > 0 names '$services', want auth gateway product"
note "Prometheus has http_requests_total of every service"
up=$(query 'sum(up{job="quickmart"})' | jq -r '.data.result[0].value[1]')
[ "$up" = 3 ] || fail "up: $up of 3 targets"
breaker=$(query 'circuit_breaker_state{upstream="auth"}')
[ "$(jq -r '.data.result | length' <<<"$breaker")" = 1 ] || fail "circuit_breaker_state{upstream=\"auth\"}: $breaker"
[ "$(jq -r '.data.result[0].metric.service' <<<"$breaker")" = gateway ] || fail "the auth breaker is not the gateway's: $breaker"
[ "$(jq -r '.data.result[0].value[1]' <<<"$breaker")" = 0 ] || fail "the auth breaker is not closed: $breaker"
build=$(query 'quickmart_build_info' | jq -r '.data.result | length')
[ "$build" = 3 ] || fail "quickmart_build_info: $build series, want 3"

elapsed_s=$((SECONDS - started_s))
[ $elapsed_s -lt 60 ] || fail "the test took ${elapsed_s} s, want under 60"
if [ $failures -ne 0 ]; then
  show_logs
  echo "$failures prometheus e2e checks failed"
  exit 1
fi
echo "prometheus e2e: promtool accepts every scrape; Prometheus answers http_requests_total for auth, gateway, product and the gateway's closed auth breaker; ${elapsed_s} s"
