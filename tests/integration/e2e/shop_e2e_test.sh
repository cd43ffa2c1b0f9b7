#!/usr/bin/env bash
# The shop end to end on real processes: one private PostgreSQL cluster holding five
# databases (auth_db, product_db, cart_db, order_db, delivery_db), each owned by its own role
# with its own password and closed to every other role, and the seven services started with
# `quickmart serve` on loopback. First shows that a role cannot reach another service's
# database and that a service given a wrong password does not come up; then walks through the
# gateway: the admin stocks the catalogue, a customer registers and browses, a partner is
# made and goes available, the customer fills a cart and checks out (twice with one
# Idempotency-Key: one order), the cart is cleared, the order is assigned, packed, picked up,
# tracked and delivered, the customer is notified, and the admin restocks. The checkout
# carries a traceparent of the test's own: its trace is followed through the services' JSON
# logs (jq) from the gateway to order, cart, product and, through order's outbox, delivery and
# notification, every span the child of another service's span. Also checks the gateway's
# guards (401, 403, /internal 404), that a forged identity header sent straight to the order
# service is refused, and that no password, token or secret reaches a log. Ends with SIGTERM
# and a clean exit 0 of every service.
# Every wait is bounded; a trap stops every process and removes the scratch directory.
#
#   shop_e2e_test.sh PATH/TO/quickmart REPO_ROOT
set -u
# The whole run has a budget: past it, timeout sends SIGTERM, the trap below stops every
# process and removes the scratch directory (SIGKILL 15 s later if even that hangs).
budget_s=${QM_SHOP_E2E_BUDGET_S:-110}
if [ -z "${QM_SHOP_E2E_TIMED:-}" ]; then
  QM_SHOP_E2E_TIMED=1 exec timeout --kill-after=15 "$budget_s" "$0" "$@"
fi
quickmart=$1
root=$2
# shellcheck source=../../../scripts/lib/servers.sh
source "$root/scripts/lib/servers.sh"
# shellcheck source=../../../scripts/lib/processes.sh
source "$root/scripts/lib/processes.sh"

