#!/usr/bin/env bash
# The quickmart command line: strict parsing, usage errors exit 2 naming what is wrong.
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
expect 2 "which service?" serve --listen 1:2
# A name that is no service is rejected by the registry.
expect 2 "'Auth Service'" serve "Auth Service"
expect 2 "'no_such_service'" serve no_such_service
# serve's own options: --help lists each with its variable; bad ones are usage errors that
# name the flag and the variable.
expect 0 "QUICKMART_TOKEN_SECRET" serve auth --help
expect 0 "QUICKMART_DATABASE_URL" serve auth --help
expect 0 "QUICKMART_AUTH_URL" serve gateway --help
expect 2 "unknown option --bogus" serve auth --bogus 1
expect 2 "unexpected argument 'extra'" serve auth extra
expect 2 "--token-secret / QUICKMART_TOKEN_SECRET: is required" serve auth --storage sqlite:/nonexistent/x.db
QUICKMART_TOKEN_SECRET=change-me-change-me-change-me-change-me expect 2 "is still a placeholder" serve auth --storage sqlite:/nonexistent/x.db
expect 2 "--auth-url / QUICKMART_AUTH_URL: is required" serve gateway
expect 2 "port must be a number" serve gateway --auth-url http://127.0.0.1:1 --listen 127.0.0.1:70000

if [ "$failures" -ne 0 ]; then
  echo "quickmart_cli_test: $failures failure(s)"
  exit 1
fi
echo "quickmart_cli_test: ok"
