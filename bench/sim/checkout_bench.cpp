// The shop in the simulator: checkout requests answered per wall-clock second on one core in
// the checkout_rush scenario (the whole cluster: gateway, auth, product, cart, order,
// delivery, notification, their databases and the simulated staff), and its time-compression
// ratio (virtual seconds per wall second). Every run must pass its checks: a fast wrong run
// measures nothing.
//
// Beside the wall-clock rate, the rate per second of the process's CPU time: on a shared
// machine (a VM whose host steals cycles, other jobs on the core) wall time includes waits that
// are not the simulator's, and the CPU rate is what a dedicated core would give.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>

#include "core/base/assert.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/steps.hpp"

namespace {

using namespace qm;

// User plus system CPU seconds this process has used so far.
double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void bm_checkout_rush(benchmark::State& state) {
  auto loaded = sim::load_scenario_file(std::string(QM_SOURCE_DIR) + "/scenarios/checkout_rush.yaml");
  QM_ASSERT(loaded.ok());
  double virtual_s = 0;
  double wall_s = 0;
  std::uint64_t checkouts = 0;
  std::uint64_t requests = 0;
  double cpu_s = 0;
  for (auto _ : state) {
    const double cpu_before = process_cpu_s();
    const auto report = sim::run_scenario(loaded.value(), {});
    cpu_s += process_cpu_s() - cpu_before;
    QM_ASSERT_MSG(report.all_passed, "checkout_rush must pass while it is measured");
    virtual_s += report.virtual_seconds;
    wall_s += report.wall_seconds;
    checkouts += report.requests_by_step.at(sim::step_checkout);
    requests += report.requests;
  }
  state.counters["checkouts_per_wall_s"] = static_cast<double>(checkouts) / wall_s;
  state.counters["checkouts_per_cpu_s"] = static_cast<double>(checkouts) / cpu_s;
  state.counters["requests_per_wall_s"] = static_cast<double>(requests) / wall_s;
  state.counters["virtual_s_per_wall_s"] = virtual_s / wall_s;
}
BENCHMARK(bm_checkout_rush)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
