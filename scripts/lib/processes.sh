#!/usr/bin/env bash
# Process helpers for the scripts that start servers of their own (benchmarks, end-to-end
# tests): a liveness check and a bounded stop. Source it; it defines functions only.
#
#   qm_alive PID...       succeeds while any of the processes still runs
#   qm_stop_pids PID...   SIGTERM to all of them together, up to 5 s to finish, then SIGKILL;
#                         reaps those that are children of this shell

qm_alive() {
  local p
  for p in "$@"; do
    if kill -0 "$p" 2>/dev/null; then return 0; fi
  done
  return 1
}

qm_stop_pids() {
  local p waited=0
  if [ $# -eq 0 ]; then
    return 0
  fi
  kill -TERM "$@" 2>/dev/null || true
  while qm_alive "$@" && [ $waited -lt 50 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "$@" 2>/dev/null || true
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}
