#!/usr/bin/env bash
# End to end on real processes: a private PostgreSQL, `quickmart serve auth` and
# `quickmart serve gateway` on loopback. Walks register -> login -> me -> refresh -> logout ->
# refresh rejected over real HTTP; then kills PostgreSQL and expects 503s (not 500s, not
# hangs), restarts it and expects the service to recover without a restart of its own;
# finally SIGTERM and a clean exit 0. Every wait is bounded.
set -u
quickmart=$1
root=$2
# shellcheck source=../../../scripts/lib/servers.sh
source "$root/scripts/lib/servers.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-e2e.XXXXXX")
auth_pid=""
gateway_pid=""
cleanup() {
  for pid in $gateway_pid $auth_pid; do
    kill -9 "$pid" 2>/dev/null || true
  done
  qm_stop_servers
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; echo "--- auth log"; tail -n 30 "$work/auth.log"; echo "--- gateway log"; tail -n 30 "$work/gateway.log"; exit 1; }

qm_start_postgres >/dev/null || die "PostgreSQL did not start"
pg_url=$QUICKMART_TEST_PG_URL
# Distinct ports at once (the third stays closed: the upstreams the gateway never reaches).
{ read -r auth_port; read -r gateway_port; read -r closed_port; } < <(qm_free_ports 3)
secret="e2e-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
context_secret="ctx-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export QUICKMART_CONTEXT_SECRET=$context_secret
password="e2e-password-$RANDOM-$RANDOM"

QUICKMART_TOKEN_SECRET=$secret QUICKMART_DATABASE_URL=$pg_url QUICKMART_SCRYPT_N=1024 \
  "$quickmart" serve auth --listen "127.0.0.1:$auth_port" --db-timeout-ms 1000 >"$work/auth.log" 2>&1 &
auth_pid=$!
# Only auth runs here: the gateway's other upstreams point at a closed port (their routes
# answer 503), which this test also checks.
closed="http://127.0.0.1:$closed_port"
QUICKMART_AUTH_URL="http://127.0.0.1:$auth_port" QUICKMART_PRODUCT_URL=$closed QUICKMART_CART_URL=$closed \
QUICKMART_ORDER_URL=$closed QUICKMART_DELIVERY_URL=$closed QUICKMART_NOTIFICATION_URL=$closed \
  "$quickmart" serve gateway --listen "127.0.0.1:$gateway_port" --upstream-timeout-ms 3000 \
  --rate-limit-auth 600/1m >"$work/gateway.log" 2>&1 &
# (The recovery loop below polls /auth/login twice a second, above the production limit of
# 20 a minute per address; rate_limit_e2e_test.sh checks that limit.)
gateway_pid=$!

# http METHOD PATH [BODY] [TOKEN]: prints "<status> <body>"; status 000 when nothing answered.
http() {
  local args=(-s -o "$work/body" -w '%{http_code}' --max-time 10 -X "$1" "http://127.0.0.1:$gateway_port$2")
  if [ -n "${3:-}" ]; then args+=(-H 'Content-Type: application/json' --data "$3"); fi
  if [ -n "${4:-}" ]; then args+=(-H "Authorization: Bearer $4"); fi
  local code
  code=$(curl "${args[@]}") || true
  echo "${code:-000} $(cat "$work/body" 2>/dev/null)"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

waited=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$gateway_port/health")" = 200 ] &&
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$auth_port/health")" = 200 ]; do
  waited=$((waited + 1))
  [ $waited -le 60 ] || die "services did not become healthy in 30 s"
  kill -0 $auth_pid 2>/dev/null || die "auth exited"
  kill -0 $gateway_pid 2>/dev/null || die "gateway exited"
  sleep 0.5
done

