#pragma once
// One key's sliding log: the timestamps of its admitted requests inside the window, kept in
// a ring allocated once for the key's limit. Decides exactly as core/ratelimit/verdict.hpp
// describes, so the in-memory limiter, the simulator's kv and the Lua script in Redis agree.

#include <cstdint>
#include <memory>

#include "core/base/time.hpp"
#include "core/ratelimit/verdict.hpp"

namespace qm::ratelimit {

// A limit larger than this is a configuration mistake; it also bounds one log's memory (800 kB).
inline constexpr std::int64_t max_limit = 100'000;

class sliding_log {
 public:
  explicit sliding_log(std::int64_t limit);

  // Drops what left the window, then admits (and records now) or refuses. limit may differ
  // from the one the log was built for: a smaller one refuses until enough entries age out, a
  // larger one grows the ring once (a rare configuration change, not a per-request cost).
  verdict admit(time_point now, duration window, std::int64_t limit);

  // Entries still recorded (some may have left the window; admit drops them first).
  std::int64_t size() const { return count_; }
  std::int64_t capacity() const { return capacity_; }
  // Newest recorded timestamp; meaningless when size() == 0.
  time_point newest() const;

 private:
  std::int64_t index(std::int64_t i) const;  // ring slot of the i-th oldest entry
  void drop_older_than(time_point cutoff);
  void insert(time_point t);
  void grow(std::int64_t capacity);

  std::unique_ptr<time_point[]> ring_;
  std::int64_t capacity_ = 0;
  std::int64_t head_ = 0;   // slot of the oldest entry
  std::int64_t count_ = 0;
};

}  // namespace qm::ratelimit
