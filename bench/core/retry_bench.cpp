// Cost of the retry pieces on the call path: a backoff delay (both jitters), the budget's
// bookkeeping for one request plus one retry with time moving through its buckets, a
// bulkhead enter/leave, and one whole retry decision. All of them must be noise next to a
// network round trip; these numbers say by how much.

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "core/resilience/backoff.hpp"
#include "core/resilience/bulkhead.hpp"
#include "core/resilience/retry_budget.hpp"
#include "core/resilience/retry_policy.hpp"

namespace {

using namespace qm;
using namespace qm::resilience;

const time_point t0 = from_unix_us(1'700'000'000'000'000);

// 1024 random values drawn once with splitmix64, so the loops measure the code, not a PRNG.
const std::array<std::uint64_t, 1024>& randoms() {
  static const auto table = [] {
    std::array<std::uint64_t, 1024> out{};
    std::uint64_t state = 42;
    for (auto& v : out) {
      state += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      v = z ^ (z >> 31);
    }
    return out;
  }();
  return table;
}

// A fresh backoff every four delays, like calls that retry three times.
void bm_backoff_next(benchmark::State& state, jitter_kind jitter) {
  const auto& r = randoms();
  const backoff_config config{ms(50), seconds(2), jitter};
  backoff b(config);
  std::size_t i = 0;
  for (auto _ : state) {
    if ((i & 3) == 0) {
      b = backoff(config);
    }
    benchmark::DoNotOptimize(b.next(r[i & 1023]));
    ++i;
  }
}
void BM_backoff_next_full(benchmark::State& state) { bm_backoff_next(state, jitter_kind::full); }
void BM_backoff_next_decorrelated(benchmark::State& state) { bm_backoff_next(state, jitter_kind::decorrelated); }
BENCHMARK(BM_backoff_next_full);
BENCHMARK(BM_backoff_next_decorrelated);

// One first attempt and one retry per iteration, 1 ms apart, so a bucket rolls every 1000
// iterations; ratio 0.2 means most retries are refused, as under an outage.
void BM_budget_request_and_spend(benchmark::State& state) {
  retry_budget budget(retry_budget_config{});
  time_point now = t0;
  for (auto _ : state) {
    budget.on_request(now);
    benchmark::DoNotOptimize(budget.try_spend(now));
    now += ms(1);
  }
  state.counters["granted_share"] = benchmark::Counter(
      1.0 - static_cast<double>(budget.exhausted()) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_budget_request_and_spend);

// Arg 64: a slot is free, so the permit enters and leaves; arg 1: the one slot is held, so
// every try is a fail-fast rejection.
void BM_bulkhead_try_enter(benchmark::State& state) {
  bulkhead b(static_cast<std::int32_t>(state.range(0)));
  auto held = b.try_enter();  // one slot held throughout, as on a busy upstream
  for (auto _ : state) {
    auto permit = b.try_enter();
    benchmark::DoNotOptimize(permit);
  }
  held.reset();
}
BENCHMARK(BM_bulkhead_try_enter)->Arg(64)->Arg(1);

// One decision that retries: validation, backoff, deadline check and budget spend.
void BM_decide_retry(benchmark::State& state) {
  const auto& r = randoms();
  const retry_config config;
  retry_budget budget(retry_budget_config{1.0, 10000, 10});
  attempt_report report;
  report.retryable = true;
  report.attempts_made = 1;
  time_point now = t0;
  std::size_t i = 0;
  for (auto _ : state) {
    backoff delays(config.backoff);
    budget.on_request(now);
    const retry_decision d = decide_retry(config, report, now, now + seconds(5), delays, budget, r[i & 1023]);
    benchmark::DoNotOptimize(d);
    now += ms(1);
    ++i;
  }
}
BENCHMARK(BM_decide_retry);

}  // namespace

BENCHMARK_MAIN();
