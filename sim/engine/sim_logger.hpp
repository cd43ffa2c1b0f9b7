#pragma once
// A node's logger in the simulator: every line goes into the trace as kind "log", stamped with
// virtual time, as "<level> <message> key=value ...". Values with spaces, quotes or '=' are
// quoted, so the text (and so the trace hash) is deterministic and unambiguous.

#include <array>
#include <cstdint>
#include <string>

#include "runtime/logger.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"

namespace qm::sim {

class sim_logger final : public rt::logger {
 public:
  sim_logger(scheduler& sched, trace& tr, std::string node, rt::log_level threshold = rt::log_level::info);

  void write(rt::log_level level, std::string_view message,
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
  std::array<std::uint64_t, 4> counts_{};
  std::string line_;
};

// Appends value to out, quoted and escaped when it would otherwise be ambiguous.
void append_log_value(std::string& out, std::string_view value);

}  // namespace qm::sim