# One interpreter lookup (a version manager's shim can cost most of a second per call on a
# busy machine), then every JSON check runs it without the site machinery.
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 not found"; exit 1; }
pyq() { "$py" -I -S "$@"; }
free_port() {
  pyq -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

services=(auth product cart order delivery notification gateway)
db_services=(auth product cart order delivery)

work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-shop.XXXXXX")
chmod 755 "$work"  # the PostgreSQL user must reach its directory below
pg_dir="$work/pg"
pg_data="$pg_dir/data"
pg_started=0
declare -A pid=()
probe_pid=""

# Every process still running gets SIGTERM together, 5 s to go, then SIGKILL.
cleanup() {
  local p all=()
  for p in $probe_pid "${pid[@]}"; do all+=("$p"); done
  qm_stop_pids "${all[@]}"
  if [ $pg_started -eq 1 ]; then
    qm_as_pg_user "$QM_PG_BIN/pg_ctl" -D "$pg_data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "FAIL: stopped by a signal (over the ${budget_s} s budget, or interrupted)"; show_logs; exit 1' INT TERM

failures=0
show_logs() {
  local s
  for s in "${services[@]}"; do
    if [ -f "$work/$s.log" ]; then
      echo "--- $s log (tail)"
      tail -n 25 "$work/$s.log"
    fi
  done
  if [ -f "$pg_dir/server.log" ]; then
    echo "--- postgres log (tail)"
    tail -n 15 "$pg_dir/server.log"
  fi
}
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() {
  echo "FAIL: $*"
  show_logs
  echo "shop e2e: stopped at the first failure above ($((failures + 1)) failed checks)"
  exit 1
}
ok() { echo "  ok: $*"; }
began_s=$(date +%s)
step() { echo "== [+$(($(date +%s) - began_s)) s] $*"; }

hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# ---------------------------------------------------------------------------------------------
step "PostgreSQL: one private cluster, five databases, five roles"

[ -x "$QM_PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $QM_PG_BIN (run scripts/setup)"
QM_PG_USER=$(qm_pg_user)
mkdir -p "$pg_dir"
if [ "$(id -u)" -eq 0 ]; then
  chown "$QM_PG_USER" "$pg_dir"
fi
chmod 700 "$pg_dir"
pg_port=$(free_port)
# Local socket connections (the superuser's, for setup only) are trusted; every TCP
# connection must present its role's password.
qm_as_pg_user "$QM_PG_BIN/initdb" -D "$pg_data" -U quickmart -E UTF8 --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; die "initdb failed"; }
pg_started=1  # from here on the trap stops the cluster, even one that is still starting
qm_as_pg_user "$QM_PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_dir/server.log" -w -t 30 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
    start >/dev/null || die "PostgreSQL did not start"
admin_psql() { "$QM_PG_BIN/psql" -h "$pg_dir" -p "$pg_port" -U quickmart -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
# Every role's password is random hex: nothing to escape in SQL or in a URL.
declare -A db_password=()
setup_sql=""
for s in "${db_services[@]}"; do
  db_password[$s]="pw$(hex 16)"
  setup_sql+="CREATE ROLE ${s}_svc LOGIN PASSWORD '${db_password[$s]}';
CREATE DATABASE ${s}_db OWNER ${s}_svc;
REVOKE CONNECT, TEMPORARY ON DATABASE ${s}_db FROM PUBLIC;
"
done
# The maintenance databases are closed to the services' roles too.
setup_sql+="REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
"
# One statement at a time (CREATE DATABASE cannot run inside a transaction), stopping at the
# first error.
echo "$setup_sql" | admin_psql -f - >"$work/setup_sql.out" 2>&1 ||
  { cat "$work/setup_sql.out"; die "cannot create the roles and databases"; }
ok "cluster on 127.0.0.1:$pg_port; roles auth_svc..delivery_svc own auth_db..delivery_db; CONNECT revoked from PUBLIC"

# tcp_psql ROLE PASSWORD DB: one query over TCP with password authentication; prints psql's
# output and error, returns psql's status.
tcp_psql() {
  PGPASSWORD=$2 PGCONNECT_TIMEOUT=5 "$QM_PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U "$1" -d "$3" \
    -w -qAtc 'SELECT current_user || 1' 2>&1
}
url_of() { echo "postgresql://${1}_svc:${db_password[$1]}@127.0.0.1:$pg_port/${1}_db"; }

for s in "${db_services[@]}"; do
  out=$(tcp_psql "${s}_svc" "${db_password[$s]}" "${s}_db") || die "${s}_svc cannot reach its own ${s}_db: $out"
  [ "$out" = "${s}_svc1" ] || die "${s}_svc on ${s}_db answered '$out'"
done
ok "each role connects to its own database with its password"

if out=$(tcp_psql cart_svc "${db_password[cart]}" order_db); then
  die "cart_svc with its correct password connected to order_db: $out"
fi
case "$out" in
  *"permission denied for database"*) ok "cart_svc -> order_db refused: $(echo "$out" | head -n 1)" ;;
  *) die "cart_svc -> order_db failed, but not with 'permission denied': $out" ;;
esac
if out=$(tcp_psql order_svc "${db_password[order]}" product_db); then
  die "order_svc with its correct password connected to product_db: $out"
fi
case "$out" in
  *"permission denied for database"*) ok "order_svc -> product_db refused (permission denied)" ;;
  *) die "order_svc -> product_db failed, but not with 'permission denied': $out" ;;
esac
if out=$(tcp_psql cart_svc "wrong$(hex 8)" cart_db); then
  die "cart_svc connected to cart_db with a wrong password: $out"
fi
case "$out" in
  *"password authentication failed"*) ok "cart_svc with a wrong password refused (password authentication failed)" ;;
  *) die "a wrong password failed, but not with 'password authentication failed': $out" ;;
esac
# A role cannot open a door for itself either: CONNECT on another database is not its to grant.
out=$(PGPASSWORD=${db_password[cart]} "$QM_PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U cart_svc -d cart_db \
        -w -qAtc 'GRANT CONNECT ON DATABASE order_db TO cart_svc' 2>&1) &&
  die "cart_svc granted itself CONNECT on order_db: $out"
case "$out" in
  *"permission denied for database"*) ok "cart_svc cannot grant itself CONNECT on order_db (permission denied)" ;;
  *) die "cart_svc's GRANT on order_db failed, but not with 'permission denied': $out" ;;
esac

# ---------------------------------------------------------------------------------------------
step "A service given a wrong database password does not come up"

QUICKMART_CONTEXT_SECRET="ctx-$(hex 24)"
export QUICKMART_CONTEXT_SECRET
token_secret="tok-$(hex 24)"
admin_email="admin-$(hex 4)@example.com"
admin_password="admin-$(hex 20)"
scrypt_n=1024

probe_port=$(free_port)
probe_password="wrong$(hex 12)"
QUICKMART_DATABASE_URL="postgresql://product_svc:$probe_password@127.0.0.1:$pg_port/product_db" \
  "$quickmart" serve product --listen "127.0.0.1:$probe_port" >"$work/probe.log" 2>&1 &
