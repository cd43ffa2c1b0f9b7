#pragma once
// The simulator's heart: one thread, one queue of events ordered by (virtual time, sequence
// number). The sequence number makes ties deterministic: events at the same instant run in
// the order they were scheduled.
//
// Layout, for speed: the heap holds small trivially-copyable entries (time, sequence, slot);
// the actions themselves sit in chunked slot storage that never moves, so sifting the heap
// copies 16 bytes and an action runs in place without being moved out first.
//
// Timers that are usually cancelled before they are due (a call's deadline, seconds away,
// while its reply comes within milliseconds) are parked outside the heap, in buckets of
// virtual time, and only enter the heap when their bucket's time draws near. Cancelling a
// parked timer is a swap-remove; the heap stays as small as what really happens next, which
// is what every push and pop pays for. A parked timer keeps the key it was given when armed,
// so it runs exactly when it would have run from the heap.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/base/assert.hpp"
#include "core/base/time.hpp"
#include "sim/engine/event_action.hpp"

namespace qm::sim {

class scheduler {
 public:
  using action = event_action;

  // Virtual time starts at start (a fixed instant, so timestamps in traces are stable).
  explicit scheduler(time_point start = default_start(), std::size_t max_pending = 50'000'000);
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  time_point now() const { return from_unix_us(now_us_); }

  // Runs f at now() + delay (delay < 0 is treated as 0). Returns the event's sequence number.
  template <typename F>
  std::uint64_t at_delay(duration delay, F&& f) {
    const std::int64_t d = delay.count() < 0 ? 0 : delay.count();
    return schedule(now_us_ + d, std::forward<F>(f));
  }
  // Runs f at when (a time in the past means now).
  template <typename F>
  std::uint64_t at_time(time_point when, F&& f) {
    const std::int64_t w = to_unix_us(when);
    return schedule(w < now_us_ ? now_us_ : w, std::forward<F>(f));
  }

  // A timer that can be cancelled: runs f at when (a time in the past means now) unless
  // cancel(id) comes first. For timers that mostly end cancelled; it costs nothing more when
  // one fires.
  struct timer_id {
    unsigned __int128 key = 0;
  };
  template <typename F>
  timer_id at_time_cancellable(time_point when, F&& f) {
    const std::int64_t w = to_unix_us(when);
    return arm(w < now_us_ ? now_us_ : w, std::forward<F>(f));
  }
  // The timer will not run. Harmless when it has run already or is running.
  void cancel(timer_id id);

  // Runs events until the queue is empty or the next event lies after deadline; then sets
  // now() to deadline (time passes even when nothing happens). Returns events run.
  std::uint64_t run_until(time_point deadline);
  // Runs one event; false when none is pending.
  bool step();
  // Runs until the queue is empty (bounded by max_events, a guard against livelock).
  std::uint64_t run_all(std::uint64_t max_events = 100'000'000);

  std::size_t pending() const { return heap_.size() + parked_count_; }
  std::uint64_t events_run() const { return events_run_; }
  // When the next event is due; empty when none is pending.
  std::optional<time_point> next_time() const;

  static time_point default_start();

 private:
  // 16 bytes, one ordering key: the time in the high 64 bits (sign bit flipped so unsigned
  // order is time order), then the sequence number and the slot with the sequence in the high
  // bits. Sequence numbers are unique, so comparing keys compares (time, sequence) in one
  // branch-free compare, and four entries share a cache line.
  using key_type = unsigned __int128;
  struct entry {
    key_type key;
  };
  static constexpr unsigned slot_bits = 26;
  static constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;
  static constexpr std::uint64_t max_seq = std::uint64_t{1} << (64 - slot_bits);
  static constexpr std::uint32_t chunk_bits = 10;
  static constexpr std::uint32_t chunk_size = 1u << chunk_bits;

  static key_type make_key(std::int64_t when_us, std::uint64_t seq, std::uint32_t slot) {
    const std::uint64_t t = static_cast<std::uint64_t>(when_us) ^ (std::uint64_t{1} << 63);
    return (static_cast<key_type>(t) << 64) | (seq << slot_bits) | slot;
  }
  static std::int64_t when_of(key_type k) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(k >> 64) ^ (std::uint64_t{1} << 63));
  }
  static std::uint32_t slot_of(key_type k) { return static_cast<std::uint32_t>(static_cast<std::uint64_t>(k) & slot_mask); }

  // Takes a slot for f and gives it the next sequence number: the event's key.
  template <typename F>
  key_type enqueue_key(std::int64_t when_us, F&& f) {
    QM_ASSERT_MSG(pending() < max_pending_, "scheduler queue is full: a runaway producer");
    QM_ASSERT_MSG(next_seq_ < max_seq, "scheduler sequence numbers exhausted");
    const std::uint32_t slot = acquire_slot();
    slot_at(slot).emplace(std::forward<F>(f));
    const key_type key = make_key(when_us, next_seq_++, slot);
    slot_keys_[slot] = key;
    return key;
  }
  template <typename F>
  std::uint64_t schedule(std::int64_t when_us, F&& f) {
    const key_type key = enqueue_key(when_us, std::forward<F>(f));
    push(entry{key});
    return static_cast<std::uint64_t>(key) >> slot_bits;
  }
  template <typename F>
  timer_id arm(std::int64_t when_us, F&& f) {
    const key_type key = enqueue_key(when_us, std::forward<F>(f));
    park(key);
    return timer_id{key};
  }

  event_action& slot_at(std::uint32_t slot) {
    return chunks_[slot >> chunk_bits][slot & (chunk_size - 1)];
  }
  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t slot);
  void push(entry e);
  entry pop();
  // Runs the next event due at or before deadline_us; false when there is none.
  bool run_next(std::int64_t deadline_us);

  // Parking: buckets of 2^park_shift µs (65.5 ms) on a wheel of park_buckets, which spans a
  // minute; a timer that would stretch the parked ones over more goes straight into the heap.
  static constexpr unsigned park_shift = 16;
  static constexpr std::size_t park_buckets = 1024;
  static std::int64_t bucket_of(std::int64_t when_us) { return when_us >> park_shift; }
  static std::int64_t bucket_start_us(std::int64_t bucket) { return bucket * (std::int64_t{1} << park_shift); }
  void park(key_type key);
  // Whether the earliest bucket's time has come: timers are parked and it starts no later than
  // the heap's first event.
  bool park_base_due() const {
    return parked_count_ != 0 &&
           (heap_.empty() || bucket_start_us(park_base_) <= when_of(heap_.front().key));
  }
  // Moves every bucket whose time has come into the heap.
  void unpark_due() {
    if (park_base_due()) {
      unpark();
    }
  }
  void unpark();

  std::vector<entry> heap_;
  std::vector<std::unique_ptr<event_action[]>> chunks_;
  std::vector<std::uint32_t> free_slots_;
  // By slot: the key of the event holding it, zero once it has started to run (a cancel then
  // knows the timer is gone, even when its slot has been taken again).
  std::vector<key_type> slot_keys_;
  // The wheel: bucket b at park_[b % park_buckets], for b in [park_base_, park_last_], a span
  // shorter than the wheel; park_pos_[slot] is a parked timer's place in its bucket.
  std::vector<std::vector<key_type>> park_;
  std::vector<std::uint32_t> park_pos_;
  std::int64_t park_base_ = 0;
  std::int64_t park_last_ = 0;  // no parked timer lies in a later bucket
  std::size_t parked_count_ = 0;
  std::uint32_t slots_created_ = 0;
  std::int64_t now_us_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t max_pending_;
};

}  // namespace qm::sim
