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
  const std::int64_t stamp_us = to_unix_us(clock_ != nullptr ? clock_->now() : sched_.now());
  // The trace's hash covers what the line says, field by field; the JSON text (a pure function
  // of the same content, tested on its own in log_line_test) is written only when the trace
  // keeps its lines, since formatting every line was most of a run's logging cost.
  trace_digest digest;
  digest.add(stamp_us).add(static_cast<std::int64_t>(index)).add(message);
  if (scope != nullptr) {
    digest.add(scope->request_id)
        .add(scope->span.trace_id_view())
        .add(scope->span.span_id_view())
        .add(scope->span.has_parent() ? scope->span.parent_id_view() : std::string_view{})
        .add(scope->method)
        .add(scope->route)
        .add(scope->user_id);
  } else {
    digest.add(std::int64_t{-1});
  }
  for (const auto& f : fields) {
    digest.add(f.key).add(f.value).add(static_cast<std::int64_t>(f.is_number));
  }
  trace_.record_digest(sched_.now(), node_, "log", digest.value(), [&]() -> std::string_view {
    line_.clear();
    log::append_line(line_, stamp_us, level, node_, message, scope, fields);
    line_.pop_back();  // the trace keeps lines without their newline
    return line_;
  });
}

}  // namespace qm::sim