probe_pid=$!
waited=0
until grep -q "start failed" "$work/probe.log" 2>/dev/null; do
  waited=$((waited + 1))
  [ $waited -le 100 ] || die "product with a wrong password logged no start failure within 10 s: $(tail -n 5 "$work/probe.log")"
  kill -0 "$probe_pid" 2>/dev/null || break
  sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$probe_port/health") || true
[ "$code" != 200 ] || die "product with a wrong database password answers /health"
grep -q "password authentication failed" "$work/probe.log" ||
  fail "product's start-failure log does not say why (no 'password authentication failed'): $(grep -m1 'start failed' "$work/probe.log")"
ok "product with a wrong password: no listener, logs '$(grep -m1 -o 'service start failed[^"]*' "$work/probe.log")'"
qm_stop_pids "$probe_pid"
probe_pid=""

# ---------------------------------------------------------------------------------------------
step "Seven services on loopback"

declare -A port=()
for s in "${services[@]}"; do
  port[$s]=$(free_port)
done
svc_url() { echo "http://127.0.0.1:${port[$1]}"; }

start() {
  local s=$1
  shift
  env "$@" "$quickmart" serve "$s" --listen "127.0.0.1:${port[$s]}" >"$work/$s.log" 2>&1 &
  pid[$s]=$!
}
start auth QUICKMART_DATABASE_URL="$(url_of auth)" QUICKMART_TOKEN_SECRET="$token_secret" \
  QUICKMART_ADMIN_EMAIL="$admin_email" QUICKMART_ADMIN_PASSWORD="$admin_password" \
  QUICKMART_SCRYPT_N=$scrypt_n
start product QUICKMART_DATABASE_URL="$(url_of product)"
start cart QUICKMART_DATABASE_URL="$(url_of cart)" QUICKMART_PRODUCT_URL="$(svc_url product)"
start order QUICKMART_DATABASE_URL="$(url_of order)" QUICKMART_PRODUCT_URL="$(svc_url product)" \
  QUICKMART_CART_URL="$(svc_url cart)" QUICKMART_DELIVERY_URL="$(svc_url delivery)" \
  QUICKMART_NOTIFICATION_URL="$(svc_url notification)"
start delivery QUICKMART_DATABASE_URL="$(url_of delivery)" QUICKMART_ORDER_URL="$(svc_url order)" \
  QUICKMART_NOTIFICATION_URL="$(svc_url notification)"
start notification
start gateway QUICKMART_AUTH_URL="$(svc_url auth)" QUICKMART_PRODUCT_URL="$(svc_url product)" \
  QUICKMART_CART_URL="$(svc_url cart)" QUICKMART_ORDER_URL="$(svc_url order)" \
  QUICKMART_DELIVERY_URL="$(svc_url delivery)" QUICKMART_NOTIFICATION_URL="$(svc_url notification)"

waited=0
for s in "${services[@]}"; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(svc_url "$s")/health")" = 200 ]; do
    waited=$((waited + 1))
    [ $waited -le 120 ] || die "$s did not become healthy within 30 s"
    kill -0 "${pid[$s]}" 2>/dev/null || die "$s exited during start"
    sleep 0.25
  done
done
listing=""
for s in "${services[@]}"; do listing+=" $s:${port[$s]}"; done
ok "all healthy:$listing"

