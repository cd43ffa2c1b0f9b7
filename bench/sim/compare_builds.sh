#!/usr/bin/env bash
# Macro benchmark: how fast two builds of the simulator run the same scenario, measured in
# turns on the same machine, so that its noise (a shared VM's neighbours, frequency changes)
# touches both alike. The usual use: the default build against a candidate (a change, or the
# profile-guided build of scripts/build-pgo).
#
#   bench/sim/compare_builds.sh BASELINE_SIM CANDIDATE_SIM [SCENARIO] [ROUNDS]
#
#   BASELINE_SIM, CANDIDATE_SIM   quickmart-sim binaries (or anything run like one)
#   SCENARIO                      default scenarios/checkout_rush.yaml
#   ROUNDS                        measured runs of each build (default 9, at most 1000)
#
# A speed comparison means something only when both builds run the same simulation, so each
# build first runs the scenario once, unmeasured; the two trace hashes must be equal and both
# runs must pass their checks, else the script stops (exit 2) before measuring anything.
#
# Then ROUNDS rounds, each running both builds once, in alternating order (A B, B A, A B, ...)
# so that a machine that speeds up or slows down during the rounds favours neither. Each run's
# figure is its CPU time (user + system, the shell's `time`): on one core it is the wall time
# less the waits for a core that were not the simulator's. Printed per round (its order: bc
# when the baseline ran first, cb when the candidate did), then:
#   - each build's median and fastest CPU seconds and, when the scenario has checkouts, its
#     checkouts per CPU second at each (bench_sim_checkout's headline is per wall second; the
#     CPU figure is what an otherwise idle core gives). Other work on the machine only ever
#     adds time, so the fastest run is the closest to the build's own cost;
#   - the median of the rounds' paired ratios candidate/baseline, with their range: the ratio
#     of two runs made seconds apart is steadier than either run.
# A median of an even number of rounds is the lower middle one (scripts/lib/bench.sh).
# Every run must exit as the first did (same hash, checks held); a run that does not stops the
# script (exit 1). Exit 0 after a comparison, whichever build was faster.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# usage, is_count, median_of, min_of, max_of
# shellcheck source=scripts/lib/bench.sh
source "$root/scripts/lib/bench.sh"

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  usage "usage: bench/sim/compare_builds.sh BASELINE_SIM CANDIDATE_SIM [SCENARIO] [ROUNDS]"
fi
declare -A bin_of=([baseline]=$1 [candidate]=$2)
scenario=${3:-scenarios/checkout_rush.yaml}
rounds=${4:-9}
for side in baseline candidate; do
  [ -x "${bin_of[$side]}" ] || usage "the $side ${bin_of[$side]} is not an executable"
done
[ -r "$scenario" ] || usage "cannot read the scenario $scenario"
is_count "$rounds" 1 1000 || usage "ROUNDS is '$rounds': a whole number from 1 to 1000"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run BIN OUT: runs the scenario once with BIN, its summary to OUT; prints "CPU_S EXIT_CODE".
run() {
  local bin=$1 out=$2 status=0
  local TIMEFORMAT='%U %S'
  { time "$bin" run "$scenario" >"$out" 2>&1 || status=$?; } 2>"$scratch/time.txt"
  awk -v s="$status" '{printf "%.3f %d\n", $1 + $2, s}' "$scratch/time.txt"
}

hash_of() { sed -n 's/^trace-hash: //p' "$1" | tail -n 1; }
checkouts_of() { sed -n 's/.*, checkouts: \([0-9]*\),.*/\1/p' "$1" | tail -n 1; }

# first_run SIDE BIN: the unmeasured run, which must pass its checks; prints its trace hash.
# A run that fails stops the script (exit 2, through the command substitution and set -e).
first_run() {
  local side=$1 bin=$2 status hash
  read -r _ status < <(run "$bin" "$scratch/$side.txt")
  hash=$(hash_of "$scratch/$side.txt")
  if [ "$status" -ne 0 ] || [ -z "$hash" ]; then
    echo "compare_builds: the $side build did not pass $scenario (exit $status):" >&2
    tail -n 20 "$scratch/$side.txt" >&2
    exit 2
  fi
  echo "$hash"
}

baseline_hash=$(first_run baseline "${bin_of[baseline]}")
candidate_hash=$(first_run candidate "${bin_of[candidate]}")
if [ "$baseline_hash" != "$candidate_hash" ]; then
  echo "compare_builds: the builds run different simulations of $scenario" \
    "(trace hash $baseline_hash vs $candidate_hash); their speeds cannot be compared" >&2
  exit 2
fi
checkouts=$(checkouts_of "$scratch/baseline.txt")

echo "scenario: $scenario, trace hash $baseline_hash in both builds, $rounds rounds"
echo "baseline:  ${bin_of[baseline]}"
echo "candidate: ${bin_of[candidate]}"
printf '%-6s %-10s %-15s %-16s %s\n' round order baseline_cpu_s candidate_cpu_s candidate/baseline
declare -A cpu=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order=(baseline candidate); else order=(candidate baseline); fi
  for side in "${order[@]}"; do
    read -r seconds status < <(run "${bin_of[$side]}" "$scratch/run.txt")
    if [ "$status" -ne 0 ] || [ "$(hash_of "$scratch/run.txt")" != "$baseline_hash" ]; then
      echo "compare_builds: round $r: the $side build exited $status with trace hash" \
        "'$(hash_of "$scratch/run.txt")', not as its first run did" >&2
      exit 1
    fi
    cpu[$side]=$seconds
  done
  ratio=$(awk -v b="${cpu[baseline]}" -v c="${cpu[candidate]}" 'BEGIN {printf "%.3f", (b > 0 ? c / b : 0)}')
  printf '%-6s %-10s %-15s %-16s %s\n' "$r" "${order[0]:0:1}${order[1]:0:1}" \
    "${cpu[baseline]}" "${cpu[candidate]}" "$ratio"
  # Columns for median_of: baseline, candidate, ratio, one space apart.
  echo "${cpu[baseline]} ${cpu[candidate]} $ratio" >>"$scratch/rounds.txt"
done

ratio_median=$(median_of 3 "$scratch/rounds.txt")
ratio_min=$(min_of 3 "$scratch/rounds.txt")
ratio_max=$(max_of 3 "$scratch/rounds.txt")

rate() {
  if [ -n "$checkouts" ]; then
    awk -v n="$checkouts" -v s="$1" 'BEGIN {printf ", %.0f checkouts per CPU second", (s > 0 ? n / s : 0)}'
  fi
}
declare -A column_of=([baseline]=1 [candidate]=2)
for side in baseline candidate; do
  median=$(median_of "${column_of[$side]}" "$scratch/rounds.txt")
  fastest=$(min_of "${column_of[$side]}" "$scratch/rounds.txt")
  printf '%-9s median %s s%s; fastest %s s%s\n' "$side" "$median" "$(rate "$median")" \
    "$fastest" "$(rate "$fastest")"
done
awk -v r="$ratio_median" -v lo="$ratio_min" -v hi="$ratio_max" 'BEGIN {
  printf "candidate/baseline CPU time: median %.3f over the rounds (range %s..%s): the candidate runs %.2fx as fast\n",
         r, lo, hi, (r > 0 ? 1 / r : 0) }'
