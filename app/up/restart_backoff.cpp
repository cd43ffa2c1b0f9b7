#include "app/up/restart_backoff.hpp"

#include <algorithm>

namespace qm::up {

std::int64_t restart_backoff::next_delay_ms(std::int64_t ran_for_ms) {
  if (ran_for_ms >= policy_.reset_after_ms) {
    doublings_ = 0;
  }
  std::int64_t delay = policy_.first_ms;
  for (int i = 0; i < doublings_ && delay < policy_.cap_ms; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, policy_.cap_ms);
  if (delay < policy_.cap_ms) {
    ++doublings_;
  }
  return delay;
}

}  // namespace qm::up