# ---------------------------------------------------------------------------------------------
# HTTP helpers. req METHOD PATH BODY TOKEN [curl args...] sends to the gateway and sets
# $status and $body; raw_req URL ... does the same for any URL. A 500 is always a failure.
gw=$(svc_url gateway)
status=""
body=""
raw_req() {
  local method=$1 url=$2 data=$3 token=$4
  shift 4
  local args=(-s -o "$work/body" -w '%{http_code}' --max-time 10 -X "$method" "$url")
  if [ -n "$data" ]; then args+=(-H 'Content-Type: application/json' --data "$data"); fi
  if [ -n "$token" ]; then args+=(-H "Authorization: Bearer $token"); fi
  rm -f "$work/body"
  status=$(curl "${args[@]}" "$@") || status=000
  [ -n "$status" ] || status=000
  body=$(cat "$work/body" 2>/dev/null)
  echo "$method $url -> $status $body" >>"$work/requests.log"
  if [ "$status" = 500 ]; then
    fail "$method ${url#"$gw"} answered 500: $body"
  fi
}
req() {
  local method=$1 path=$2
  shift 2
  raw_req "$method" "$gw$path" "$@"
}
# expect STATUS WHAT: the last request must have answered STATUS, else the walk stops.
expect() {
  [ "$status" = "$1" ] || die "$2: expected $1, got $status $body"
}
# check STATUS WHAT: as expect, but the walk goes on.
check() {
  if [ "$status" = "$1" ]; then ok "$2 -> $1"; else fail "$2: expected $1, got $status $body"; fi
}
# jv EXPR: a Python expression over d, the last body parsed as JSON; bools and
# containers print as JSON.
jv() {
  pyq -c '
import json, sys
d = json.loads(sys.argv[1])
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (bool, list, dict)) or v is None else v)
' "$body" "$1" 2>/dev/null || echo "<no $1 in: $body>"
}
# same WHAT ACTUAL WANT: a fact about a reply; a mismatch stops the walk.
same() {
  [ "$2" = "$3" ] || die "$1: expected $3, got $2 (last reply: $status $body)"
  ok "$1 = $3"
}
# poll_quietly SECONDS COMMAND...: runs COMMAND every 0.25 s until it succeeds (status 0) or
# time is up (status 1).
poll_quietly() {
  local limit_s=$1 start
  shift
  start=$(date +%s)
  until "$@"; do
    [ $(($(date +%s) - start)) -lt "$limit_s" ] || return 1
    sleep 0.25
  done
}
# poll SECONDS WHAT COMMAND...: runs COMMAND every 0.25 s until it succeeds or time is up.
poll() {
  local limit_s=$1 what=$2 start
  shift 2
  start=$(date +%s)
  until "$@"; do
    [ $(($(date +%s) - start)) -lt "$limit_s" ] || die "$what: not within $limit_s s (last reply: $status $body)"
    sleep 0.25
  done
  ok "$what (after $(($(date +%s) - start)) s)"
}
admin=""
customer=""
partner=""
tokens=()  # every access and refresh token handed out: none may reach a log
# login VAR EMAIL PASSWORD: stores the access token in VAR (no subshell, so a failure stops
# the walk).
login() {
  req POST /auth/login "{\"email\":\"$2\",\"password\":\"$3\"}" ""
  expect 200 "login as $2"
  printf -v "$1" '%s' "$(jv 'd["access_token"]')"
  tokens+=("$(jv 'd["access_token"]')" "$(jv 'd["refresh_token"]')")
}

# ---------------------------------------------------------------------------------------------
step "Admin stocks the catalogue"

login admin "$admin_email" "$admin_password"
ok "bootstrap admin logged in"
req POST /admin/categories '{"name":"Fruit and rice"}' "$admin"
expect 201 "POST /admin/categories"
category=$(jv 'd["id"]')
mango_price=4500
rice_price=8000
req POST /admin/products "{\"category_id\":$category,\"name\":\"Alphonso mango\",\"description\":\"one fruit\",\"price_paise\":$mango_price,\"stock\":10}" "$admin"
expect 201 "POST /admin/products (mango)"
mango=$(jv 'd["id"]')
same "new mango available" "$(jv 'd["available"]')" 10
req POST /admin/products "{\"category_id\":$category,\"name\":\"Basmati rice 1kg\",\"price_paise\":$rice_price,\"stock\":5}" "$admin"
expect 201 "POST /admin/products (rice)"
rice=$(jv 'd["id"]')
same "new rice available" "$(jv 'd["available"]')" 5

# ---------------------------------------------------------------------------------------------
step "A customer registers, logs in and browses"

customer_email="asha-$(hex 4)@example.com"
customer_password="pw-$(hex 12)"
req POST /auth/register "{\"email\":\"$customer_email\",\"password\":\"$customer_password\",\"name\":\"Asha\"}" ""
expect 201 "register the customer"
customer_id=$(jv 'd["id"]')
same "customer's role" "$(jv 'd["role"]')" customer
login customer "$customer_email" "$customer_password"
req GET "/products?category_id=$category" "" ""
expect 200 "GET /products"
same "products listed in the category" "$(jv 'sorted(p["id"] for p in d["items"])')" \
  "$(pyq -c "print(sorted([$mango, $rice]))")"
req GET "/products?q=MANGO" "" ""
expect 200 "GET /products?q=MANGO"
same "search 'MANGO' finds" "$(jv '[p["id"] for p in d["items"]]')" "[$mango]"
req GET "/products/$mango" "" ""
expect 200 "GET /products/{mango}"
same "mango's name, price and stock" "$(jv '[d["name"], d["price_paise"], d["available"]]')" \
  "[\"Alphonso mango\", $mango_price, 10]"

# ---------------------------------------------------------------------------------------------
step "A delivery partner is made and goes available"

