#!/usr/bin/env bash
# `quickmart up` with PostgreSQL and Redis on a private port range and data directory: a
# first run interrupted during initdb exits 0 and leaves no half cluster; the first run
# initializes five clusters (one role and password per service database) and starts Redis;
# a smoke through the gateway (register, login, products, the admin creates a category and a
# product, the customer adds it to the cart); a role cannot reach another service's database
# nor its own cluster's maintenance database; SIGTERM -> exit 0, nothing left running; a
# second run on the same DIR reuses the clusters and secrets (no initdb, the customer still
# logs in, the cart still holds its line).
#
#   up_postgres_test.sh PATH/TO/quickmart
set -u
# shellcheck source=up_test_lib.sh
source "$(dirname "$0")/up_test_lib.sh"
up_within_budget 150 "$0" "$@"
up_test_init "$1"
pg_bin=${QUICKMART_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$pg_bin/postgres" ] || die "PostgreSQL 15 not found in $pg_bin (run scripts/setup)"
command -v redis-server >/dev/null || die "redis-server not found (run scripts/setup)"

step "A first run interrupted during initdb: exit 0, nothing running, no half cluster"
up_start "$work/up0.out"
wait_line 30 '^quickmart up: initdb '
kill -TERM "$up_pid"
waited=0
while kill -0 "$up_pid" 2>/dev/null && [ $waited -lt 200 ]; do sleep 0.1; waited=$((waited + 1)); done
wait "$up_pid"
rc=$?
up_pid=""
[ $rc -eq 0 ] || die "up interrupted during initdb exited $rc: $(cat "$up_out")"
pgrep -f -- "$data" >/dev/null && die "processes left after the interrupted start: $(pgrep -af -- "$data")"
for s in auth product cart order delivery; do
  [ -e "$data/pg/$s" ] && die "an interrupted initdb left $data/pg/$s"
done
ok "exit 0 after $((waited / 10)).$((waited % 10)) s; no process, no DIR/pg/<svc>"

step "First run: initdb x5, Redis, seven services on $base..$((base + 30))"
up_start_ready 120 "$work/up1.out"
first_ms=$ready_ms
grep -q '^quickmart up: initdb auth-db product-db cart-db order-db delivery-db (first run)$' "$up_out" ||
  die "the first run did not say it initialized the five clusters"
for s in auth product cart order delivery; do
  [ -f "$data/pg/$s/PG_VERSION" ] || die "no cluster in $data/pg/$s"
done
[ "$(recorded_pids | wc -l)" = 13 ] || die "expected 13 pid files: $(recorded_pids | tr '\n' ' ')"
[ "$(redis-cli -h 127.0.0.1 -p $((base + 20)) ping)" = PONG ] || die "Redis on $((base + 20)) does not answer"
ok "five clusters, Redis, 13 children"
secrets_before=$(cat "$data/secrets.env")

step "Smoke through the gateway"
email="asha-$RANDOM@example.com"
register_and_login "$email"
customer=$token
admin_email=$(grep '^QUICKMART_ADMIN_EMAIL=' "$data/secrets.env" | cut -d= -f2)
admin_password=$(grep '^QUICKMART_ADMIN_PASSWORD=' "$data/secrets.env" | cut -d= -f2)
req POST /auth/login "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}"
expect 200 "the admin of secrets.env logs in"
admin=$(python3 -I -S -c 'import json,sys; print(json.loads(sys.argv[1])["access_token"])' "$body")
req POST /admin/categories '{"name":"Fruit"}' "$admin"
expect 201 "create a category"
category=$(python3 -I -S -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$body")
req POST /admin/products "{\"category_id\":$category,\"name\":\"Mango\",\"price_paise\":4500,\"stock\":10}" "$admin"
expect 201 "create a product"
product=$(python3 -I -S -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$body")
req GET /products "" ""
expect 200 "GET /products"
case "$body" in *Mango*) ;; *) die "the product is not listed: $body" ;; esac
req POST /cart/items "{\"product_id\":$product,\"quantity\":2}" "$customer"
expect 200 "add it to the cart"

step "Database isolation"
psql_as() {  # ROLE PASSWORD PORT DB
  PGPASSWORD=$2 PGCONNECT_TIMEOUT=5 "$pg_bin/psql" -h 127.0.0.1 -p "$3" -U "$1" -d "$4" -w -X -qAtc 'SELECT current_user' 2>&1
}
auth_pw=$(grep '^QUICKMART_AUTH_DB_PASSWORD=' "$data/secrets.env" | cut -d= -f2)
product_pw=$(grep '^QUICKMART_PRODUCT_DB_PASSWORD=' "$data/secrets.env" | cut -d= -f2)
out=$(psql_as auth "$auth_pw" $((base + 10)) auth_db) || die "auth cannot reach auth_db: $out"
[ "$out" = auth ] || die "auth on auth_db answered '$out'"
if out=$(psql_as auth "$auth_pw" $((base + 11)) product_db); then
  die "the auth role connected to product-db's product_db: $out"
fi
ok "auth -> product-db refused: $(echo "$out" | sed -n 's/.*FATAL: *//p' | head -n 1)"
# Within its own cluster too, a role reaches its own database only.
if out=$(psql_as auth "$auth_pw" $((base + 10)) postgres); then
  die "the auth role connected to the maintenance database postgres: $out"
fi
case "$out" in
  *"permission denied for database"*) ok "auth -> postgres on auth-db refused (permission denied)" ;;
  *) die "auth -> postgres failed, but not with 'permission denied': $out" ;;
esac
if out=$(psql_as product "$auth_pw" $((base + 11)) product_db); then
  die "product's role connected with auth's password: $out"
fi
out=$(psql_as product "$product_pw" $((base + 11)) product_db) || die "product cannot reach product_db: $out"
ok "each role reaches its own database with its own password only"

step "SIGTERM"
up_stop_and_check

step "Second run on the same DIR: no initdb, same secrets, same data"
up_start_ready 90 "$work/up2.out"
second_ms=$ready_ms
grep -q 'initdb' "$up_out" && die "the second run ran initdb: $(grep initdb "$up_out")"
[ "$(cat "$data/secrets.env")" = "$secrets_before" ] || die "secrets.env changed"
req POST /auth/login "{\"email\":\"$email\",\"password\":\"a-long-password\"}"
expect 200 "the customer of the first run logs in"
req GET /cart "" "$(python3 -I -S -c 'import json,sys; print(json.loads(sys.argv[1])["access_token"])' "$body")"
expect 200 "GET /cart"
case "$body" in *"\"product_id\":$product"*) ;; *) die "the cart lost its line: $body" ;; esac
ok "the cart still holds the mango"
up_stop_and_check

[ $failures -eq 0 ] || exit 1
echo "up postgres: all checks passed in $(($(date +%s) - began_s)) s (first ready $first_ms ms, second $second_ms ms)"
