// The in-memory limiter's cost per decision (target: <= 100 ns on an existing key).
//   cmake --build <build> --target bench_ratelimit && <build>/bench/core/bench_ratelimit

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/ratelimit/memory_limiter.hpp"
#include "core/ratelimit/rate_class.hpp"

namespace qm::ratelimit {
namespace {

const time_point t0 = from_unix_us(1'700'000'000'000'000);
constexpr std::int64_t limit = 100;
constexpr duration window = std::chrono::seconds(60);

// One key in its steady state: a request every window/limit, so each decision drops the oldest
// entry and admits (the log stays full, the ring wraps).
void bm_existing_key_admitting(benchmark::State& state) {
  memory_limiter limiter;
  window_hit hit{key_for("general", user_subject("1234567")), limit, window, t0};
  for (auto _ : state) {
    hit.now += window / limit;
    benchmark::DoNotOptimize(limiter.admit(hit));
  }
}
BENCHMARK(bm_existing_key_admitting);

// One key hammering past its limit: most decisions refuse.
void bm_existing_key_refusing(benchmark::State& state) {
  memory_limiter limiter;
  window_hit hit{key_for("general", user_subject("1234567")), limit, window, t0};
  for (auto _ : state) {
    hit.now += duration(1);
    benchmark::DoNotOptimize(limiter.admit(hit));
  }
}
BENCHMARK(bm_existing_key_refusing);

// Many keys in turn (users behind the gateway): every key has a log, each sees a request every
// window/limit, so the cost includes cache misses on the map and the rings (8 MB for 10k keys).
void bm_rotating_keys(benchmark::State& state) {
  const auto keys = static_cast<std::size_t>(state.range(0));
  memory_limiter limiter;
  std::vector<window_hit> hits;
  for (std::size_t i = 0; i < keys; ++i) {
    hits.push_back(window_hit{key_for("general", user_subject(std::to_string(1'000'000 + i))), limit, window, t0});
  }
  const duration step = window / limit / static_cast<std::int64_t>(keys);
  time_point now = t0;
  std::size_t next = 0;
  for (auto _ : state) {
    now += step;
    window_hit& hit = hits[next];
    hit.now = now;
    benchmark::DoNotOptimize(limiter.admit(hit));
    next = next + 1 == keys ? 0 : next + 1;
  }
  state.counters["evicted"] = static_cast<double>(limiter.stats().evicted);
}
BENCHMARK(bm_rotating_keys)->Arg(10'000);

// A new key every time into a full limiter: each decision evicts the least recently used log.
void bm_new_key_evicting(benchmark::State& state) {
  memory_limiter limiter(10'000);
  std::vector<window_hit> hits;
  for (std::size_t i = 0; i < 20'000; ++i) {
    hits.push_back(window_hit{key_for("auth", ip_subject("10.0." + std::to_string(i))), 20, window, t0});
  }
  time_point now = t0;
  std::size_t next = 0;
  for (auto _ : state) {
    now += duration(1);
    window_hit& hit = hits[next];
    hit.now = now;
    benchmark::DoNotOptimize(limiter.admit(hit));
    next = next + 1 == hits.size() ? 0 : next + 1;
  }
}
BENCHMARK(bm_new_key_evicting);

}  // namespace
}  // namespace qm::ratelimit

BENCHMARK_MAIN();