partner_email="ravi-$(hex 4)@example.com"
partner_password="pw-$(hex 12)"
req POST /auth/register "{\"email\":\"$partner_email\",\"password\":\"$partner_password\",\"name\":\"Ravi\"}" ""
expect 201 "register the partner"
partner_id=$(jv 'd["id"]')
login partner "$partner_email" "$partner_password"
req PUT /delivery/profile '{"name":"Ravi","lat":12.9720,"lon":77.5950}' "$partner"
check 403 "a customer's token on PUT /delivery/profile"
req PUT "/admin/users/$partner_id/role" '{"role":"partner"}' "$customer"
check 403 "a customer on PUT /admin/users/{id}/role"
req PUT "/admin/users/$partner_id/role" '{"role":"partner"}' "$admin"
expect 200 "admin PUT /admin/users/{id}/role partner"
same "partner's role" "$(jv 'd["role"]')" partner
login partner "$partner_email" "$partner_password"
req PUT /delivery/profile '{"name":"Ravi","lat":12.9720,"lon":77.5950}' "$partner"
expect 200 "PUT /delivery/profile"
same "partner profile" "$(jv '[d["id"], d["status"]]')" "[$partner_id, \"offline\"]"
req PUT /delivery/availability '{"status":"available"}' "$partner"
expect 200 "PUT /delivery/availability available"
same "partner status" "$(jv 'd["status"]')" available

# ---------------------------------------------------------------------------------------------
step "The customer fills a cart and checks out"

req POST /cart/items "{\"product_id\":$mango,\"quantity\":2}" "$customer"
expect 200 "POST /cart/items mango x2"
req POST /cart/items "{\"product_id\":$rice,\"quantity\":1}" "$customer"
expect 200 "POST /cart/items rice x1"
req GET /cart "" "$customer"
expect 200 "GET /cart"
subtotal=$((2 * mango_price + rice_price))  # 17000 paise: under 199 rupees, so a fee is due
fee=2000
same "cart lines" "$(jv 'sorted([l["product_id"], l["quantity"], l["line_total_paise"]] for l in d["items"])')" \
  "$(pyq -c "print(sorted([[$mango, 2, $((2 * mango_price))], [$rice, 1, $rice_price]]))")"
same "cart totals (items, subtotal, fee, total, unavailable)" \
  "$(jv '[d["item_count"], d["subtotal_paise"], d["delivery_fee_paise"], d["total_paise"], d["unavailable_product_ids"]]')" \
  "[3, $subtotal, $fee, $((subtotal + fee)), []]"

checkout_body='{"address":"12 MG Road, Bengaluru","location":{"lat":12.9750,"lon":77.6050}}'
req POST /orders/checkout "$checkout_body" "$customer"
check 400 "checkout without an Idempotency-Key"
key="e2e-$(hex 8)"
# The checkout continues a trace of the test's own (W3C traceparent: trace id, our span).
trace_id=$(hex 16)
client_span=$(hex 8)
req POST /orders/checkout "$checkout_body" "$customer" -H "Idempotency-Key: $key" \
  -H "traceparent: 00-$trace_id-$client_span-01"
expect 201 "POST /orders/checkout"
order=$(jv 'd["id"]')
same "new order (status, subtotal, fee, total, customer)" \
  "$(jv '[d["status"], d["subtotal_paise"], d["delivery_fee_paise"], d["total_paise"], d["user_id"]]')" \
  "[\"confirmed\", $subtotal, $fee, $((subtotal + fee)), $customer_id]"
same "order lines" "$(jv 'sorted([l["product_id"], l["quantity"], l["price_paise"], l["line_total_paise"]] for l in d["lines"])')" \
  "$(pyq -c "print(sorted([[$mango, 2, $mango_price, $((2 * mango_price))], [$rice, 1, $rice_price, $rice_price]]))")"
req POST /orders/checkout "$checkout_body" "$customer" -H "Idempotency-Key: $key"
expect 200 "the same checkout again (same Idempotency-Key)"
same "the repeated checkout's order id" "$(jv 'd["id"]')" "$order"
req GET /orders "" "$customer"
expect 200 "GET /orders"
same "the customer's orders" "$(jv '[o["id"] for o in d["items"]]')" "[$order]"

cart_is_empty() {
  req GET /cart "" "$customer"
  [ "$status" = 200 ] && [ "$(jv '[len(d["items"]), d["total_paise"]]')" = "[0, 0]" ]
}
poll 20 "the cart is empty after checkout" cart_is_empty
req GET "/products/$mango" "" ""
expect 200 "GET /products/{mango}"
same "mango available after the order" "$(jv 'd["available"]')" 8

