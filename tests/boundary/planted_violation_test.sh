#!/usr/bin/env bash
# Plants runtime-boundary violations in a scratch tree and checks that scripts/check-boundary
# reports each one by file and line, exits 1, and stays quiet about comments, string literals
# and the allowed uses (fprintf to stderr, digit separators, project functions named like
# forbidden ones).
# Usage: planted_violation_test.sh PYTHON CHECK_BOUNDARY
set -euo pipefail

python=$1
check=$2
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

mkdir -p "$tree/core/base" "$tree/services/auth"

# A clean tree passes: every line here is allowed.
cat >"$tree/core/base/allowed.cpp" <<'SRC'
#include <cstdio>
#include "core/base/assert.hpp"
// Never call getenv(), std::thread or fopen() here; never #include <thread>.
/* std::random_device and system_clock::now() are for runtime/ only:
   #include <filesystem> */
namespace qm {
constexpr long max_roots = 1'000'000;
const char* message = "getenv(\"HOME\") and fopen are forbidden";
const char* raw = R"x(std::thread t; rand();)x";
int rand_like(int n) { return n; }
void report() { std::fprintf(stderr, "%s\n", message); }
int pick(int seed) { return qm::rand_like(seed) + obj.rand(); }
}  // namespace qm
SRC

out=$("$python" "$check" "$tree" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ]; then
  fail "a clean tree exited $rc, expected 0; output:"
  echo "$out"
fi

# Now plant violations. Line numbers below are the ones the check must name.
cat >"$tree/core/base/planted.cpp" <<'SRC'
#include <string>
// #include <thread> is what this comment talks about, not a violation
#include <thread>
namespace qm {
const char* note = "std::getenv is forbidden";  // a string: not a violation
const char* home() { return std::getenv("HOME"); }
long now_s() { return time(nullptr); }
}  // namespace qm
SRC

cat >"$tree/services/auth/planted.hpp" <<'SRC'
#pragma once
/* getenv("QM_SECRET") in a block comment is fine
   and so is std::random_device */
#include <boost/asio.hpp>
#include "sim/engine/scheduler.hpp"
inline unsigned seed() { std::random_device rd; return rd(); }
inline auto t0() { return std::chrono::steady_clock::now(); }
inline int roll() { return rand() % 6; }
inline void wait() { std::this_thread::sleep_for(std::chrono::seconds(1)); }
inline void* open_it() { return fopen("/etc/passwd", "r"); }
SRC

out=$("$python" "$check" "$tree" 2>&1) && rc=0 || rc=$?
echo "$out"
if [ "$rc" -ne 1 ]; then
  fail "a tree with violations exited $rc, expected 1"
fi

expect_hit() {
  local where=$1 what=$2
  if ! grep -qF -- "$where: forbidden $what" <<<"$out"; then
    fail "expected a report '$where: forbidden $what'"
  fi
}
expect_no_hit_on() {
  local where=$1
  if grep -qF -- "$where:" <<<"$out"; then
    fail "expected nothing reported at $where"
  fi
}

expect_hit "core/base/planted.cpp:3" "include <thread>"
expect_hit "core/base/planted.cpp:6" "getenv"
expect_hit "core/base/planted.cpp:7" "time(nullptr)"
expect_hit "services/auth/planted.hpp:4" "include <boost/asio.hpp>"
expect_hit "services/auth/planted.hpp:5" "include \"sim/engine/scheduler.hpp\""
expect_hit "services/auth/planted.hpp:6" "std::random_device"
expect_hit "services/auth/planted.hpp:7" "real clock ::now"
expect_hit "services/auth/planted.hpp:8" "rand()"
expect_hit "services/auth/planted.hpp:9" "sleep"
expect_hit "services/auth/planted.hpp:10" "file-opening call"

for line in 1 2 4 5 8; do
  expect_no_hit_on "core/base/planted.cpp:$line"
done
for line in 1 2 3; do
  expect_no_hit_on "services/auth/planted.hpp:$line"
done
if grep -qF "core/base/allowed.cpp" <<<"$out"; then
  fail "the allowed file was reported"
fi

# Exactly the planted hits, nothing more.
count=$(grep -c ": forbidden " <<<"$out" || true)
if [ "$count" -ne 10 ]; then
  fail "expected 10 reports, got $count"
fi

# A missing root is a usage error, not a pass.
"$python" "$check" "$tree/does-not-exist" >/dev/null 2>&1 && rc=0 || rc=$?
if [ "$rc" -ne 2 ]; then
  fail "a missing root exited $rc, expected 2"
fi

if [ "$failures" -ne 0 ]; then
  echo "planted_violation_test: $failures failure(s)"
  exit 1
fi
echo "planted_violation_test: every planted violation reported, nothing else"
