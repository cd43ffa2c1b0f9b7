#!/usr/bin/env bash
# The quickmart command line: strict parsing (usage errors exit 2) and an honest `serve`.
# Usage: quickmart_cli_test.sh PATH_TO_QUICKMART
set -uo pipefail

bin=$1
failures=0

# expect CODE PATTERN ARGS...: runs quickmart ARGS, wants exit CODE and PATTERN in its output.
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: quickmart $* exited $rc, expected $code; output: $out"
    failures=$((failures + 1))
  elif ! grep -qF -- "$pattern" <<<"$out"; then
    echo "FAIL: quickmart $* did not print '$pattern'; output: $out"
    failures=$((failures + 1))
  fi
}

expect 0 "usage: quickmart" --help
expect 0 "usage: quickmart" help
expect 0 "quickmart 0." version
expect 2 "usage: quickmart"
expect 2 "unknown command 'frobnicate'" frobnicate
expect 2 "help takes no arguments" --help extra
expect 2 "version takes no arguments" version --verbose
expect 2 "which service?" serve
expect 2 "unknown option '--bogus'" serve auth --bogus
expect 2 "unexpected argument 'extra'" serve auth extra
expect 2 "--port needs a value" serve auth --port
expect 2 "--port must be an integer in 1..65535" serve auth --port 0
expect 2 "--port must be an integer in 1..65535" serve auth --port 8001x
expect 2 "--port must be an integer in 1..65535" serve auth --port 70000
# A name that is no service (rejected by the registry when linked, else by its shape).
expect 2 "'Auth Service'" serve "Auth Service"
expect 2 "'no_such_service'" serve no_such_service
# A well-formed serve request is refused plainly: this build has no production runtime.
expect 2 "production runtime" serve auth --port 8001
expect 2 "not in this build" serve gateway

if [ "$failures" -ne 0 ]; then
  echo "quickmart_cli_test: $failures failure(s)"
  exit 1
fi
echo "quickmart_cli_test: ok"
