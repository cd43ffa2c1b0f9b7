# Helpers of the `quickmart up` tests: a time budget, a free port range, starting up in the
# background, bounded waits on its output, a register/login through the gateway, and a
# cleanup that stops every process the test started. Source it; it defines functions only.
#
#   up_within_budget SECONDS "$0" "$@"   re-runs the script under timeout (first thing to call)
#   up_test_init PATH/TO/quickmart       sets the variables below and installs the traps
#
#   work          the scratch directory (removed on exit)
#   data          the --data DIR of the runs (inside $work)
#   base          a base port whose whole range base..base+30 was free
#   up_pid        the pid of the running `quickmart up` ("" when none)

# Past the budget (QM_UP_TEST_BUDGET_S overrides it), timeout sends SIGTERM: the trap stops
# every process and removes the scratch directory (SIGKILL 10 s later if even that hangs).
up_within_budget() {
  local budget_s=${QM_UP_TEST_BUDGET_S:-$1}
  shift
  if [ -z "${QM_UP_TEST_TIMED:-}" ]; then
    QM_UP_TEST_TIMED=$budget_s exec timeout --kill-after=10 "$budget_s" "$@"
  fi
}

up_test_init() {
  quickmart=$1
  work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-up.XXXXXX")
  chmod 755 "$work"  # PostgreSQL's user must reach the clusters below
  data="$work/data"
  up_pid=""
  up_out=""
  failures=0
  began_s=$(date +%s)
  trap up_cleanup EXIT
  trap 'echo "FAIL: stopped by a signal (over the ${QM_UP_TEST_TIMED} s budget?)"; show_logs; exit 1' INT TERM
  base=$(free_base_port)
  [ -n "$base" ] || die "no free range of 31 ports"
}

step() { echo "== [+$(($(date +%s) - began_s)) s] $*"; }
ok() { echo "  ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
show_logs() {
  local f
  [ -n "$up_out" ] && [ -f "$up_out" ] && { echo "--- quickmart up output (tail)"; tail -n 30 "$up_out"; }
  for f in "$data"/logs/*.log; do
    [ -f "$f" ] || continue
    echo "--- $(basename "$f") (tail)"
    tail -n 8 "$f"
  done
}
die() {
  echo "FAIL: $*"
  show_logs
  exit 1
}

# A base port N with N..N+30 all free on 127.0.0.1 (each bound once to be sure), printed.
free_base_port() {
  python3 -I -S -c '
import random, socket
for _ in range(200):
    # Below the ephemeral range (32768..60999 by default), where outgoing connections pick
    # their ports: a range chosen there could be taken between this check and the start.
    n = random.randrange(20000, 32700)
    socks = []
    try:
        for p in range(n, n + 31):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(n)
    break
'
}

# The children's pid files (DIR/run/<name>.pid, not up.pid), as "name pid" lines.
recorded_pids() {
  local f
  for f in "$data"/run/*.pid; do
    [ -f "$f" ] && [ "$(basename "$f")" != up.pid ] || continue
    echo "$(basename "$f" .pid) $(cat "$f")"
  done
}

# up_start OUTFILE ARGS...: quickmart up in the background, its stdout+stderr in OUTFILE.
up_start() {
  up_out=$1
  shift
  "$quickmart" up --base-port "$base" --data "$data" "$@" >"$up_out" 2>&1 &
  up_pid=$!
}

# up_start_ready SECONDS OUTFILE ARGS...: up_start, then waits for `quickmart up: ready`;
# sets $ready_ms and shows up's timing lines.
ready_ms=""
up_start_ready() {
  local limit_s=$1 t0
  shift
  t0=$(date +%s%N)
  up_start "$@"
  wait_line "$limit_s" '^quickmart up: ready$'
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  ok "ready in $ready_ms ms ($(grep -oE '^quickmart up: [a-z ]+ \(\+[0-9]+ ms\)' "$up_out" | sed 's/^quickmart up: //' | paste -sd ';' -))"
}

# wait_line SECONDS PATTERN: until the output has a line matching PATTERN (grep -E), or die.
wait_line() {
  local limit_s=$1 pattern=$2 start
  start=$(date +%s)
  until grep -qE "$pattern" "$up_out" 2>/dev/null; do
    [ $(($(date +%s) - start)) -lt "$limit_s" ] || die "no line '$pattern' within $limit_s s"
    if [ -n "$up_pid" ] && ! kill -0 "$up_pid" 2>/dev/null; then
      grep -qE "$pattern" "$up_out" 2>/dev/null && return 0
      die "quickmart up exited before printing '$pattern'"
    fi
    sleep 0.1
  done
}

# up_stop_and_check: SIGTERM, exit 0 within 40 s, no recorded pid alive, no pid file left.
up_stop_and_check() {
  local pids p rc waited=0
  pids=$(recorded_pids | awk '{print $2}')
  kill -TERM "$up_pid"
  while kill -0 "$up_pid" 2>/dev/null && [ $waited -lt 400 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -0 "$up_pid" 2>/dev/null && die "quickmart up still runs 40 s after SIGTERM"
  wait "$up_pid"
  rc=$?
  up_pid=""
  [ "$rc" -eq 0 ] || die "quickmart up exited $rc after SIGTERM"
  for p in $pids; do
    kill -0 "$p" 2>/dev/null && die "pid $p still runs after quickmart up stopped"
  done
  [ -z "$(recorded_pids)" ] || die "pid files left: $(recorded_pids | tr '\n' ' ')"
  [ -f "$data/run/up.pid" ] && die "run/up.pid left"
  ok "SIGTERM: exit 0 in $((waited / 10)).$((waited % 10)) s, none of $(echo $pids | wc -w) children alive, no pid file left"
}

# The trap: whatever still runs goes (up first, whose children follow it), then the scratch dir.
up_cleanup() {
  local p
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    kill -TERM "$up_pid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$up_pid" 2>/dev/null
  fi
  for p in $(recorded_pids | awk '{print $2}'); do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}

# HTTP through the gateway: req METHOD PATH BODY [TOKEN] sets $status and $body.
status=""
body=""
req() {
  local args=(-s -o "$work/body" -w '%{http_code}' --max-time 10 -X "$1" "http://127.0.0.1:$base$2")
  [ -n "$3" ] && args+=(-H 'Content-Type: application/json' --data "$3")
  [ -n "${4:-}" ] && args+=(-H "Authorization: Bearer $4")
  rm -f "$work/body"
  status=$(curl "${args[@]}") || status=000
  body=$(cat "$work/body" 2>/dev/null)
}
expect() { [ "$status" = "$1" ] || die "$2: expected $1, got $status $body"; ok "$2 -> $1"; }

# register_and_login EMAIL: sets $token.
token=""
register_and_login() {
  req POST /auth/register "{\"email\":\"$1\",\"password\":\"a-long-password\",\"name\":\"Asha\"}"
  expect 201 "register $1"
  req POST /auth/login "{\"email\":\"$1\",\"password\":\"a-long-password\"}"
  expect 200 "login $1"
  token=$(python3 -I -S -c 'import json,sys; print(json.loads(sys.argv[1])["access_token"])' "$body")
}
