#!/usr/bin/env bash
# Rate limiting end to end on real processes: a private PostgreSQL for auth, a redis-server of
# this test's own (so it can kill and restart it), `quickmart serve auth` and
# `quickmart serve gateway` sharing its limits through that Redis. Checks:
#  1. 20 logins a minute from one address pass, the 21st is a 429 with the rate-limit fields,
#     and Redis holds the log rl:auth:ip:127.0.0.1 with 20 entries.
#  2. Redis killed: limits still hold (the in-memory shadow continues from the same history),
#     answers are 200 then 429, never 5xx, never slow; the gateway logs the fallback.
#  3. Redis back on the same port: within seconds the gateway logs "back on the kv" and new
#     decisions are made (and recorded) in Redis again.
#  4. Bounded in time (under 60 s), no secret logged, every process stopped by the EXIT trap.
# GET /auth/me is open at the gateway (auth checks its own token), so it is limited by client
# address in the general class; distinct subjects come from distinct loopback source
# addresses (127.0.0.2, 127.0.0.3: Linux routes all of 127/8 to lo).
set -u
quickmart=$1
root=$2
# shellcheck source=../../../scripts/lib/servers.sh
source "$root/scripts/lib/servers.sh"

started_s=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-rl-e2e.XXXXXX")
auth_pid=""
gateway_pid=""
redis_pid=""
cleanup() {
  for pid in $gateway_pid $auth_pid $redis_pid; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in $gateway_pid $auth_pid $redis_pid; do
    wait "$pid" 2>/dev/null || true
  done
  qm_stop_servers
  rm -rf "$work"
}
trap cleanup EXIT
# An interrupted run cleans up too (EXIT alone does not run when a signal ends the shell).
trap 'exit 130' INT
trap 'exit 143' TERM HUP PIPE

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
show_logs() {
  echo "--- auth log"; tail -n 30 "$work/auth.log"
  echo "--- gateway log"; tail -n 40 "$work/gateway.log"
  echo "--- redis log"; tail -n 10 "$work/redis/redis.log" 2>/dev/null
}
die() { echo "FAIL: $*"; show_logs; exit 1; }
note() { echo "[$((SECONDS - started_s)) s] $*"; }

for tool in redis-server redis-cli; do
  command -v "$tool" >/dev/null || die "$tool not found (run scripts/setup)"
done

qm_start_postgres >/dev/null || die "PostgreSQL did not start"
note "PostgreSQL up"
pg_url=$QUICKMART_TEST_PG_URL
# Four distinct ports at once (the last one stays closed: the services the gateway never reaches).
{ read -r auth_port; read -r gateway_port; read -r redis_port; read -r closed_port; } < <(qm_free_ports 4)
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
token_secret="rl-e2e-$(hex 24)"
context_secret="ctx-$(hex 24)"
redis_password="redis-$(hex 16)"
export QUICKMART_CONTEXT_SECRET=$context_secret
password="rl-password-$RANDOM-$RANDOM"

# The test's own Redis, with a password (it must never reach a log). In the foreground of a
# background job, so $! is the server itself and kill -9 is a crash.
mkdir -p "$work/redis"
start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis" \
    --requirepass "$redis_password" --logfile "$work/redis/redis.log" >/dev/null 2>&1 &
  redis_pid=$!
  local waited=0
  until [ "$(rcli ping 2>/dev/null)" = PONG ]; do
    waited=$((waited + 1))
    [ $waited -le 50 ] || return 1
    kill -0 "$redis_pid" 2>/dev/null || return 1
    sleep 0.1
  done
}
# redis-cli reads the password from the environment, not from its command line.
rcli() { REDISCLI_AUTH=$redis_password redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
start_redis || die "redis-server did not start on port $redis_port"

QUICKMART_TOKEN_SECRET=$token_secret QUICKMART_DATABASE_URL=$pg_url QUICKMART_SCRYPT_N=1024 \
  "$quickmart" serve auth --listen "127.0.0.1:$auth_port" --db-timeout-ms 1000 >"$work/auth.log" 2>&1 &
auth_pid=$!
# Only auth runs; the other upstreams point at a closed port. The general class is kept low
# so the outage drill stays short; the auth class keeps its default (20/1m), which is checked.
closed="http://127.0.0.1:$closed_port"
QUICKMART_REDIS_URL="redis://:$redis_password@127.0.0.1:$redis_port" \
QUICKMART_AUTH_URL="http://127.0.0.1:$auth_port" QUICKMART_PRODUCT_URL=$closed QUICKMART_CART_URL=$closed \
QUICKMART_ORDER_URL=$closed QUICKMART_DELIVERY_URL=$closed QUICKMART_NOTIFICATION_URL=$closed \
  "$quickmart" serve gateway --listen "127.0.0.1:$gateway_port" --upstream-timeout-ms 3000 \
  --rate-limit-general 10/1m >"$work/gateway.log" 2>&1 &
gateway_pid=$!

# req PORT METHOD PATH [BODY] [TOKEN]: prints the status (000 when nothing answered); the
# body goes to $work/body, the response header to $work/head. $from: the source address.
from=127.0.0.1
req() {
  local args=(-s -o "$work/body" -D "$work/head" -w '%{http_code}' --max-time 5 --interface "$from"
              -X "$2" "http://127.0.0.1:$1$3")
  if [ -n "${4:-}" ]; then args+=(-H 'Content-Type: application/json' --data "$4"); fi
  if [ -n "${5:-}" ]; then args+=(-H "Authorization: Bearer $5"); fi
  : >"$work/body"; : >"$work/head"
  local code
  code=$(curl "${args[@]}") || true
  echo "${code:-000}"
}
gw() { req "$gateway_port" "$@"; }
# header NAME: the value of a field of the last response ("" when absent).
header() { tr -d '\r' <"$work/head" | awk -v n="$1" 'BEGIN { n = tolower(n) } { i = index($0, ":"); if (i > 0 && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/body" "$1"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Both answer /health within 15 s, or the test stops (a service that exits is not waited for).
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health")" = 200 ]; }
for _ in $(seq 60); do
  if healthy "$auth_port" && healthy "$gateway_port"; then break; fi
  for name in auth gateway; do
    pid_var="${name}_pid"
    kill -0 "${!pid_var}" 2>/dev/null || die "$name exited"
  done
  sleep 0.25