# ---------------------------------------------------------------------------------------------
step "Assignment, packing, pickup, tracking, delivery"

assigned_to_partner() {
  req GET /delivery/orders "" "$partner"
  [ "$status" = 200 ] &&
    [ "$(jv "[[a['partner_id'], a['status']] for a in d['items'] if a['order_id'] == $order]")" = "[[$partner_id, \"assigned\"]]" ]
}
poll 20 "the order is assigned to the partner" assigned_to_partner
order_has_partner() {
  req GET "/orders/$order" "" "$customer"
  [ "$status" = 200 ] && [ "$(jv 'd["partner_id"]')" = "$partner_id" ]
}
poll 10 "the order records its partner" order_has_partner
req GET /delivery/profile "" "$partner"
expect 200 "GET /delivery/profile"
same "partner status while assigned" "$(jv 'd["status"]')" busy

req POST "/delivery/orders/$order/pickup" "" "$partner"
check 409 "pickup before the store packed the order"
req POST "/admin/orders/$order/status" '{"status":"packed"}' "$customer"
check 403 "a customer on POST /admin/orders/{id}/status"
req POST "/admin/orders/$order/status" '{"status":"packed"}' "$admin"
expect 200 "admin POST /admin/orders/{id}/status packed"
same "order status" "$(jv 'd["status"]')" packed
req POST "/delivery/orders/$order/pickup" "" "$partner"
expect 200 "POST /delivery/orders/{id}/pickup"
req GET "/orders/$order" "" "$customer"
expect 200 "GET /orders/{id}"
same "order status after pickup" "$(jv 'd["status"]')" out_for_delivery
req POST /delivery/location '{"lat":12.9735,"lon":77.6000}' "$partner"
expect 200 "POST /delivery/location"
req GET "/orders/$order/tracking" "" "$customer"
expect 200 "GET /orders/{id}/tracking"
same "tracking (order, partner id, name, lat, lon)" \
  "$(jv '[d["order_id"], d["partner"]["id"], d["partner"]["name"], d["partner"]["lat"], d["partner"]["lon"]]')" \
  "[$order, $partner_id, \"Ravi\", 12.9735, 77.6]"
same "tracking status after pickup" "$(jv 'd["status"]')" picked_up
same "tracking has an ETA in seconds" "$(jv 'isinstance(d["eta_s"], int) and d["eta_s"] >= 0')" true
req GET "/orders/$order/tracking" "" "$partner"
check 404 "another user's GET /orders/{id}/tracking"
req GET "/orders/$order" "" "$partner"
check 404 "another user's GET /orders/{id}"
req POST "/delivery/orders/$order/delivered" "" "$partner"
expect 200 "POST /delivery/orders/{id}/delivered"
same "the delivered assignment (order, partner, status)" "$(jv '[d["order_id"], d["partner_id"], d["status"]]')" \
  "[$order, $partner_id, \"delivered\"]"
req GET "/orders/$order" "" "$customer"
expect 200 "GET /orders/{id}"
same "order status after delivery" "$(jv 'd["status"]')" delivered
req GET /delivery/profile "" "$partner"
expect 200 "GET /delivery/profile"
same "partner status after delivery" "$(jv 'd["status"]')" available
req POST "/orders/$order/cancel" "" "$customer"
check 409 "cancelling a delivered order"

want_kinds='["delivered", "order_confirmed", "out_for_delivery", "partner_assigned"]'
notified() {
  req GET /notifications "" "$customer"
  [ "$status" = 200 ] &&
    [ "$(jv "sorted(set(n['kind'] for n in d['items'] if n['order_id'] == $order))")" = "$want_kinds" ]
}
poll 20 "the customer is notified: $want_kinds" notified
same "every notification of the order was sent" \
  "$(jv "sorted(set(n['status'] for n in d['items'] if n['order_id'] == $order))")" '["sent"]'

# ---------------------------------------------------------------------------------------------
step "The checkout followed through the logs by its trace id"

