// Scheduler throughput: events per second of schedule + run for small actions, with a mix of
// delays like a simulation's (zero-delay wake-ups, link latencies, database and sleep
// latencies, deadline timers) and a steady number of events pending.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/task/completion.hpp"
#include "sim/engine/prng.hpp"
#include "sim/engine/scheduler.hpp"

namespace {

using namespace qm;

// 4096 delays drawn once: 30% zero, 40% 0.1-2 ms, 20% 1-50 ms, 10% 1-5 s.
std::vector<duration> delay_mix() {
  sim::prng r(7);
  std::vector<duration> out(4096);
  for (auto& d : out) {
    const auto pick = r.uniform(100);
    if (pick < 30) {
      d = duration(0);
    } else if (pick < 70) {
      d = duration(100 + static_cast<std::int64_t>(r.uniform(1'900)));
    } else if (pick < 90) {
      d = duration(1'000 + static_cast<std::int64_t>(r.uniform(49'000)));
    } else {
      d = duration(1'000'000 + static_cast<std::int64_t>(r.uniform(4'000'000)));
    }
  }
  return out;
}

// `pending` chains of events; each event schedules its successor until the budget is spent.
struct steady_load {
  explicit steady_load(std::size_t pending) : delays(delay_mix()) {
    for (std::size_t i = 0; i < pending; ++i) {
      arm();
    }
  }
  void arm() {
    const duration d = delays[next++ & (delays.size() - 1)];
    s.at_delay(d, [this] {
      ++work;
      if (budget > 0) {
        --budget;
        arm();
      }
    });
  }
  // Runs until `events` more have run (the chains keep the pending count steady).
  void run(std::uint64_t events) {
    budget = events;
    const std::uint64_t target = s.events_run() + events;
    while (s.events_run() < target && s.step()) {
    }
  }

  sim::scheduler s;
  std::vector<duration> delays;
  std::size_t next = 0;
  std::uint64_t budget = 0;
  std::uint64_t work = 0;
};

void bm_scheduler_steady(benchmark::State& state) {
  steady_load load(static_cast<std::size_t>(state.range(0)));
  constexpr std::uint64_t batch = 100'000;
  for (auto _ : state) {
    load.run(batch);
  }
  benchmark::DoNotOptimize(load.work);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_scheduler_steady)->Arg(100)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// The shape of the simulator's hottest event: a timer holding a completion (a shared state)
// and a few pointers, that fulfils it. Schedules a batch, then runs it.
void bm_scheduler_completion_timers(benchmark::State& state) {
  const auto delays = delay_mix();
  sim::scheduler s;
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<completion<bool>> pending;
  pending.reserve(n);
  for (auto _ : state) {
    state.PauseTiming();
    pending.clear();
    for (std::size_t i = 0; i < n; ++i) {
      pending.emplace_back();
    }
    state.ResumeTiming();
    for (std::size_t i = 0; i < n; ++i) {
      s.at_delay(delays[i & (delays.size() - 1)], [c = pending[i], &s, i, n] {
        benchmark::DoNotOptimize(c.fulfil(i < n));
        benchmark::DoNotOptimize(&s);
      });
    }
    s.run_all();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_scheduler_completion_timers)->Arg(10'000)->Unit(benchmark::kMillisecond);

// Actions too big for the inline storage take the heap path: the cost of a large capture.
void bm_scheduler_large_actions(benchmark::State& state) {
  const auto delays = delay_mix();
  sim::scheduler s;
  struct payload {
    char bytes[96];
  };
  constexpr std::size_t n = 10'000;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      s.at_delay(delays[i & (delays.size() - 1)], [&sum, p = payload{}] { sum += static_cast<unsigned char>(p.bytes[0]) + 1; });
    }
    s.run_all();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_scheduler_large_actions)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
