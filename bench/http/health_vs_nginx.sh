#!/usr/bin/env bash
# Macro benchmark: GET /health served by `quickmart serve auth` against nginx answering
# `return 200` on the same machine in the same run, both loaded by wrk over loopback.
# Prints requests/s and p99 latency for both and the throughput ratio (target >= 0.7).
#
#   bench/http/health_vs_nginx.sh [build/quickmart] [seconds=10] [connections=64]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
quickmart=${1:-$root/build/quickmart}
duration_s=${2:-10}
connections=${3:-64}
for tool in wrk nginx; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "bench: $tool is missing (run scripts/setup)"; exit 2; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-bench.XXXXXX")
qm_pid=""
cleanup() {
  [ -n "$qm_pid" ] && kill "$qm_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

nginx_port=$(free_port)
qm_port=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work;
  proxy_temp_path $work;
  fastcgi_temp_path $work;
  uwsgi_temp_path $work;
  scgi_temp_path $work;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200; }
  }
}
NGINX
"$nginx_bin" -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log"

QUICKMART_TOKEN_SECRET="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
QUICKMART_CONTEXT_SECRET="bench-ctx-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "$quickmart" serve auth --storage "sqlite:$work/auth.db" --listen "127.0.0.1:$qm_port" \
  --log-level warn > "$work/quickmart.log" 2>&1 &
qm_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$qm_port/health" && break
  sleep 0.1
done

# run_wrk URL: prints "<requests/s> <p99 ms>"
run_wrk() {
  local out rps p99
  out=$(wrk -t1 -c"$connections" -d"${duration_s}s" --latency "$1")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

# One warm-up pass each, then the measured runs, alternating so both see the same machine.
wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$nginx_port/health" >/dev/null
wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$qm_port/health" >/dev/null
read -r nginx_rps nginx_p99 < <(run_wrk "http://127.0.0.1:$nginx_port/health")
read -r qm_rps qm_p99 < <(run_wrk "http://127.0.0.1:$qm_port/health")
ratio=$(awk -v a="$qm_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')

printf 'GET /health, wrk -t1 -c%s -d%ss on loopback (%s cores)\n' "$connections" "$duration_s" "$(nproc)"
printf '  nginx return 200       %10.0f req/s   p99 %8.2f ms\n' "$nginx_rps" "$nginx_p99"
printf '  quickmart serve auth   %10.0f req/s   p99 %8.2f ms\n' "$qm_rps" "$qm_p99"
printf '  throughput ratio quickmart/nginx: %s (target >= 0.70)\n' "$ratio"
