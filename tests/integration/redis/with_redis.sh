#!/usr/bin/env bash
# Runs a test binary with QUICKMART_TEST_REDIS_URL naming a private Redis: the one scripts/test
# started, or, when ctest runs the suite directly, one started here on a free loopback port and
# stopped (its directory removed) when the binary exits.
# QUICKMART_TEST_SERVERS=0 passes straight through: the suites skip their Redis cases.
#
#   with_redis.sh SOURCE_DIR BINARY [ARGS...]
set -euo pipefail

source_dir=$1
shift
if [ -n "${QUICKMART_TEST_REDIS_URL:-}" ] || [ "${QUICKMART_TEST_SERVERS:-1}" = "0" ]; then
  exec "$@"
fi

# shellcheck source=../../../scripts/lib/servers.sh
source "$source_dir/scripts/lib/servers.sh"
trap qm_stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
qm_start_redis >/dev/null
"$@"
