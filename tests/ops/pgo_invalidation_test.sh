#!/usr/bin/env bash
# scripts/lib/pgo.sh: which objects an incremental profile-guided build compiles again.
# Fake counts and objects in a scratch directory; every case names the object it expects
# gone or kept.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/lib/pgo.sh
source "$here/../../scripts/lib/pgo.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
profiles=$scratch/profiles
used=$scratch/used
build=$scratch/build
mkdir -p "$profiles" "$used"

failures=0
expect() {  # expect gone|kept OBJECT WHY
  local want=$1 object=$2 why=$3 got=kept
  [ -e "$build/$object" ] || got=gone
  if [ "$got" != "$want" ]; then
    echo "FAIL: $object is $got, expected $want ($why)"
    failures=$((failures + 1))
  fi
}

counts() {  # counts DIR OBJECT TEXT: a counts file for OBJECT holding TEXT
  local name=${2%.o}
  printf '%s' "$3" >"$1/${name//\//#}.gcda"
}

for object in core/CMakeFiles/qm_core.dir/base/assert.cpp.o \
              core/CMakeFiles/qm_core.dir/json/writer.cpp.o \
              sim/engine/CMakeFiles/qm_sim_engine.dir/trace.cpp.o \
              services/cart/CMakeFiles/qm_service_cart.dir/store.cpp.o \
              bench/sim/CMakeFiles/bench_sim_checkout.dir/checkout_bench.cpp.o; do
  mkdir -p "$build/$(dirname "$object")"
  : >"$build/$object"
done

counts "$used" core/CMakeFiles/qm_core.dir/base/assert.cpp.o same
counts "$profiles" core/CMakeFiles/qm_core.dir/base/assert.cpp.o same
counts "$used" core/CMakeFiles/qm_core.dir/json/writer.cpp.o old
counts "$profiles" core/CMakeFiles/qm_core.dir/json/writer.cpp.o new
counts "$profiles" sim/engine/CMakeFiles/qm_sim_engine.dir/trace.cpp.o first
counts "$used" services/cart/CMakeFiles/qm_service_cart.dir/store.cpp.o last

removed=$(qm_pgo_invalidate "$profiles" "$used" "$build")

expect kept core/CMakeFiles/qm_core.dir/base/assert.cpp.o "its counts did not change"
expect gone core/CMakeFiles/qm_core.dir/json/writer.cpp.o "its counts changed"
expect gone sim/engine/CMakeFiles/qm_sim_engine.dir/trace.cpp.o "it has counts for the first time"
expect gone services/cart/CMakeFiles/qm_service_cart.dir/store.cpp.o "its counts are gone"
expect kept bench/sim/CMakeFiles/bench_sim_checkout.dir/checkout_bench.cpp.o "it never had counts"
if [ "$removed" != 3 ]; then
  echo "FAIL: reported $removed objects removed, expected 3"
  failures=$((failures + 1))
fi

# Unchanged counts remove nothing.
rm -rf "$used"
cp -a "$profiles" "$used"
for object in core/CMakeFiles/qm_core.dir/json/writer.cpp.o sim/engine/CMakeFiles/qm_sim_engine.dir/trace.cpp.o; do
  : >"$build/$object"
done
removed=$(qm_pgo_invalidate "$profiles" "$used" "$build")
expect kept core/CMakeFiles/qm_core.dir/json/writer.cpp.o "a second run with the same counts"
expect kept sim/engine/CMakeFiles/qm_sim_engine.dir/trace.cpp.o "a second run with the same counts"
if [ "$removed" != 0 ]; then
  echo "FAIL: reported $removed objects removed for unchanged counts, expected 0"
  failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
  exit 1
fi
echo "pgo invalidation: every case passed"
