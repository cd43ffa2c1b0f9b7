# Private PostgreSQL and Redis instances for the test suites: started on free loopback ports
# in a scratch directory, stopped (and the directory removed) by qm_stop_servers, which
# scripts/test runs from an EXIT trap. Nothing here touches a system-wide server.
#
#   source scripts/lib/servers.sh
#   trap qm_stop_servers EXIT
#   qm_start_postgres   # exports QUICKMART_TEST_PG_URL
#   qm_start_redis      # exports QUICKMART_TEST_REDIS_URL
#
# Both wait (boundedly) until the server answers a query, so a started server is a working one.

QM_PG_BIN=${QM_PG_BIN:-/usr/lib/postgresql/15/bin}
QM_SERVERS_DIR=""
QM_PG_DATA=""
QM_PG_USER=""
QM_PG_PORT=""
QM_PG_LOG=""
QM_REDIS_PID=""
QM_START_WAIT_S=${QM_START_WAIT_S:-30}

# A TCP port on 127.0.0.1 that nobody listens on right now.
qm_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# N distinct free ports, one per line: all bound at once, so the kernel cannot hand the same
# port out twice (separate qm_free_port calls can, once in a while).
qm_free_ports() {
  python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
' "$1"
}

# Creates the scratch directory once (not in a subshell: the caller needs the variable).
qm_ensure_servers_dir() {
  if [ -z "$QM_SERVERS_DIR" ]; then
    QM_SERVERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-servers.XXXXXX")
    chmod 755 "$QM_SERVERS_DIR"
  fi
}

# PostgreSQL refuses to run as root, so as root its commands run as an unprivileged user:
# `postgres` (created by the Debian package) or, failing that, a dedicated system user.
qm_pg_user() {
  if [ "$(id -u)" -ne 0 ]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    if ! id quickmart-test >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin quickmart-test
    fi
    echo quickmart-test
  fi
}

qm_as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$QM_PG_USER" -- "$@"
  else
    "$@"
  fi
}

# Starts the cluster in $QM_PG_DATA on $QM_PG_PORT. Durability is not what the tests
# measure: no fsync, and sockets only in the scratch dir.
qm_pg_ctl_start() {
  QM_PG_LOG="$(dirname "$QM_PG_DATA")/server.log"
  qm_as_pg_user "$QM_PG_BIN/pg_ctl" -D "$QM_PG_DATA" -l "$QM_PG_LOG" -w \
      -t "$QM_START_WAIT_S" -o "-p $QM_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$(dirname "$QM_PG_DATA") -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
}

# For fault drills: stops the running cluster at once (as a crash would) ...
qm_kill_postgres() {
  qm_as_pg_user "$QM_PG_BIN/pg_ctl" -D "$QM_PG_DATA" -m immediate -w stop >/dev/null 2>&1
}

# ... and starts it again on the same port with the same data.
qm_restart_postgres() {
  qm_pg_ctl_start
}

qm_start_postgres() {
  if [ ! -x "$QM_PG_BIN/initdb" ] || [ ! -x "$QM_PG_BIN/pg_ctl" ]; then
    echo "servers: PostgreSQL 15 not found in $QM_PG_BIN (run scripts/setup)" >&2
    return 1
  fi
  local dir port
  qm_ensure_servers_dir
  dir="$QM_SERVERS_DIR/postgres"
  mkdir -p "$dir"
  QM_PG_USER=$(qm_pg_user)
  if [ "$(id -u)" -eq 0 ]; then
    chown "$QM_PG_USER" "$dir"
  fi
  chmod 700 "$dir"
  port=$(qm_free_port)
  QM_PG_DATA="$dir/data"
  if ! qm_as_pg_user "$QM_PG_BIN/initdb" -D "$QM_PG_DATA" -U quickmart -A trust -E UTF8 \
      --no-sync >"$dir/initdb.log" 2>&1; then
    echo "servers: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    QM_PG_DATA=""
    return 1
  fi
  QM_PG_PORT=$port
  if ! qm_pg_ctl_start; then
    echo "servers: PostgreSQL did not start:" >&2
    cat "$QM_PG_LOG" >&2
    return 1
  fi
  local waited=0
  until "$QM_PG_BIN/psql" -h 127.0.0.1 -p "$port" -U quickmart -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1; do
    waited=$((waited + 1))
    if [ "$waited" -gt "$QM_START_WAIT_S" ]; then
      echo "servers: PostgreSQL on port $port does not answer" >&2
      return 1
    fi
    sleep 1
  done
  "$QM_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U quickmart quickmart_test
  export QUICKMART_TEST_PG_URL="postgresql://quickmart@127.0.0.1:$port/quickmart_test"
  echo "servers: PostgreSQL on 127.0.0.1:$port (QUICKMART_TEST_PG_URL=$QUICKMART_TEST_PG_URL)"
}

qm_start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "servers: redis-server not found (run scripts/setup)" >&2
    return 1
  fi
  local dir port
  qm_ensure_servers_dir
  dir="$QM_SERVERS_DIR/redis"
  mkdir -p "$dir"
  port=$(qm_free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  local waited=0
  until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; do
    waited=$((waited + 1))
    if [ "$waited" -gt "$QM_START_WAIT_S" ]; then
      echo "servers: Redis on port $port does not answer:" >&2
      cat "$dir/redis.log" >&2 || true
      return 1
    fi
    sleep 1
  done
  QM_REDIS_PID=$(cat "$dir/redis.pid")
  export QUICKMART_TEST_REDIS_URL="redis://127.0.0.1:$port"
  echo "servers: Redis on 127.0.0.1:$port (QUICKMART_TEST_REDIS_URL=$QUICKMART_TEST_REDIS_URL)"
}

# Stops whatever qm_start_* started and removes the scratch directory. Safe to call twice.
qm_stop_servers() {
  if [ -n "$QM_PG_DATA" ] && [ -f "$QM_PG_DATA/postmaster.pid" ]; then
    qm_as_pg_user "$QM_PG_BIN/pg_ctl" -D "$QM_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  QM_PG_DATA=""
  if [ -z "$QM_REDIS_PID" ] && [ -n "$QM_SERVERS_DIR" ] && [ -f "$QM_SERVERS_DIR/redis/redis.pid" ]; then
    QM_REDIS_PID=$(cat "$QM_SERVERS_DIR/redis/redis.pid")
  fi
  if [ -n "$QM_REDIS_PID" ]; then
    kill "$QM_REDIS_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$QM_REDIS_PID" 2>/dev/null && [ "$waited" -lt 50 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  QM_REDIS_PID=""
  if [ -n "$QM_SERVERS_DIR" ]; then
    rm -rf "$QM_SERVERS_DIR"
  fi
  QM_SERVERS_DIR=""
  unset QUICKMART_TEST_PG_URL QUICKMART_TEST_REDIS_URL
}
