// Rate-limit decisions per second through redis_kv::admit (EVALSHA of the sliding log) on one
// pipelined connection, with 1 admit in flight (a round trip each) and with many in flight
// (what a busy gateway does: requests' admits share the connection's writes and reads).
//
//   QUICKMART_BENCH_REDIS_URL=redis://127.0.0.1:6379 build/bench/redis/bench_redis_admit
//
// Without QUICKMART_BENCH_REDIS_URL (or QUICKMART_TEST_REDIS_URL) every case is skipped.
// Keys: 1024 clients, limit 1000 per second, so most decisions are admissions (the costlier
// path: ZADD and the log grows).
#include <benchmark/benchmark.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/task/task_scope.hpp"
#include "runtime/redis/redis_kv.hpp"

namespace {

using namespace qm;

std::optional<std::string> bench_url() {
  for (const char* name : {"QUICKMART_BENCH_REDIS_URL", "QUICKMART_TEST_REDIS_URL"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') {
      return std::string(v);
    }
  }
  return std::nullopt;
}

time_point wall_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }

struct run_counters {
  std::int64_t left = 0;     // decisions still to issue
  std::int64_t errors = 0;
  std::int64_t allowed = 0;
  std::uint64_t seq = 0;
};

// One in-flight slot: issues admits back to back until the budget is spent.
task<void> worker(rt::redis::redis_kv& kv, run_counters& c) {
  while (c.left > 0) {
    --c.left;
    const std::uint64_t n = c.seq++;
    ratelimit::window_hit hit{"rl:bench:" + std::to_string(n % 1024), 1000, seconds(1), wall_now()};
    auto v = co_await kv.admit(std::move(hit));
    if (!v.ok()) {
      ++c.errors;
    } else if (v->allowed) {
      ++c.allowed;
    }
  }
}

void drive(boost::asio::io_context& io, task_scope& scope) {
  auto guard = boost::asio::make_work_guard(io);
  while (scope.live() > 0) {
    io.run_one();
  }
}

void bm_admit(benchmark::State& state) {
  const auto url = bench_url();
  if (!url) {
    state.SkipWithError("no Redis: set QUICKMART_BENCH_REDIS_URL=redis://HOST:PORT");
    return;
  }
  const auto in_flight = static_cast<std::int64_t>(state.range(0));
  boost::asio::io_context io;
  rt::redis::redis_kv_options o;
  o.connection.op_timeout = seconds(2);  // measuring throughput, not the gateway's patience
  o.connection.max_pending = 65'536;
  auto made = rt::redis::redis_kv::create(io, *url, o);
  if (!made) {
    state.SkipWithError(made.error().c_str());
    return;
  }
  auto& kv = **made;
  const std::int64_t per_iteration = std::max<std::int64_t>(in_flight * 32, 256);
  run_counters total;
  for (auto _ : state) {
    run_counters c;
    c.left = per_iteration;
    task_scope scope;
    for (std::int64_t i = 0; i < in_flight; ++i) {
      scope.spawn(worker(kv, c));
    }
    drive(io, scope);
    total.errors += c.errors;
    total.allowed += c.allowed;
  }
  const auto decisions = static_cast<std::int64_t>(state.iterations()) * per_iteration;
  state.SetItemsProcessed(decisions);
  state.counters["errors"] = static_cast<double>(total.errors);
  state.counters["allowed_pct"] = decisions > 0 ? 100.0 * static_cast<double>(total.allowed) / static_cast<double>(decisions) : 0;
  if (total.errors > 0) {
    state.SkipWithError("some admits failed (see errors)");
  }
}

BENCHMARK(bm_admit)->ArgName("in_flight")->Arg(1)->Arg(16)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