done
{ healthy "$auth_port" && healthy "$gateway_port"; } || die "services did not become healthy in 15 s"
note "services healthy"
# The account is registered at auth directly, so that no credential request but the 21
# below passes the gateway's auth class.
code=$(req "$auth_port" POST /auth/register "{\"email\":\"rl@example.com\",\"password\":\"$password\",\"name\":\"Rl\"}")
[ "$code" = 201 ] || die "register at auth: $code $(cat "$work/body")"

# --- 1. The auth class: 20 a minute per address, then 429.
good="{\"email\":\"rl@example.com\",\"password\":\"$password\"}"
bad="{\"email\":\"rl@example.com\",\"password\":\"wrong-$RANDOM\"}"
code=$(gw POST /auth/login "$good")
[ "$code" = 200 ] || die "login through the gateway: $code $(cat "$work/body")"
access=$(field access_token)
[ "$(header X-RateLimit-Limit)" = 20 ] || fail "an admitted login carries X-RateLimit-Limit '$(header X-RateLimit-Limit)', want 20"
[ "$(header X-RateLimit-Remaining)" = 19 ] || fail "the first login leaves X-RateLimit-Remaining '$(header X-RateLimit-Remaining)', want 19"
for i in $(seq 2 20); do
  code=$(gw POST /auth/login "$bad")
  [ "$code" = 401 ] || fail "login #$i (a wrong password) got $code, want 401"
done
[ "$(header X-RateLimit-Remaining)" = 0 ] || fail "the 20th login leaves X-RateLimit-Remaining '$(header X-RateLimit-Remaining)', want 0"
code=$(gw POST /auth/login "$good")
[ "$code" = 429 ] || fail "the 21st login within a minute got $code, want 429"
[ "$(header X-RateLimit-Limit)" = 20 ] || fail "429: X-RateLimit-Limit '$(header X-RateLimit-Limit)', want 20"
[ "$(header X-RateLimit-Remaining)" = 0 ] || fail "429: X-RateLimit-Remaining '$(header X-RateLimit-Remaining)', want 0"
retry=$(header Retry-After)
{ [[ "$retry" =~ ^[0-9]+$ ]] && [ "$retry" -ge 1 ] && [ "$retry" -le 60 ]; } || fail "429: Retry-After '$retry', want 1..60"
reset=$(header X-RateLimit-Reset)
{ [[ "$reset" =~ ^[0-9]+$ ]] && [ "$reset" -ge 1 ] && [ "$reset" -le 60 ]; } || fail "429: X-RateLimit-Reset '$reset', want 1..60"
[[ "$(header RateLimit-Policy)" == *'q=20;w=60'* ]] || fail "429: RateLimit-Policy '$(header RateLimit-Policy)'"
[[ "$(header RateLimit)" == *'r=0;'* ]] || fail "429: RateLimit '$(header RateLimit)'"
grep -q rate_limited "$work/body" || fail "429 body: $(cat "$work/body")"
members=$(rcli ZCARD rl:auth:ip:127.0.0.1)
[ "$members" = 20 ] || fail "Redis: rl:auth:ip:127.0.0.1 holds '$members' entries, want 20"
ttl_ms=$(rcli PTTL rl:auth:ip:127.0.0.1)
{ [[ "$ttl_ms" =~ ^[0-9]+$ ]] && [ "$ttl_ms" -gt 0 ] && [ "$ttl_ms" -le 60000 ]; } || fail "Redis: rl:auth:ip:127.0.0.1 PTTL '$ttl_ms'"

