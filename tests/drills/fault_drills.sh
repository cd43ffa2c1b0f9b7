#!/usr/bin/env bash
# Fault drills on the real cluster: `quickmart up` (PostgreSQL per service, Redis) on loopback
# ports of the drill's own, a catalogue seeded by the admin, virtual customers under load
# (tests/drills/load_driver.py), and three faults:
#   a) the order service SIGKILLed mid-checkout, restarted by the launcher: every order
#      acknowledged to a client exists, none twice, stock and reservations agree;
#   b) product-db stopped: cached listings served stale, tracking and auth keep working,
#      checkout answers 503 and gets its order once the database is back;
#   c) Redis stopped: the rate limits hold (in memory, to the bound docs/resilience.md gives),
#      well-behaved clients are not limited, nothing answers 5xx.
# Then SIGTERM to the launcher: it exits 0 and no process it ever ran is left.
# It prints every action with its time and every check with PASS/FAIL and figures
# (drill_checks.py, drill_steps.py), and fails on any lost or duplicated order, any 500, any
# failed check and any process left running. Bounded: `timeout` around the whole run, every
# wait bounded, a trap that stops everything.
#
#   fault_drills.sh PATH/TO/quickmart REPO_ROOT
#
#   QM_DRILLS_BUDGET_S   hard limit on the whole run (default 150)
#   QM_DRILLS_KEEP=1     keep the scratch directory (logs, reports) after a run
#   QM_DRILLS_CHECKOUT_LEASE_S  order's checkout lease in the drill (default 5; the service's
#                        own default, 30, also passes: clients then give up on the checkouts
#                        the kill cut off, and the checks wait for their recovery)
set -u
budget_s=${QM_DRILLS_BUDGET_S:-150}
if [ -z "${QM_DRILLS_TIMED:-}" ]; then
  QM_DRILLS_TIMED=1 exec timeout --kill-after=20 "$budget_s" "$0" "$@"
fi
quickmart=$1
root=$2
here=$root/tests/drills
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 not found"; exit 1; }

began_s=$(date +%s)
stamp() { echo "[$(date -u +%H:%M:%S) +$(($(date +%s) - began_s)) s]"; }
act() { echo "$(stamp) $*"; }
failures=0
fail() { echo "  FAIL $*"; failures=$((failures + 1)); }
pass() { echo "  PASS $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-drills.XXXXXX")
chmod 755 "$work"  # PostgreSQL runs as an unprivileged user and must reach its directory below
data=$work/data
up_pid=""
declare -A seen_pid=()  # every pid DIR/run ever named: none may outlive the drill

