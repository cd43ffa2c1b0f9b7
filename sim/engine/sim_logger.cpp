#include "sim/engine/sim_logger.hpp"

#include "core/base/assert.hpp"

namespace qm::sim {

sim_logger::sim_logger(scheduler& sched, trace& tr, std::string node, rt::log_level threshold,
                       const rt::clock* clock)
    : sched_(sched), trace_(tr), node_(std::move(node)), threshold_(threshold), clock_(clock) {}

void sim_logger::write(rt::log_level level, std::string_view message,
                       const observe::request_scope* scope,
                       std::initializer_list<rt::log_field> fields) {
  const auto index = static_cast<std::size_t>(level);
  QM_ASSERT(index < counts_.size());
  if (!enabled(level)) {
    return;
  }
  ++counts_[index];
  line_.clear();
  const time_point stamp = clock_ != nullptr ? clock_->now() : sched_.now();
  log::append_line(line_, to_unix_us(stamp), level, node_, message, scope, fields);
  line_.pop_back();  // the trace keeps lines without their newline
  trace_.record(sched_.now(), node_, "log", line_);
}

}  // namespace qm::sim
