#pragma once
// The simulator's heart: one thread, one queue of events ordered by (virtual time, sequence
// number). The sequence number makes ties deterministic: events at the same instant run in
// the order they were scheduled.
//
// Layout, for speed: the heap holds small trivially-copyable entries (time, sequence, slot);
// the actions themselves sit in chunked slot storage that never moves, so sifting the heap
// copies 24 bytes and an action runs in place without being moved out first.

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

  // Runs events until the queue is empty or the next event lies after deadline; then sets
  // now() to deadline (time passes even when nothing happens). Returns events run.
  std::uint64_t run_until(time_point deadline);
  // Runs one event; false when none is pending.
  bool step();
  // Runs until the queue is empty (bounded by max_events, a guard against livelock).
  std::uint64_t run_all(std::uint64_t max_events = 100'000'000);

  std::size_t pending() const { return heap_.size(); }
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

  template <typename F>
  std::uint64_t schedule(std::int64_t when_us, F&& f) {
    QM_ASSERT_MSG(heap_.size() < max_pending_, "scheduler queue is full: a runaway producer");
    QM_ASSERT_MSG(next_seq_ < max_seq, "scheduler sequence numbers exhausted");
    const std::uint32_t slot = acquire_slot();
    slot_at(slot).emplace(std::forward<F>(f));
    const std::uint64_t seq = next_seq_++;
    push(entry{make_key(when_us, seq, slot)});
    return seq;
  }

  event_action& slot_at(std::uint32_t slot) {
    return chunks_[slot >> chunk_bits][slot & (chunk_size - 1)];
  }
  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t slot);
  void push(entry e);
  entry pop();

  std::vector<entry> heap_;
  std::vector<std::unique_ptr<event_action[]>> chunks_;
  std::vector<std::uint32_t> free_slots_;
  std::uint32_t slots_created_ = 0;
  std::int64_t now_us_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t max_pending_;
};

}  // namespace qm::sim
