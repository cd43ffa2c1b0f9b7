#include "services/notification/domain/outbox.hpp"

#include <utility>

#include "core/base/assert.hpp"

namespace qm::notification {

outbox::outbox(std::size_t capacity) : capacity_(capacity) { QM_ASSERT(capacity_ > 0); }

bool outbox::push(event e) {
  if (full()) {
    return false;
  }
  queue_.push_back(std::move(e));
  QM_ASSERT(queue_.size() <= capacity_);
  return true;
}

std::optional<event> outbox::pop() {
  if (queue_.empty()) {
    return std::nullopt;
  }
  event e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

}  // namespace qm::notification
