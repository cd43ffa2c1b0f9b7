// The shop in the simulator: checkout requests answered per wall-clock second on one core in
// the checkout_rush scenario (the whole cluster: gateway, auth, product, cart, order,
// delivery, notification, their databases and the simulated staff), and its time-compression
// ratio (virtual seconds per wall second). Every run must pass its checks: a fast wrong run
// measures nothing.
//
// Beside the wall-clock rate, the rate per second of the process's CPU time: on a shared
// machine (a VM whose host steals cycles, other jobs on the core) wall time includes waits that
// are not the simulator's, and the CPU rate is what a dedicated core would give.
//
// After Google Benchmark's report, one line on stderr sums up every run the process made (each
// repetition runs the scenario twice): the median and the fastest run. On a shared machine the
// same binary's runs spread by a third; the neighbours' work only ever adds time, so the
// fastest run is the closest to what the code itself costs, and the median is what a run
// typically gets there.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

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

// Each run's own rates, one entry per run of the process, for the summary line after the
// report.
struct run_rates {
  std::vector<double> checkouts_per_wall_s;
  std::vector<double> checkouts_per_cpu_s;
  std::vector<double> virtual_s_per_wall_s;
};

run_rates& all_runs() {
  static run_rates runs;
  return runs;
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
    const double run_cpu_s = process_cpu_s() - cpu_before;
    QM_ASSERT_MSG(report.all_passed, "checkout_rush must pass while it is measured");
    QM_ASSERT(report.wall_seconds > 0 && run_cpu_s > 0);
    const std::uint64_t run_checkouts = report.requests_by_step.at(sim::step_checkout);
    run_rates& runs = all_runs();
    runs.checkouts_per_wall_s.push_back(static_cast<double>(run_checkouts) / report.wall_seconds);
    runs.checkouts_per_cpu_s.push_back(static_cast<double>(run_checkouts) / run_cpu_s);
    runs.virtual_s_per_wall_s.push_back(report.virtual_seconds / report.wall_seconds);
    cpu_s += run_cpu_s;
    virtual_s += report.virtual_seconds;
    wall_s += report.wall_seconds;
    checkouts += run_checkouts;
    requests += report.requests;
  }
  state.counters["checkouts_per_wall_s"] = static_cast<double>(checkouts) / wall_s;
  state.counters["checkouts_per_cpu_s"] = static_cast<double>(checkouts) / cpu_s;
  state.counters["requests_per_wall_s"] = static_cast<double>(requests) / wall_s;
  state.counters["virtual_s_per_wall_s"] = virtual_s / wall_s;
}
BENCHMARK(bm_checkout_rush)->Unit(benchmark::kMillisecond)->Iterations(2);

// "median M, fastest F" of one rate over the runs; the median of an even count is the lower
// of the two middle rates.
std::string median_and_fastest(std::vector<double> rates) {
  QM_ASSERT(!rates.empty());
  std::sort(rates.begin(), rates.end());
  char text[96];
  std::snprintf(text, sizeof text, "median %.0f, fastest %.0f", rates[(rates.size() - 1) / 2],
                rates.back());
  return text;
}

void print_summary() {
  const run_rates& runs = all_runs();
  if (runs.checkouts_per_wall_s.empty()) {
    return;  // filtered out by --benchmark_filter
  }
  std::fprintf(stderr,
               "checkout_rush, %zu runs: checkouts per wall second: %s; per CPU second: %s; "
               "time compression: %s\n",
               runs.checkouts_per_wall_s.size(),
               median_and_fastest(runs.checkouts_per_wall_s).c_str(),
               median_and_fastest(runs.checkouts_per_cpu_s).c_str(),
               median_and_fastest(runs.virtual_s_per_wall_s).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_summary();
  return 0;
}
