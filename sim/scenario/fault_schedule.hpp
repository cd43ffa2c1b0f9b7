#pragma once
// Applies a scenario's timed faults to a running cluster: each fault starts at its time and,
// when it has a duration, is undone when that ends. Every change is traced by the cluster.

#include <vector>

#include "sim/scenario/scenario.hpp"

namespace qm::sim {

class cluster;

struct fault_window {
  time_point begin;
  time_point end;  // the end of the run when the fault is never undone
};

class fault_schedule {
 public:
  fault_schedule(cluster& c, const scenario& s, time_point run_start);

  // Schedules every fault on the cluster's scheduler.
  void arm();

  const std::vector<fault_window>& windows() const { return windows_; }
  std::size_t applied() const { return applied_; }

 private:
  void apply(const fault_spec& f);
  void undo(const fault_spec& f);

  cluster& cluster_;
  const scenario& scenario_;
  time_point run_start_;
  std::vector<fault_window> windows_;
  std::size_t applied_ = 0;
};

}  // namespace qm::sim
