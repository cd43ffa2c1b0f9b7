#pragma once
// A node's logger in the simulator: every line goes into the trace as kind "log", in the same
// JSON shape production writes (core/log/log_line.hpp), stamped with the node's virtual clock
// (skew included, as a real host's clock would be). A failing seed's logs replay exactly.
// The trace hash covers each line's content; the JSON text is written when lines are kept.

#include <array>
#include <cstdint>
#include <string>

#include "runtime/clock.hpp"
#include "runtime/logger.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"

namespace qm::sim {

class sim_logger final : public rt::logger {
 public:
  // clock: the node's clock for the line's ts; the scheduler's time when null.
  sim_logger(scheduler& sched, trace& tr, std::string node, rt::log_level threshold = rt::log_level::info,
             const rt::clock* clock = nullptr);

  void write(rt::log_level level, std::string_view message, const observe::request_scope* scope,
             std::initializer_list<rt::log_field> fields) override;
  bool enabled(rt::log_level level) const override { return level >= threshold_; }

  void set_threshold(rt::log_level l) { threshold_ = l; }
  rt::log_level threshold() const { return threshold_; }
  // Lines written at each level (only those at or above the threshold are written).
  std::uint64_t count(rt::log_level l) const { return counts_[static_cast<std::size_t>(l)]; }

 private:
  scheduler& sched_;
  trace& trace_;
  std::string node_;
  rt::log_level threshold_;
  const rt::clock* clock_;
  std::array<std::uint64_t, 4> counts_{};
  std::string line_;
};

}  // namespace qm::sim