# Every log line of the trace, from every service's log (one JSON object per line; anything
# else on stderr is skipped).
trace_lines() {
  local s
  for s in "${services[@]}"; do
    jq -cR --arg t "$trace_id" 'fromjson? | select(type == "object" and .trace_id == $t)' "$work/$s.log"
  done
}
# What is wrong with the trace, one problem a line (nothing when it holds): an access line
# (msg "request") of each hop; the gateway's span a child of the client's; every other access
# line the child of another service's span, all reaching the gateway's; delivery's assignment
# (sent later from order's outbox) a child of order's checkout span; every other line inside
# a span of its own service.
trace_problems() {
  trace_lines | jq -rs --arg client "$client_span" '
    def up($up; $s; $n): if $n == 0 or $up[$s] == null then $s else up($up; $up[$s]; $n - 1) end;
    map(select(.msg == "request")) as $access
    | ($access | map({key: .span_id, value: .service}) | from_entries) as $owner
    | ($access | map(select(.service != "gateway")) | map({key: .span_id, value: (.parent_span_id // "")})
       | from_entries) as $up
    | [$access[] | select(.service == "gateway")] as $gateway
    | ([$access[] | select(.service == "order" and .route == "/orders/checkout")][0].span_id) as $checkout
    | (["gateway", "order", "cart", "product", "delivery", "notification"][] as $s
       | select([$access[] | select(.service == $s)] | length == 0) | "no access line of \($s)"),
      (select($gateway | length != 1) | "\($gateway | length) gateway access lines, not 1"),
      ($gateway[] | select(.parent_span_id != $client or .route != "/orders/checkout" or .status != 201)
       | "gateway: \(.route) \(.status) with parent \(.parent_span_id // "none"), not the client span"),
      ($access[] | select(.service != "gateway")
       | select(($owner[.parent_span_id // ""] // .service) == .service)
       | "\(.service) \(.route): parent \(.parent_span_id // "none") is no span of another service"),
      ($access[] | select(.service != "gateway") | select(up($up; .span_id; 8) != $gateway[0].span_id)
       | "\(.service) \(.route): not under the gateway span"),
      ($access[] | select(.service == "delivery" and .route == "/internal/assignments")
       | select(.parent_span_id != $checkout) | "delivery: the assignment is no child of the checkout span"),
      (.[] | select(.msg != "request") | select($owner[.span_id] != .service)
       | "\(.service) \"\(.msg)\": in no span of its service")'
}
trace_holds() {
  trace_report=$(trace_problems 2>&1)
  [ -z "$trace_report" ]
}
trace_report=""
if poll_quietly 5 trace_holds; then
  ok "trace $trace_id: $(trace_lines | jq -rs 'map(select(.msg == "request") | .service) | group_by(.)
      | map("\(.[0]) x\(length)") | join(", ")') access lines, one tree under the client's span $client_span"
else
  fail "the checkout's trace $trace_id does not hold: $(echo "$trace_report" | tr '\n' ';')"
  trace_lines | jq -c '{service, msg, route, status, span_id, parent_span_id}' | head -n 30
fi

# ---------------------------------------------------------------------------------------------
step "Admin restock, a refused checkout, the dashboard"

req POST "/admin/products/$mango/restock" '{"quantity":25}' "$customer"
check 403 "a customer on POST /admin/products/{id}/restock"
req POST "/admin/products/$mango/restock" '{"quantity":25}' "$admin"
expect 200 "admin POST /admin/products/{id}/restock"
same "restock reply" "$(jv '[d["product_id"], d["available"]]')" "[$mango, 33]"
req GET "/products/$mango" "" ""
expect 200 "GET /products/{mango}"
same "mango available after restock" "$(jv 'd["available"]')" 33

# More than the stock in a cart: the checkout is refused whole, no order, no stock held.
req POST /cart/items "{\"product_id\":$rice,\"quantity\":5}" "$customer"
expect 200 "POST /cart/items rice x5 (4 in stock)"
req POST /orders/checkout "$checkout_body" "$customer" -H "Idempotency-Key: e2e-short-$(hex 6)"
expect 409 "checkout of 5 rice with 4 in stock"
same "the refusal (code, shortages)" \
  "$(jv '[d["error"]["code"], [[s["product_id"], s["requested"], s["available"]] for s in d["shortages"]]]')" \
  "[\"insufficient_stock\", [[$rice, 5, 4]]]"
req GET /orders "" "$customer"
expect 200 "GET /orders"
same "the customer's orders after the refusal" "$(jv '[o["id"] for o in d["items"]]')" "[$order]"
req GET "/products/$rice" "" ""
expect 200 "GET /products/{rice}"
same "rice available after the refused checkout" "$(jv 'd["available"]')" 4
req DELETE /cart "" "$customer"
check 204 "DELETE /cart"

req GET /admin/stats "" "$admin"
expect 200 "GET /admin/stats"
# The gateway nests each service's stats under its name (docs/api.md).
same "stats: products active, units, held reservations, orders delivered, revenue, partners available, partial" \
  "$(jv '[d["product"]["products_active"], d["product"]["units_available"], d["product"]["reservations_held"], d["order"]["orders_by_status"]["delivered"], d["order"]["revenue_paise"], d["delivery"]["partners_by_status"]["available"], d["partial"]]')" \
  "[2, $((33 + 4)), 0, 1, $((subtotal + fee)), 1, false]"

# ---------------------------------------------------------------------------------------------
step "Guards"

req GET /admin/orders "" "$customer"
check 403 "a customer on GET /admin/orders"
req GET /admin/stats "" "$customer"
check 403 "a customer on GET /admin/stats"
req GET /admin/orders "" ""
check 401 "GET /admin/orders without a token"
req GET /cart "" ""
check 401 "GET /cart without a token"
req POST /orders/checkout "$checkout_body" "" -H "Idempotency-Key: $key"
check 401 "checkout without a token"
req GET /orders "" "garbage.token.value"
check 401 "GET /orders with a garbage token"
req GET "/internal/carts/$customer_id" "" "$admin"
check 404 "GET /internal/carts/{id} through the gateway"
req GET "/internal/products?ids=$mango" "" ""
check 404 "GET /internal/products through the gateway"
req POST /internal/reservations "{\"reservation_id\":\"x\",\"lines\":[{\"product_id\":$mango,\"quantity\":1}]}" "$admin"
check 404 "POST /internal/reservations through the gateway"

# Straight to the order service, around the gateway. A context signed with the right key is
# accepted (so the refusals below are about the signature, not the form).
sign_context() {
  pyq - "$1" "$2" "$3" <<'EOF'
import base64, hashlib, hmac, json, sys, time
uid, role, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
payload = '{"uid":%d,"role":"%s","exp":%d,"rid":"forged"}' % (uid, role, int(time.time()) + 60)
signed = "v1." + b64(payload.encode())
print(signed + "." + b64(hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()))
EOF
}
order_url=$(svc_url order)
raw_req GET "$order_url/orders/$order" "" "" -H "x-quickmart-context: $(sign_context "$customer_id" customer "$QUICKMART_CONTEXT_SECRET")"
check 200 "order service direct, context signed with the shared key"
raw_req GET "$order_url/orders/$order" "" "" -H "x-quickmart-context: $(sign_context "$customer_id" admin "wrong-key-$(hex 16)")"
check 401 "order service direct, context forged with a wrong key"
raw_req GET "$order_url/admin/orders" "" "" -H "x-quickmart-context: $(sign_context 1 admin "wrong-key-$(hex 16)")"
check 401 "order service direct, admin context forged with a wrong key"
raw_req GET "$order_url/orders" "" "" -H "x-quickmart-context: garbage"
check 401 "order service direct, garbage context"
raw_req GET "$order_url/orders" "" ""
check 401 "order service direct, no context"

# ---------------------------------------------------------------------------------------------
step "Secrets stay out of the logs; SIGTERM stops every service cleanly"

leaked=0
service_logs=()
for s in "${services[@]}" probe; do service_logs+=("$work/$s.log"); done
[ ${#tokens[@]} -ge 8 ] || fail "only ${#tokens[@]} tokens were collected from the logins"
for secret in "$QUICKMART_CONTEXT_SECRET" "$token_secret" "$admin_password" "$customer_password" \
              "$partner_password" "$probe_password" "${db_password[@]}" "${tokens[@]}" "Bearer "; do
  if grep -qF -- "$secret" "${service_logs[@]}"; then
    leaked=1
    fail "a secret appears in $(grep -lF -- "$secret" "${service_logs[@]}" | xargs -n1 basename | tr '\n' ' ')"
  fi
done
[ $leaked -eq 1 ] || ok "no secret, password or token (${#tokens[@]} handed out) in any service log"

for s in gateway "${db_services[@]}" notification; do
  kill -TERM "${pid[$s]}" 2>/dev/null
done
for s in gateway "${db_services[@]}" notification; do
  waited=0
  while kill -0 "${pid[$s]}" 2>/dev/null && [ $waited -lt 150 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "${pid[$s]}" 2>/dev/null; then
    fail "$s did not exit within 15 s of SIGTERM"
  else
    wait "${pid[$s]}"
    rc=$?
    [ $rc -eq 0 ] || fail "$s exited $rc after SIGTERM"
    unset "pid[$s]"
  fi
done
[ ${#pid[@]} -eq 0 ] && ok "all seven exited 0 after SIGTERM"

if [ $failures -ne 0 ]; then
  show_logs
  echo "shop e2e: $failures checks failed"
  exit 1
fi
echo "shop e2e ($(($(date +%s) - began_s)) s): database isolation, register, browse, cart, idempotent checkout, cart cleared," \
  "assignment, packing, pickup, tracking, delivery, notifications, restock and guards all as expected"
