#pragma once
// Runs one scenario in a fresh simulated cluster and reports what happened. Same scenario and
// seed give the same report (but for wall-clock figures) and the same trace hash.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/checks.hpp"
#include "sim/scenario/scenario.hpp"

namespace qm::sim {

struct run_options {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  bool keep_trace_lines = false;       // needed to write the trace out
};

struct run_report {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::string trace_hash;
  std::vector<std::string> trace_lines;  // only with keep_trace_lines
  std::vector<check_result> checks;
  bool all_passed = false;
  std::string summary;  // the deterministic part of the report, ready to print
  // Measured on the wall clock (not part of the deterministic report).
  double wall_seconds = 0;
  double virtual_seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t requests = 0;
  std::vector<std::uint64_t> requests_by_step;  // indexed by step_id (steps.hpp)
};

run_report run_scenario(const scenario& s, const run_options& options);

}  // namespace qm::sim
