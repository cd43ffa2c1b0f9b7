#!/usr/bin/env bash
# The image's health check (docker/healthcheck.sh, installed as quickmart-healthcheck) against a
# real service: healthy while `quickmart serve notification` listens, unhealthy once it has
# stopped; and SIGTERM (the image's STOPSIGNAL) stops the service with status 0.
#   healthcheck_test.sh QUICKMART REPO
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 QUICKMART REPO" >&2
  exit 2
fi
quickmart=$1
check="$2/docker/healthcheck.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/quickmart-healthcheck.XXXXXX")
pid=
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "healthcheck_test: $*" >&2; [[ -f $work/log ]] && tail -5 "$work/log" >&2; exit 1; }

# Port 0: the kernel picks a free port, which the service's "listening" line reports.
: >"$work/log"
QUICKMART_CONTEXT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  QUICKMART_LISTEN=127.0.0.1:0 "$quickmart" serve notification >"$work/log" 2>&1 &
pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*"msg":"listening".*"port":"\([0-9]*\)".*/\1/p' "$work/log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || die "the service exited before listening"
  sleep 0.05
done
[[ -n $port ]] || die "the service did not report its port within 5 s"

# The container sets QUICKMART_LISTEN to 0.0.0.0:PORT; the check reads the port from it.
QUICKMART_LISTEN=0.0.0.0:$port timeout 5 bash "$check" || die "unhealthy while the service listens on $port"
echo "healthy while listening on $port"

kill -TERM "$pid"
status=
for _ in $(seq 100); do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" && status=0 || status=$?
    break
  fi
  sleep 0.05
done
[[ -n $status ]] || die "the service did not stop within 5 s of SIGTERM"
[[ $status -eq 0 ]] || die "the service exited with $status on SIGTERM"
pid=
echo "SIGTERM: stopped with status 0"

if QUICKMART_LISTEN=0.0.0.0:$port timeout 5 bash "$check" 2>/dev/null; then
  die "healthy although nothing listens on $port"
fi
echo "unhealthy once stopped"
