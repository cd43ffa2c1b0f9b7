#include "sim/engine/scheduler.hpp"

#include "core/base/assert.hpp"

namespace qm::sim {

time_point scheduler::default_start() {
  // 2026-01-01T00:00:00Z: a fixed origin so every run prints the same timestamps.
  return from_unix_us(1'767'225'600'000'000LL);
}

scheduler::scheduler(time_point start, std::size_t max_pending)
    : now_(start), max_pending_(max_pending) {}

std::uint64_t scheduler::at_delay(duration delay, action a) {
  return at_time(now_ + (delay.count() < 0 ? duration(0) : delay), std::move(a));
}

std::uint64_t scheduler::at_time(time_point when, action a) {
  QM_ASSERT_MSG(queue_.size() < max_pending_, "scheduler queue is full: a runaway producer");
  if (when < now_) {
    when = now_;
  }
  const std::uint64_t seq = next_seq_++;
  queue_.push(event{when, seq, std::move(a)});
  return seq;
}

bool scheduler::step() {
  if (queue_.empty()) {
    return false;
  }
  // priority_queue::top is const; move out through a const_cast-free copy of the action.
  event e = std::move(const_cast<event&>(queue_.top()));
  queue_.pop();
  QM_ASSERT(e.when >= now_);
  now_ = e.when;
  ++events_run_;
  e.run();
  return true;
}

std::uint64_t scheduler::run_until(time_point deadline) {
  std::uint64_t n = 0;
  while (!queue_.empty() && queue_.top().when <= deadline) {
    step();
    ++n;
  }
  if (deadline > now_) {
    now_ = deadline;
  }
  return n;
}

std::uint64_t scheduler::run_all(std::uint64_t max_events) {
  std::uint64_t n = 0;
  while (n < max_events && step()) {
    ++n;
  }
  return n;
}

}  // namespace qm::sim
