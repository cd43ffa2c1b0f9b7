#pragma once
// The outbox: accepted events waiting for the drain loop, in arrival order. It is bounded:
// when it holds `capacity` events a new one is refused (the caller answers 503 and the
// sender retries later), so a stalled drain cannot grow memory without limit.

#include <cstddef>
#include <deque>
#include <optional>

#include "services/notification/domain/events.hpp"

namespace qm::notification {

class outbox {
 public:
  explicit outbox(std::size_t capacity);

  // False (and e dropped) when the outbox is full.
  bool push(event e);
  // The oldest waiting event, if any.
  std::optional<event> pop();

  std::size_t size() const { return queue_.size(); }
  std::size_t capacity() const { return capacity_; }
  bool full() const { return queue_.size() >= capacity_; }

 private:
  std::deque<event> queue_;
  std::size_t capacity_;
};

}  // namespace qm::notification
