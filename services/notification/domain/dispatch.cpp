#include "services/notification/domain/dispatch.hpp"

#include <utility>

namespace qm::notification {

drain_counts dispatch(outbox& box, user_book& book, std::size_t max_batch) {
  drain_counts counts;
  for (std::size_t i = 0; i < max_batch; ++i) {
    auto next = box.pop();
    if (!next) {
      break;
    }
    delivery d;
    d.channels = enabled_channels(book.preferences_of(next->user_id));
    d.status = d.channels.empty() ? "skipped" : "sent";
    if (d.channels.empty()) {
      ++counts.skipped;
    } else {
      ++counts.sent;
    }
    d.what = std::move(*next);
    if (!book.record(std::move(d))) {
      ++counts.unlogged;
    }
  }
  return counts;
}

}  // namespace qm::notification