# The general class (10/1m here), from 127.0.0.2: three requests decided in Redis.
from=127.0.0.2
for i in 1 2 3; do
  code=$(gw GET /auth/me "" "$access")
  [ "$code" = 200 ] || fail "GET /auth/me #$i from $from: $code"
done
[ "$(header X-RateLimit-Remaining)" = 7 ] || fail "GET /auth/me #3: X-RateLimit-Remaining '$(header X-RateLimit-Remaining)', want 7"
members=$(rcli ZCARD rl:general:ip:127.0.0.2)
[ "$members" = 3 ] || fail "Redis: rl:general:ip:127.0.0.2 holds '$members' entries, want 3"

note "auth and general classes checked in Redis"
# --- 2. Redis crashes: the memory shadow carries on from the same history.
kill -9 "$redis_pid"
wait "$redis_pid" 2>/dev/null
redis_pid=""
for i in $(seq 4 13); do
  t0=$(now_ms)
  code=$(gw GET /auth/me "" "$access")
  elapsed_ms=$(( $(now_ms) - t0 ))
  if [ "$i" -le 10 ]; then want=200; else want=429; fi
  [ "$code" = "$want" ] || fail "Redis down: GET /auth/me #$i from $from got $code, want $want"
  [ $elapsed_ms -lt 2000 ] || fail "Redis down: GET /auth/me #$i took ${elapsed_ms} ms"
done
[ "$(header X-RateLimit-Limit)" = 10 ] || fail "Redis down, 429: X-RateLimit-Limit '$(header X-RateLimit-Limit)', want 10"
[ -n "$(header Retry-After)" ] || fail "Redis down, 429 without Retry-After"
from=127.0.0.1
code=$(gw POST /auth/login "$good")
[ "$code" = 429 ] || fail "Redis down: a 22nd login got $code, want 429 (the shadow holds the 20)"
grep -q "rate limiting falls back to memory: the kv is failing" "$work/gateway.log" ||
  fail "the gateway did not log the fallback to memory"
kill -0 $gateway_pid 2>/dev/null || die "the gateway exited while Redis was down"

note "outage checked"
# --- 3. Redis returns on the same port (empty: no persistence). Requests drive the breaker's
# probe (2 s after it opened); the pipeline reconnects by itself.
start_redis || die "redis-server did not restart on port $redis_port"
from=127.0.0.2
t0=$(now_ms)
until grep -q "rate limiting is back on the kv" "$work/gateway.log"; do
  [ $(( $(now_ms) - t0 )) -lt 8000 ] || { fail "no 'back on the kv' within 8 s of Redis's return"; break; }
  code=$(gw GET /auth/me "" "$access")
  case $code in 200 | 429) ;; *) fail "Redis returning: GET /auth/me got $code" ;; esac
  sleep 0.2
done
echo "back on the kv $(( $(now_ms) - t0 )) ms after Redis restarted"
# A subject the memory limiter has never seen, decided (and recorded) in Redis again: 10
# admitted, the 11th refused, and Redis holds its 10 entries.
from=127.0.0.3
for i in $(seq 1 11); do
  code=$(gw GET /auth/me "" "$access")
  if [ "$i" -le 10 ]; then want=200; else want=429; fi
  [ "$code" = "$want" ] || fail "Redis back: GET /auth/me #$i from $from got $code, want $want"
done
members=$(rcli ZCARD rl:general:ip:127.0.0.3)
[ "$members" = 10 ] || fail "Redis back: rl:general:ip:127.0.0.3 holds '$members' entries, want 10"
keys=$(rcli --scan --pattern 'rl:*' | sort | tr '\n' ' ')
echo "keys in Redis after its return: $keys"

note "return checked"
# --- 4. Secrets never reach the logs. (The EXIT trap stops every process; a clean exit on
# SIGTERM is auth_e2e_test.sh's to check.)
for s in "$token_secret" "$context_secret" "$redis_password" "$password" "$access"; do
  if grep -qF -- "$s" "$work/auth.log" "$work/gateway.log"; then
    fail "a secret appears in the logs"
  fi
done
elapsed_s=$((SECONDS - started_s))
[ $elapsed_s -lt 60 ] || fail "the test took ${elapsed_s} s, want under 60"

if [ $failures -ne 0 ]; then
  show_logs
  echo "$failures rate-limit e2e checks failed"
  exit 1
fi
echo "rate-limit e2e: 20 logins then 429 (in Redis), limits held in memory while Redis was down, back on Redis after its return; ${elapsed_s} s"
