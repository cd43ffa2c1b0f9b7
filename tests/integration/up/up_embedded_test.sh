#!/usr/bin/env bash
# `quickmart up --embedded` on a private port range and data directory: the ready line; the
# shop through the gateway (register, login, products, cart, and README.md's one-minute walk
# as written); a SIGKILLed cart restarted by the supervisor (logged) and answering again;
# `cluster stop cart` keeping it down and `cluster start cart` bringing it back; `cluster`
# usage errors; a second up on the same DIR or the same ports refused; SIGTERM -> exit 0 with
# nothing left running; a new up killed with SIGKILL takes its children along (no orphan);
# a service that exits during the start fails it (exit 1).
#
#   up_embedded_test.sh PATH/TO/quickmart REPO_ROOT
set -u
# shellcheck source=up_test_lib.sh
source "$(dirname "$0")/up_test_lib.sh"
up_within_budget 90 "$0" "$@"
up_test_init "$1"
readme=$2/README.md

step "quickmart up --embedded on $base..$((base + 30))"
up_start_ready 60 "$work/up1.out" --embedded
[ "$(grep -c '^quickmart up: ready$' "$up_out")" = 1 ] || die "'quickmart up: ready' printed more than once"
grep -q "^quickmart up: gateway *http://127.0.0.1:$base$" "$up_out" || die "no gateway URL printed"
[ "$(stat -c %a "$data/secrets.env")" = 600 ] || die "secrets.env is not mode 0600"
( set -a; . "$data/secrets.env"; [ ${#QUICKMART_TOKEN_SECRET} -ge 32 ] && [ -n "$QUICKMART_ADMIN_EMAIL" ] ) ||
  die "secrets.env is not sourceable with the secrets"
for f in "$data"/sqlite/{auth,product,cart,order,delivery}.db; do [ -f "$f" ] || die "no $f"; done
[ "$(cat "$data/run/up.pid")" = "$up_pid" ] || die "run/up.pid is not up's pid"
[ "$(recorded_pids | wc -l)" = 7 ] || die "expected 7 pid files: $(recorded_pids | tr '\n' ' ')"
ok "URLs printed, secrets.env 0600 and sourceable, five SQLite files, seven pid files"

step "The shop through the gateway"
register_and_login "asha-$RANDOM@example.com"
req GET /products ""
expect 200 "GET /products"
req GET /cart "" "$token"
expect 200 "GET /cart"

step "README.md's one-minute walk, as written (its port and data directory swapped for ours)"
python3 -I -S - "$readme" "$base" "$data" >"$work/walk.sh" <<'PY' || die "no walk in README.md's 'Try it in one minute'"
import sys
text = open(sys.argv[1]).read()
section = text[text.index("## Try it in one minute"):]
section = section[:section.index("\n## ", 3)]
walk = section.split("```sh\n")[2].split("```")[0]
assert "gw=localhost:8000" in walk and "quickmart-data/secrets.env" in walk
print(walk.replace("gw=localhost:8000", "gw=localhost:" + sys.argv[2])
          .replace("quickmart-data/secrets.env", sys.argv[3] + "/secrets.env"))
PY
walk_out=$(bash -u "$work/walk.sh" 2>&1) || die "the walk failed: $walk_out"
case "$walk_out" in
  *'"name":"Mango","unit_price_paise":4500,"quantity":2'*) ok "the admin stocked a mango, Asha has two in her cart" ;;
  *) die "the walk did not end with two mangoes in the cart: $walk_out" ;;
esac

step "SIGKILL cart: restarted with backoff, logged"
old=$(cat "$data/run/cart.pid")
kill -KILL "$old"
wait_line 10 '^quickmart up: cart exited \(signal 9\); restarting in [0-9]+ ms \(restart 1\)$'
wait_line 20 '^quickmart up: cart is ready again$'
new=$(cat "$data/run/cart.pid")
[ "$new" != "$old" ] || die "cart.pid did not change"
req GET /cart "" "$token"
expect 200 "GET /cart after the restart (pid $old -> $new)"

step "quickmart cluster stop/start cart"
"$quickmart" cluster status --data "$data" >"$work/status" || die "cluster status failed"
grep -qE "^cart +ready +$new$" "$work/status" || die "status: $(cat "$work/status")"
[ "$(wc -l <"$work/status")" = 7 ] || die "status lists $(wc -l <"$work/status") children, not 7"
"$quickmart" cluster stop cart --data "$data" || die "cluster stop cart failed"
kill -0 "$new" 2>/dev/null && die "cart (pid $new) still runs after cluster stop"
[ -f "$data/run/cart.pid" ] && die "run/cart.pid still there after cluster stop"
sleep 1.5  # longer than the first restart delay: the restart policy must leave it alone
[ -f "$data/run/cart.pid" ] && die "cart came back by itself"
"$quickmart" cluster status --data "$data" | grep -qE '^cart +stopped +-$' || die "status does not say stopped"
req GET /cart "" "$token"
[ "$status" != 200 ] || die "GET /cart answered 200 with cart stopped"
ok "stopped and stays stopped (GET /cart -> $status)"
"$quickmart" cluster start cart --data "$data" || die "cluster start cart failed"
req GET /cart "" "$token"
expect 200 "GET /cart after cluster start"
grep -q '^quickmart up: cart stopped by the operator$' "$up_out" || die "the stop was not logged"

step "cluster usage and a second up on the same DIR"
"$quickmart" cluster stop payments --data "$data" 2>/dev/null
[ $? = 2 ] || die "cluster stop payments: not a usage error"
"$quickmart" cluster stop product-db --data "$data" 2>/dev/null
[ $? = 1 ] || die "cluster stop product-db in embedded mode: not exit 1"
"$quickmart" cluster status --data "$work/nowhere" 2>/dev/null
[ $? = 1 ] || die "cluster status without an up: not exit 1"
"$quickmart" up --embedded --base-port "$base" --data "$data" >"$work/second.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "another quickmart up runs on" "$work/second.out" || die "second up: rc $rc: $(cat "$work/second.out")"
"$quickmart" up --embedded --base-port "$base" --data "$work/other" >"$work/third.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "port $base (gateway) is already in use" "$work/third.out" || die "up on busy ports: rc $rc: $(cat "$work/third.out")"
ok "usage 2, not part of the cluster 1, no up 1, second up on DIR refused, busy ports refused"

step "SIGTERM"
up_stop_and_check
grep -q '^quickmart up: stopped$' "$up_out" || die "no 'stopped' line"

step "A SIGKILLed up takes its children along"
up_start "$work/up2.out" --embedded
wait_line 60 '^quickmart up: ready$'
pids=$(recorded_pids | awk '{print $2}')
kill -KILL "$up_pid"
wait "$up_pid" 2>/dev/null
up_pid=""
waited=0
for p in $pids; do
  while kill -0 "$p" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -0 "$p" 2>/dev/null && die "child $p survived the SIGKILL of quickmart up"
done
ok "all $(echo $pids | wc -w) children gone within $((waited / 10)).$((waited % 10)) s"

step "A child that cannot start fails the start: exit 1 naming it and its log, nothing left"
QUICKMART_MAX_CONNECTIONS=lots "$quickmart" up --embedded --base-port "$base" --data "$work/bad" >"$work/bad.out" 2>&1
rc=$?
[ $rc = 1 ] || die "up with a service that exits at start: rc $rc, not 1: $(cat "$work/bad.out")"
grep -qE "^quickmart up: failed to start: [a-z]+ exited \(status 2\) while starting; see $work/bad/logs/[a-z]+\.log$" "$work/bad.out" ||
  die "the failure does not name the child and its log: $(cat "$work/bad.out")"
ls "$work"/bad/run/*.pid >/dev/null 2>&1 && die "pid files left after a failed start: $(ls "$work"/bad/run)"
pgrep -f -- "--data $work/bad" >/dev/null && die "processes left after a failed start"
ok "$(grep -o 'failed to start: .*' "$work/bad.out")"

[ $failures -eq 0 ] || exit 1
echo "up embedded: all checks passed in $(($(date +%s) - began_s)) s"
