#pragma once
// One bounded step of the drain loop: take up to max_batch events from the outbox, "send"
// each on its user's enabled channels (delivery is simulated: no provider is called) and
// log it for the user.

#include <cstddef>

#include "services/notification/domain/outbox.hpp"
#include "services/notification/domain/user_book.hpp"

namespace qm::notification {

struct drain_counts {
  std::size_t sent = 0;        // delivered on at least one channel
  std::size_t skipped = 0;     // the user has every channel off
  std::size_t unlogged = 0;    // delivered, but the user bound kept it out of the log
  std::size_t total() const { return sent + skipped; }
};

drain_counts dispatch(outbox& box, user_book& book, std::size_t max_batch);

}  // namespace qm::notification