# Copies every pid the launcher has written so far (its own and its children's).
record_pids() {
  local f p
  for f in "$data"/run/*.pid; do
    [ -f "$f" ] || continue
    p=$(head -n 1 "$f" 2>/dev/null | tr -dc 0-9)
    [ -n "$p" ] && seen_pid[$p]=$(basename "$f" .pid)
  done
}

# Running: exists and is no zombie (a dead child nobody reaped yet has exited all the same).
running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Processes still running among those the drill saw, and any with DIR on its command line.
leftovers() {
  local p
  for p in "${!seen_pid[@]}"; do
    if running "$p"; then echo "$p (${seen_pid[$p]})"; fi
  done
  # The path travels in the environment, so this awk's own command line does not match.
  ps -eo pid=,stat=,args= | D=$data awk 'index($0, ENVIRON["D"]) && $2 !~ /^Z/ {print $1 " (" $3 ")"}'
}

show_logs() {
  local f
  echo "--- quickmart up output (tail)"
  tail -n 20 "$work/up.out" 2>/dev/null
  for f in "$data"/logs/*.log; do
    [ -f "$f" ] || continue
    echo "--- $(basename "$f") (errors, tail)"
    grep -E '"level":"(error|warn)"|FATAL|ERROR' "$f" | tail -n 6
  done
}

cleanup() {
  local p
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    kill -TERM "$up_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  record_pids
  # Whatever is still alive (a launcher that did not stop its children): SIGKILL, by pid.
  for p in $(leftovers | awk '{print $1}'); do kill -KILL "$p" 2>/dev/null; done
  if [ "${QM_DRILLS_KEEP:-0}" = 1 ]; then
    echo "fault drills: scratch directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'echo "FAIL: stopped by a signal (over the ${budget_s} s budget, or interrupted)"; show_logs; exit 1' INT TERM

die() {
  echo "  FAIL $*"
  show_logs
  echo "fault drills: stopped at the first fatal failure ($((failures + 1)) failed)"
  exit 1
}

# `quickmart cluster VERB NAME` on the drill's cluster, narrated; the drill dies if it fails.
cluster() {
  act "quickmart cluster $1 $2"
  "$quickmart" cluster "$1" "$2" --data "$data" >"$work/cluster-$1-$2.out" 2>&1 ||
    die "cluster $1 $2 exited $?: $(cat "$work/cluster-$1-$2.out")"
}

for tool in curl python3 ps; do command -v "$tool" >/dev/null || die "$tool not found"; done

# A base port whose whole range (N..N+30) is free right now, from a random start so that
# drills on one machine do not race for the same range, and below the kernel's ephemeral range:
# the drill opens thousands of connections, and one of them must never take the port of a
# child that is down (order restarting, product-db or Redis stopped) and keep it from binding.
base=$("$py" - <<'EOF'
import random, socket
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    ephemeral_low = int(f.read().split()[0])
for _ in range(200):
    base = random.randrange(10000, max(10050, ephemeral_low - 31), 50)
    if base + 30 >= ephemeral_low:
        continue
    socks, ok = [], True
    for p in range(base, base + 31):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            socks.append(s)
        except OSError:
            ok = False
            s.close()
            break
    for s in socks:
        s.close()
    if ok:
        print(base)
        break
EOF
)
[ -n "$base" ] || die "no free range of 31 loopback ports"
gw=http://127.0.0.1:$base
drive() { "$py" "$here/load_driver.py" "$@"; }
steps() { "$py" "$here/drill_steps.py" --gateway "$gw" "$@"; }
checks() { "$py" "$here/drill_checks.py" check "$@"; }

# ---------------------------------------------------------------------------------------------
act "quickmart up --base-port $base --data DIR (PostgreSQL per service, Redis)"
# Passed through by the launcher to the services that have these options: cheap password
# hashing for the drill's many logins, and a short checkout lease so a checkout cut off by
# the SIGKILL is recovered (and can be retried) within the drill instead of after 30 s.
export QUICKMART_SCRYPT_N=1024 QUICKMART_CHECKOUT_LEASE_S=${QM_DRILLS_CHECKOUT_LEASE_S:-5}
"$quickmart" up --base-port "$base" --data "$data" >"$work/up.out" 2>&1 &
up_pid=$!
waited=0
until grep -qx "quickmart up: ready" "$work/up.out" 2>/dev/null; do
  kill -0 "$up_pid" 2>/dev/null || die "quickmart up exited before it was ready"
  waited=$((waited + 1))
  [ $waited -le 600 ] || die "quickmart up not ready within 60 s"
  sleep 0.1
done
record_pids
[ "$(grep -cx "quickmart up: ready" "$work/up.out")" = 1 ] || fail "quickmart up printed 'ready' more than once"
act "ready after $((waited / 10)) s: ${#seen_pid[@]} pids in DIR/run"
[ -f "$data/secrets.env" ] || die "no DIR/secrets.env"
set -a
# shellcheck disable=SC1091
source "$data/secrets.env"
set +a
export QM_DRILL_ORDER_DB_URL="postgresql://order:$QUICKMART_ORDER_DB_PASSWORD@127.0.0.1:$((base + 13))/order_db"
export QM_DRILL_PRODUCT_DB_URL="postgresql://product:$QUICKMART_PRODUCT_DB_PASSWORD@127.0.0.1:$((base + 11))/product_db"

act "the admin seeds the catalogue; 46 customers register and log in (one loopback address each)"
steps seed --out "$work/catalogue.json" --products 20 --stock-min 40 --stock-max 80 || die "seeding failed"
drive register --gateway "$gw" --count 46 --out "$work/customers.json" || die "registering customers failed"
# Customers 0..23 carry the load of phase a, 24..35 that of phase b and 36..43 the polite load
# of phase c (each phase's customers start with a fresh minute of rate limit), 44 probes the
# product-db outage, 45 runs past the limits.
reports=()

# ---------------------------------------------------------------------------------------------
act "phase a: load (24 customers, 8 at a time, 14 s); SIGKILL to order mid-checkout"
drive run --gateway "$gw" --customers "$work/customers.json" --use-customers 0 24 \
  --catalogue "$work/catalogue.json" --report "$work/a.json" --progress "$work/a.progress" \
  --label "phase a" --duration-s 14 --concurrency 8 --checkout-retry-s 20 --seed 11 >"$work/a.out" 2>&1 &
driver_pid=$!
in_flight() {
  "$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["acknowledged"] >= 15 and d["checkouts_in_flight"] >= 2 else 1)' \
    "$work/a.progress" 2>/dev/null
}
waited=0
until in_flight; do
  waited=$((waited + 1))
  [ $waited -le 200 ] || die "no checkout in flight within 20 s: $(cat "$work/a.progress" 2>/dev/null)"
  kill -0 "$driver_pid" 2>/dev/null || die "the load driver ended early: $(cat "$work/a.out")"
  sleep 0.1
done
old_order=$(cat "$data/run/order.pid")
act "kill -9 order (pid $old_order) with $(cat "$work/a.progress")"
kill -KILL "$old_order" || die "cannot kill order pid $old_order"
killed_s=$(date +%s)
restarted() {
  local p
  p=$(cat "$data/run/order.pid" 2>/dev/null)
  [ -n "$p" ] && [ "$p" != "$old_order" ] && kill -0 "$p" 2>/dev/null &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$((base + 4))/health")" = 200 ]
}
waited=0
until restarted; do
  waited=$((waited + 1))
  [ $waited -le 150 ] || die "order not restarted within 15 s of the SIGKILL"
  sleep 0.1
done
record_pids
new_order=$(cat "$data/run/order.pid")
pass "order restarted by the launcher: pid $old_order -> $new_order, answering after $(($(date +%s) - killed_s)) s"
restart_lines=$(grep -E "^quickmart up: order .*(exit|restart|ready again)" "$work/up.out" | sed 's/^quickmart up: //')
if [ -n "$restart_lines" ]; then
  pass "the launcher logged it: $(echo "$restart_lines" | paste -s -d '|' | sed 's/|/ | /g')"
else
  fail "the launcher printed no event line about order's restart"
fi
wait "$driver_pid" || fail "the load driver of phase a did not finish cleanly"
cat "$work/a.out"
reports+=(--report "$work/a.json")
# The kill must have hit checkouts, or phase a proved nothing: some met no answer or a 5xx, and
# their clients got their orders by sending the same key again.
hit=$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
failed = sum(1 for e in r["requests"] if e["r"] == "POST /orders/checkout" and (e["s"] == 0 or e["s"] >= 500))
retried = [a for a in r["acknowledged"] if a["attempts"] > 1]
print(failed, len(retried), sum(1 for a in retried if a["status"] == 200))' "$work/a.json")
read -r hit_failed hit_retried hit_replayed <<<"$hit"
if [ "${hit_failed:-0}" -gt 0 ] && [ "${hit_retried:-0}" -gt 0 ]; then
  pass "the kill hit checkouts: $hit_failed checkout tries met no answer or a 5xx; $hit_retried checkouts acknowledged after retries with their key ($hit_replayed answered 200: created by a try the kill cut off)"
else
  fail "the kill hit no checkout ($hit_failed failed tries, $hit_retried acknowledged after retries)"
fi
act "checks after phase a"
checks "${reports[@]}" --phase "after the SIGKILL" --settle-s 15 || fail "checks after phase a"

# ---------------------------------------------------------------------------------------------
act "phase b: product-db stopped under load (12 customers, 4 at a time, 14 s)"
steps restock --catalogue "$work/catalogue.json" --count 3 --quantity 10 || fail "restock"
steps before-product-outage --customers "$work/customers.json" --customer 44 --catalogue "$work/catalogue.json" \
  --tracked-report "$work/a.json" --state "$work/b.state" --report "$work/b1.json" || fail "before the product-db outage"
reports+=(--report "$work/b1.json")
# Sessions caught by the outage meet 503s (a cart add needs product; the cart is then emptied);
# a checkout caught by it is sent again with its key until the database is back.
drive run --gateway "$gw" --customers "$work/customers.json" --use-customers 24 12 \
  --catalogue "$work/catalogue.json" --report "$work/b.json" --label "phase b" --duration-s 14 \
  --concurrency 4 --checkout-retry-s 30 --seed 12 >"$work/b.out" 2>&1 &
driver_pid=$!
sleep 1
cluster stop product-db
steps during-product-outage --customers "$work/customers.json" --customer 44 --state "$work/b.state" \
  --report "$work/b2.json" --checkout-tries 2 || fail "during the product-db outage"
reports+=(--report "$work/b2.json")
cluster start product-db
record_pids
steps after-product-outage --customers "$work/customers.json" --customer 44 --state "$work/b.state" \
  --report "$work/b3.json" --within-s 20 || fail "after the product-db outage"
reports+=(--report "$work/b3.json")
wait "$driver_pid" || fail "the load driver of phase b did not finish cleanly"
cat "$work/b.out"
reports+=(--report "$work/b.json")
act "checks after phase b"
checks "${reports[@]}" --phase "after the product-db outage" --settle-s 15 || fail "checks after phase b"

# ---------------------------------------------------------------------------------------------
act "phase c: Redis stopped under a polite load (8 customers, 50 requests a minute each)"
drive run --gateway "$gw" --customers "$work/customers.json" --use-customers 36 8 \
  --catalogue "$work/catalogue.json" --report "$work/c.json" --label "phase c" --duration-s 8 \
  --concurrency 3 --per-customer-per-min 50 --think-ms 100 --seed 13 >"$work/c.out" 2>&1 &
driver_pid=$!
sleep 1
cluster stop redis
steps rate-limit --customers "$work/customers.json" --customer 45 --state "$work/c.state" \
  --report "$work/c1.json" --expect-backend memory || fail "rate limits with Redis down"
reports+=(--report "$work/c1.json")
cluster start redis
record_pids
steps rate-limit-after --customers "$work/customers.json" --customer 45 --state "$work/c.state" \
  --report "$work/c2.json" --within-s 15 || fail "rate limits once Redis is back"
reports+=(--report "$work/c2.json")
wait "$driver_pid" || fail "the load driver of phase c did not finish cleanly"
cat "$work/c.out"
reports+=(--report "$work/c.json")

# ---------------------------------------------------------------------------------------------
act "final checks over every report"
checks "${reports[@]}" --polite-report "$work/c.json" --logs "$data/logs" --phase final --settle-s 20 --final --summary "$work/final.json" ||
  fail "final checks"

act "SIGTERM to quickmart up (pid $up_pid)"
record_pids
kill -TERM "$up_pid"
waited=0
while kill -0 "$up_pid" 2>/dev/null && [ $waited -lt 300 ]; do
  sleep 0.1
  waited=$((waited + 1))
done
if kill -0 "$up_pid" 2>/dev/null; then
  fail "quickmart up still running 30 s after SIGTERM"
else
  wait "$up_pid"
  rc=$?
  up_pid=""
  if [ $rc -eq 0 ]; then pass "quickmart up exited 0 after $((waited / 10)) s"; else fail "quickmart up exited $rc after SIGTERM"; fi
fi
left=$(leftovers)
if [ -z "$left" ]; then
  pass "nothing left running: none of the ${#seen_pid[@]} pids seen in DIR/run is alive, no process names DIR"
else
  fail "left running: $(echo "$left" | tr '\n' ' ')"
fi

wall_s=$(($(date +%s) - began_s))
if [ $failures -ne 0 ]; then
  show_logs
  echo "fault drills: $failures failed ($wall_s s)"
  exit 1
fi
echo "fault drills: all held in $wall_s s — $("$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("; ".join(v["figures"] for v in d.values()))' "$work/final.json")"