creds="{\"email\":\"e2e@example.com\",\"password\":\"$password\"}"
r=$(http POST /auth/register "{\"email\":\"e2e@example.com\",\"password\":\"$password\",\"name\":\"E2E\"}")
[ "${r%% *}" = 201 ] || fail "register: $r"
r=$(http POST /auth/register "{\"email\":\"e2e@example.com\",\"password\":\"$password\",\"name\":\"E2E\"}")
[ "${r%% *}" = 409 ] || fail "duplicate register: $r"
r=$(http POST /auth/register '{"email": 5}')
[ "${r%% *}" = 400 ] || fail "bad register: $r"
r=$(http POST /auth/login '{"email": "e2e@example.com", "password": ')
[ "${r%% *}" = 400 ] || fail "truncated JSON: $r"
head -c 1100000 /dev/zero | tr '\0' 'a' > "$work/big"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
  --data-binary @"$work/big" "http://127.0.0.1:$gateway_port/auth/login") || true
[ "$code" = 413 ] || fail "a body over 1 MiB got $code, want 413"
r=$(http POST /auth/login "$creds")
[ "${r%% *}" = 200 ] || die "login: $r"
access=$(field "${r#* }" access_token)
refresh=$(field "${r#* }" refresh_token)
r=$(http GET /auth/me "" "$access")
[ "${r%% *}" = 200 ] || fail "me: $r"
r=$(http POST /auth/refresh "{\"refresh_token\":\"$refresh\"}")
[ "${r%% *}" = 200 ] || fail "refresh: $r"
refresh2=$(field "${r#* }" refresh_token)
r=$(http POST /auth/logout "{\"refresh_token\":\"$refresh2\"}")
[ "${r%% *}" = 204 ] || fail "logout: $r"
r=$(http POST /auth/refresh "{\"refresh_token\":\"$refresh2\"}")
[ "${r%% *}" = 401 ] || fail "refresh after logout: $r"
r=$(http GET /internal/verify-token)
[ "${r%% *}" = 404 ] || fail "/internal reachable through the gateway: $r"
r=$(http GET /products)
[ "${r%% *}" = 503 ] || fail "a route to a stopped service should answer 503: $r"
r=$(http GET /cart)
[ "${r%% *}" = 401 ] || fail "a protected route without a token should answer 401: $r"

# PostgreSQL goes away: logins answer 503 quickly, never 500, never a hang.
qm_kill_postgres || die "cannot stop PostgreSQL"
for i in 1 2 3 4 5; do
  start=$(date +%s%N)
  r=$(http POST /auth/login "$creds")
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "${r%% *}" = 503 ] || fail "login with the database down #$i: $r"
  [ $elapsed_ms -lt 5000 ] || fail "login with the database down took ${elapsed_ms} ms"
done

# PostgreSQL comes back: the same auth process recovers by itself.
qm_restart_postgres >/dev/null || die "cannot restart PostgreSQL"
waited=0
until [ "$(http POST /auth/login "$creds" | cut -d' ' -f1)" = 200 ]; do
  waited=$((waited + 1))
  [ $waited -le 60 ] || { fail "auth did not recover within 30 s of PostgreSQL's return"; break; }
  sleep 0.5
done
kill -0 $auth_pid 2>/dev/null || fail "auth is not the same process any more"

# Secrets never reach the logs.
for s in "$secret" "$password"; do
  if grep -qF -- "$s" "$work/auth.log" "$work/gateway.log"; then
    fail "a secret appears in the logs"
  fi
done

# SIGTERM: both exit 0 within their shutdown deadline.
kill -TERM $gateway_pid $auth_pid
for name in gateway auth; do
  pid_var="${name}_pid"
  pid=${!pid_var}
  waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 150 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$name did not exit within 15 s of SIGTERM"
  else
    wait "$pid"; rc=$?
    [ $rc -eq 0 ] || fail "$name exited $rc after SIGTERM"
  fi
  eval "${name}_pid=''"
done

if [ $failures -ne 0 ]; then
  echo "--- auth log"; tail -n 40 "$work/auth.log"; echo "--- gateway log"; tail -n 20 "$work/gateway.log"
  echo "$failures e2e checks failed"
  exit 1
fi
echo "e2e: register, login, me, refresh, logout, outage 503s, recovery and shutdown all as expected"
