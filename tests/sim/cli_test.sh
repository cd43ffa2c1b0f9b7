#!/usr/bin/env bash
# The quickmart-sim CLI contract: exit codes 0/1/2, `trace-hash:` as the last line, the same
# hash for the same seed, a replay command for a failing run, clear errors for bad input.
set -u
sim=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A short version of the smoke scenario keeps this test quick.
sed -e 's/^duration_s: .*/duration_s: 15/' "$root/scenarios/auth_smoke.yaml" > "$tmp/smoke.yaml"

"$sim" run "$tmp/smoke.yaml" > "$tmp/out1" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "smoke run exited $rc: $(cat "$tmp/out1")"
last=$(tail -n 1 "$tmp/out1")
[[ "$last" =~ ^trace-hash:\ [0-9a-f]{16}$ ]] || fail "last line is not the trace hash: '$last'"
grep -q '^checks: 5 passed, 0 failed' "$tmp/out1" || fail "summary lacks the checks line"
grep -q '^latency (virtual, answered): p50' "$tmp/out1" || fail "summary lacks latency"

"$sim" run "$tmp/smoke.yaml" --quiet --trace "$tmp/trace.txt" > "$tmp/out2" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "quiet run exited $rc"
[ "$(tail -n 1 "$tmp/out2")" = "$last" ] || fail "same seed gave a different hash"
[ "$(wc -l < "$tmp/out2")" -eq 1 ] || fail "--quiet printed more than the hash: $(cat "$tmp/out2")"
[ -s "$tmp/trace.txt" ] || fail "--trace wrote nothing"

# --logs: the services' JSON log lines alone, the same lines the trace holds.
"$sim" run "$tmp/smoke.yaml" --quiet --logs "$tmp/logs.jsonl" > "$tmp/out2b" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "--logs run exited $rc"
[ "$(tail -n 1 "$tmp/out2b")" = "$last" ] || fail "--logs changed the run's hash"
[ -s "$tmp/logs.jsonl" ] || fail "--logs wrote nothing"
grep -qv '^{"ts":"[0-9T:.-]*Z","level":"[a-z]*","service":"[a-z_0-9-]*","msg":' "$tmp/logs.jsonl" &&
  fail "a --logs line is not a log object: $(grep -v '^{"ts":' "$tmp/logs.jsonl" | head -n 1)"
[ "$(wc -l < "$tmp/logs.jsonl")" -eq "$(grep -c '^[0-9]* [^ ]* log ' "$tmp/trace.txt")" ] ||
  fail "--logs and the trace's log lines differ in number"
grep -q '"msg":"request".*"trace_id":"[0-9a-f]\{32\}"' "$tmp/logs.jsonl" || fail "no access line with a trace id"

"$sim" run "$tmp/smoke.yaml" --seed 43 --quiet > "$tmp/out3" 2>&1
[ "$(tail -n 1 "$tmp/out3")" != "$last" ] || fail "a different seed gave the same hash"

# A check that cannot hold: exit 1 and the exact replay command.
sed -e 's/ms: 50/ms: 0.001/' "$tmp/smoke.yaml" > "$tmp/failing.yaml"
"$sim" run "$tmp/failing.yaml" --seed 9 > "$tmp/out4" 2>&1; rc=$?
[ $rc -eq 1 ] || fail "failing check exited $rc, want 1"
grep -q "^replay: quickmart-sim run $tmp/failing.yaml --seed 9\$" "$tmp/out4" || fail "no replay line: $(cat "$tmp/out4")"

# Bad input: exit 2 with a message naming file, line and field.
printf 'name: x\nduration_s: 5\nservices: [auth]\nworkload: {flows: [{name: me}]}\nchecks: [{kind: no_server_errors}]\nbogus: 1\n' > "$tmp/bad.yaml"
"$sim" run "$tmp/bad.yaml" > "$tmp/out5" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "bad scenario exited $rc, want 2"
grep -q "bad.yaml:6: bogus: unknown field" "$tmp/out5" || fail "bad scenario message: $(cat "$tmp/out5")"
"$sim" run "$tmp/missing.yaml" > "$tmp/out6" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "missing file exited $rc, want 2"
"$sim" run "$tmp/smoke.yaml" --sed 3 > "$tmp/out7" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown option exited $rc, want 2"
"$sim" run "$tmp/smoke.yaml" --seed -4 > "$tmp/out8" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "negative seed exited $rc, want 2"
"$sim" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "no command exited $rc, want 2"

if [ $failures -ne 0 ]; then
  echo "$failures cli checks failed"
  exit 1
fi
echo "cli checks passed"
