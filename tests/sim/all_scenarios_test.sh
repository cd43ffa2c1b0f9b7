#!/usr/bin/env bash
# Every shipped scenario passes its checks, and running it twice gives the same trace hash.
set -u
sim=$1
dir=$2
failures=0
count=0
for f in "$dir"/*.yaml; do
  count=$((count + 1))
  first=$("$sim" run "$f" --quiet 2>&1); rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL $f exited $rc:"; echo "$first"; failures=$((failures + 1)); continue
  fi
  second=$("$sim" run "$f" --quiet 2>&1)
  if [ "$first" != "$second" ]; then
    echo "FAIL $f is not deterministic: '$first' then '$second'"; failures=$((failures + 1)); continue
  fi
  echo "ok   $(basename "$f") $first"
done
if [ $count -eq 0 ]; then
  echo "no scenarios found in $dir"; exit 1
fi
[ $failures -eq 0 ] || { echo "$failures of $count scenarios failed"; exit 1; }
echo "$count scenarios passed, each twice with the same trace hash"
