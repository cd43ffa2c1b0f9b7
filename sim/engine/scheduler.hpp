#pragma once
// The simulator's heart: one thread, one queue of events ordered by (virtual time, sequence
// number). The sequence number makes ties deterministic: events at the same instant run in
// the order they were scheduled.

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "core/base/time.hpp"

namespace qm::sim {

class scheduler {
 public:
  using action = std::function<void()>;

  // Virtual time starts at start (a fixed instant, so timestamps in traces are stable).
  explicit scheduler(time_point start = default_start(), std::size_t max_pending = 50'000'000);

  time_point now() const { return now_; }

  // Runs a at now() + delay (delay < 0 is treated as 0). Returns the event's sequence number.
  std::uint64_t at_delay(duration delay, action a);
  std::uint64_t at_time(time_point when, action a);

  // Runs events until the queue is empty or the next event lies after deadline; then sets
  // now() to deadline (time passes even when nothing happens). Returns events run.
  std::uint64_t run_until(time_point deadline);
  // Runs one event; false when none is pending.
  bool step();
  // Runs until the queue is empty (bounded by max_events, a guard against livelock).
  std::uint64_t run_all(std::uint64_t max_events = 100'000'000);

  std::size_t pending() const { return queue_.size(); }
  std::uint64_t events_run() const { return events_run_; }

  static time_point default_start();

 private:
  struct event {
    time_point when;
    std::uint64_t seq;
    action run;
  };
  struct later {
    bool operator()(const event& a, const event& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };

  std::priority_queue<event, std::vector<event>, later> queue_;
  time_point now_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t max_pending_;
};

}  // namespace qm::sim
