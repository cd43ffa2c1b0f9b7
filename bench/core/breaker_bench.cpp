// Circuit breaker cost on the call path: admit + record a success while closed (the common
// case on every service-to-service call), a rejection while open, and a mixed workload with
// out-of-order completions, failure bursts, trips and recoveries. That the call path never
// allocates is proved in tests/unit/core/circuit_breaker_test.cpp (a counting operator new).

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/resilience/circuit_breaker.hpp"

namespace {

using namespace qm;
using namespace qm::resilience;

const time_point t0 = from_unix_us(1'700'000'000'000'000);

breaker_config config_for(window_kind kind) {
  breaker_config c;
  c.window = kind;
  c.window_size = kind == window_kind::count ? 100 : 10;
  c.minimum_calls = 20;
  c.slow_call_threshold = ms(500);
  c.slow_call_rate_threshold = 0.8;  // every rule on: the worst case for the judge
  return c;
}

// try_acquire + on_success while closed; time advances 1 us per call, so a time window
// rolls a bucket once per million calls.
void BM_closed_acquire_success(benchmark::State& state) {
  const auto kind = static_cast<window_kind>(state.range(0));
  circuit_breaker b(config_for(kind));
  time_point now = t0;
  for (auto _ : state) {
    now += duration(1);
    const permit p = b.try_acquire(now);
    b.on_success(p, now, ms(3));
    benchmark::DoNotOptimize(p);
  }
  state.SetLabel(kind == window_kind::count ? "count window" : "time window");
}
BENCHMARK(BM_closed_acquire_success)->Arg(0)->Arg(1);

// A rejection while open: what a dead upstream costs each caller.
void BM_open_reject(benchmark::State& state) {
  breaker_config c = config_for(window_kind::count);
  c.open_wait = seconds(3600);
  circuit_breaker b(c);
  b.force_open(t0);
  time_point now = t0;
  for (auto _ : state) {
    now += duration(1);
    const permit p = b.try_acquire(now);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_open_reject);

struct step {
  duration advance;
  std::uint8_t outcome;  // 0 success, 1 failure, 2 abandoned
  duration elapsed;
};

// 4096 steps drawn once from a small LCG: three quiet phases (2% failures) for one outage
// phase (70% failures), 512 calls each, 0-2 ms between calls, one call in ten slow.
std::vector<step> mixed_steps() {
  std::vector<step> out(4096);
  std::uint64_t x = 42;
  for (std::size_t i = 0; i < out.size(); ++i) {
    x = x * 6'364'136'223'846'793'005ULL + 1'442'695'040'888'963'407ULL;
    const auto roll = static_cast<std::uint32_t>((x >> 33) % 100);
    const bool outage = (i / 512) % 4 == 3;
    step& s = out[i];
    s.advance = duration(static_cast<std::int64_t>((x >> 20) % 2'000));
    s.outcome = roll < 3 ? 2 : (roll < (outage ? 73u : 5u) ? 1 : 0);
    s.elapsed = roll % 10 == 0 ? ms(600) : ms(static_cast<std::int64_t>(roll % 50));
  }
  return out;
}

// Each iteration: acquire one permit, and finish the one acquired 8 calls earlier (so
// outcomes arrive out of order and some come late, after a state change).
void BM_mixed_workload(benchmark::State& state) {
  const auto kind = static_cast<window_kind>(state.range(0));
  breaker_config c = config_for(kind);
  c.open_wait = ms(200);
  circuit_breaker b(c);
  const std::vector<step> steps = mixed_steps();
  std::array<permit, 8> in_flight{};
  std::size_t i = 0;
  time_point now = t0;
  for (auto _ : state) {
    const step& s = steps[i % steps.size()];
    now += s.advance;
    permit& slot = in_flight[i % in_flight.size()];
    if (slot.admitted) {
      if (s.outcome == 0) {
        b.on_success(slot, now, s.elapsed);
      } else if (s.outcome == 1) {
        b.on_failure(slot, now, s.elapsed);
      } else {
        b.on_abandoned(slot);
      }
    }
    slot = b.try_acquire(now);
    ++i;
  }
  state.counters["transitions_per_kcall"] = benchmark::Counter(
      static_cast<double>(b.counters().transitions) * 1000.0 / static_cast<double>(i));
  state.counters["rejected_pct"] = benchmark::Counter(
      static_cast<double>(b.counters().rejected) * 100.0 / static_cast<double>(i));
  state.SetLabel(kind == window_kind::count ? "count window" : "time window");
}
BENCHMARK(BM_mixed_workload)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
