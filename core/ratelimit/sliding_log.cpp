#include "core/ratelimit/sliding_log.hpp"

#include <algorithm>

#include "core/base/assert.hpp"

namespace qm::ratelimit {

sliding_log::sliding_log(std::int64_t limit)
    : ring_(std::make_unique<time_point[]>(static_cast<std::size_t>(limit))), capacity_(limit) {
  QM_ASSERT_MSG(limit > 0 && limit <= max_limit, "a rate limit is between 1 and 100000");
}

std::int64_t sliding_log::index(std::int64_t i) const {
  const std::int64_t slot = head_ + i;
  return slot >= capacity_ ? slot - capacity_ : slot;
}

time_point sliding_log::newest() const {
  QM_ASSERT(count_ > 0);
  return ring_[static_cast<std::size_t>(index(count_ - 1))];
}

void sliding_log::drop_older_than(time_point cutoff) {
  // The ring is sorted, so what left the window is a prefix.
  while (count_ > 0 && ring_[static_cast<std::size_t>(head_)] <= cutoff) {
    head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
    --count_;
  }
}

void sliding_log::insert(time_point t) {
  QM_ASSERT(count_ < capacity_);
  // Usually t is the newest (time does not go back); a clock stepping back inserts in order,
  // as Redis' sorted set would, so both backends keep counting the same entries.
  std::int64_t pos = count_;
  while (pos > 0 && ring_[static_cast<std::size_t>(index(pos - 1))] > t) {
    ring_[static_cast<std::size_t>(index(pos))] = ring_[static_cast<std::size_t>(index(pos - 1))];
    --pos;
  }
  ring_[static_cast<std::size_t>(index(pos))] = t;
  ++count_;
}

void sliding_log::grow(std::int64_t capacity) {
  auto bigger = std::make_unique<time_point[]>(static_cast<std::size_t>(capacity));
  for (std::int64_t i = 0; i < count_; ++i) {
    bigger[static_cast<std::size_t>(i)] = ring_[static_cast<std::size_t>(index(i))];
  }
  ring_ = std::move(bigger);
  capacity_ = capacity;
  head_ = 0;
}

verdict sliding_log::admit(time_point now, duration window, std::int64_t limit) {
  QM_ASSERT_MSG(limit > 0 && limit <= max_limit, "a rate limit is between 1 and 100000");
  QM_ASSERT_MSG(window.count() > 0, "a rate-limit window is positive");
  // An entry at exactly now - window has left the window.
  drop_older_than(now - window);
  verdict v;
  v.limit = limit;
  if (count_ < limit) {
    if (limit > capacity_) {
      grow(limit);
    }
    insert(now);
    v.allowed = true;
    v.remaining = limit - count_;
  }
  // Never empty here: an admission just recorded now, a refusal found limit >= 1 entries.
  v.reset_after = ring_[static_cast<std::size_t>(head_)] + window - now;
  return v;
}

}  // namespace qm::ratelimit
