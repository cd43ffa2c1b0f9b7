#pragma once
// The checks a scenario asks for, evaluated after the run from what was observed. Each result
// says what it measured, so a failure explains itself.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/scenario/fault_schedule.hpp"
#include "sim/scenario/outcomes.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/shop_world.hpp"

namespace qm::sim {

class storage_cluster;

struct run_observations {
  const outcome_log& log;
  const std::vector<fault_window>& fault_windows;
  time_point run_start;
  time_point run_end;
  duration request_timeout{0};
  // database -> node -> statements run
  std::map<std::string, std::map<std::string, std::uint64_t>> statements_by_database;
  // database -> the service that owns it
  std::map<std::string, std::string> database_owner;
  std::uint64_t access_denied = 0;
  std::uint64_t handler_exceptions = 0;
  // The shop's ledger and the databases behind it (shop checks only).
  const shop_world* shop = nullptr;
  storage_cluster* storage = nullptr;
  time_point settled_at{};
  // The trace's lines, kept when a check needs them (resilience_checks.hpp), else null.
  const std::vector<std::string>* trace_lines = nullptr;
  // A node's metrics in the Prometheus text format (empty for an unknown node).
  std::function<std::string(std::string_view node)> metrics_text;
};

struct check_result {
  std::string name;
  int line = 0;
  bool passed = false;
  std::string detail;
};

std::vector<check_result> evaluate_checks(const scenario& s, const run_observations& obs);

}  // namespace qm::sim
