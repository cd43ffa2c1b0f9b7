#!/bin/bash
# The HEALTHCHECK of a quickmart container: GET /health on this container's own listener (the
# port of QUICKMART_LISTEN), healthy on a 200. Bash's /dev/tcp does the request, so the
# runtime image needs no HTTP client; Docker's healthcheck timeout bounds the connect, `read -t`
# the answer.
set -euo pipefail
listen=${QUICKMART_LISTEN:-0.0.0.0:8000}
port=${listen##*:}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 3 status_line <&3
[[ $status_line == "HTTP/1.1 200 "* ]]
