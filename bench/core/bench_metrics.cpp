// Metrics registry cost: the hot paths every request takes (counter inc, histogram observe,
// gauge set) on one thread and from several threads on one shared series, a series lookup by
// name and labels, and a scrape (expose_text) of 1,000 series in three realistic mixes.
// The reference_* rows are the designs core/metrics/series.hpp chose against (one shared
// atomic per series), kept so its comment's numbers can be reproduced.

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/metrics/registry.hpp"

namespace {

using namespace qm::metrics;

// One registry shared by every thread of a threaded benchmark (function-local statics are
// initialised once, before any thread uses them).
registry& shared_registry() {
  static registry r;
  return r;
}

void BM_counter_inc(benchmark::State& state) {
  static counter& c = shared_registry().get_counter("bench_requests_total", "Requests.", {{"route", "/a"}});
  for (auto _ : state) {
    c.inc();
  }
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_counter_inc)->Threads(1)->Threads(2)->Threads(4);

// Fractional steps take the CAS loop on a double (e.g. seconds of CPU).
void BM_counter_inc_fraction(benchmark::State& state) {
  static counter& c = shared_registry().get_counter("bench_cpu_seconds_total", "CPU.");
  for (auto _ : state) {
    c.inc(0.001);
  }
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_counter_inc_fraction)->Threads(1)->Threads(2)->Threads(4);

// Latencies spread over the default buckets (0.2 ms .. 12 s), so the bucket search branches
// the way a real mix of requests makes it branch.
std::array<double, 256> latency_mix() {
  std::array<double, 256> out{};
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (double& v : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = 0.0002 * static_cast<double>(1ULL << (x % 16)) * (1.0 + static_cast<double>(x % 1000) / 1000.0);
  }
  return out;
}

void BM_histogram_observe(benchmark::State& state) {
  static histogram& h = shared_registry().get_histogram("bench_duration_seconds", "Latency.", {{"route", "/a"}});
  const auto values = latency_mix();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 37;
  for (auto _ : state) {
    h.observe(values[i++ % values.size()]);
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_histogram_observe)->Threads(1)->Threads(2)->Threads(4);

void BM_gauge_set(benchmark::State& state) {
  static gauge& g = shared_registry().get_gauge("bench_in_flight", "In flight.");
  double v = 0;
  for (auto _ : state) {
    g.set(v);
    v += 1;
  }
  benchmark::DoNotOptimize(g.value());
}
BENCHMARK(BM_gauge_set)->Threads(1)->Threads(2);

void BM_gauge_add(benchmark::State& state) {
  static gauge& g = shared_registry().get_gauge("bench_queue_depth", "Depth.");
  for (auto _ : state) {
    g.add(1);
  }
  benchmark::DoNotOptimize(g.value());
}
BENCHMARK(BM_gauge_add)->Threads(1)->Threads(2);

const std::array<std::string, 10> routes = {"/api/products", "/api/products/{id}", "/api/cart", "/api/cart/items",
                                            "/api/orders",   "/api/orders/{id}",   "/api/auth/login",
                                            "/api/auth/me",  "/api/delivery/{id}", "/health"};

// Series lookup as a call site does it: name, help and a label set it already holds, in a
// registry of 1,000 series (100 families x 10 routes).
void BM_get_counter_existing(benchmark::State& state) {
  registry r;
  for (int f = 0; f < 100; ++f) {
    for (const auto& route : routes) {
      r.get_counter("family_" + std::to_string(f) + "_total", "F.", {{"route", route}, {"status", "200"}});
    }
  }
  const labels l = {{"route", "/api/orders"}, {"status", "200"}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(&r.get_counter("family_57_total", "F.", l));
  }
}
BENCHMARK(BM_get_counter_existing);

enum class mix { counters, histograms, mixed };

// 1,000 series behind constant labels service="gateway":
//   counters:   100 families x 10 routes
//   histograms: 100 families x 10 routes, default buckets (16 lines each, 16,000 lines)
//   mixed:      60 counter families x 10, 10 gauge families x 10, 30 histogram families x 10
void fill(registry& r, mix m) {
  r.set_constant_labels({{"service", "gateway"}});
  const int counters = m == mix::counters ? 100 : m == mix::mixed ? 60 : 0;
  const int gauges = m == mix::mixed ? 10 : 0;
  const int histograms = m == mix::histograms ? 100 : m == mix::mixed ? 30 : 0;
  const auto values = latency_mix();
  std::size_t k = 0;
  for (int f = 0; f < counters; ++f) {
    for (const auto& route : routes) {
      r.get_counter("http_family_" + std::to_string(f) + "_total", "Requests by route.", {{"route", route}})
          .inc(static_cast<double>(k++ * 7919 % 100000));
    }
  }
  for (int f = 0; f < gauges; ++f) {
    for (const auto& route : routes) {
      r.get_gauge("pool_family_" + std::to_string(f), "Connections.", {{"route", route}}).set(static_cast<double>(k++ % 64));
    }
  }
  for (int f = 0; f < histograms; ++f) {
    for (const auto& route : routes) {
      histogram& h = r.get_histogram("latency_family_" + std::to_string(f) + "_seconds", "Latency.", {{"route", route}});
      for (int i = 0; i < 200; ++i) {
        h.observe(values[k++ % values.size()]);
      }
    }
  }
}

void BM_expose_text(benchmark::State& state) {
  registry r;
  fill(r, static_cast<mix>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = r.expose_text();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["series"] = static_cast<double>(r.series_count());
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_expose_text)
    ->ArgName("mix")
    ->Arg(static_cast<int>(mix::counters))
    ->Arg(static_cast<int>(mix::histograms))
    ->Arg(static_cast<int>(mix::mixed))
    ->Unit(benchmark::kMicrosecond);

// --- References: one shared atomic per series, without shards. ---

void BM_reference_atomic_double(benchmark::State& state) {
  static std::atomic<double> v{0};
  for (auto _ : state) {
    v.fetch_add(1.0, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_reference_atomic_double)->Threads(1)->Threads(2)->Threads(4);

void BM_reference_atomic_integer(benchmark::State& state) {
  static std::atomic<std::uint64_t> v{0};
  for (auto _ : state) {
    v.fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_reference_atomic_integer)->Threads(1)->Threads(2)->Threads(4);

}  // namespace

BENCHMARK_MAIN();
