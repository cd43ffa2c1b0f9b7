#include "services/cart/domain/price_memory.hpp"

#include "core/base/assert.hpp"

namespace qm::cart {

price_memory::price_memory(std::size_t max_products) : max_products_(max_products) {
  QM_ASSERT(max_products_ > 0);
}

void price_memory::learn(const catalogue& fresh) {
  for (const auto& [id, info] : fresh) {
    if (auto it = known_.find(id); it != known_.end()) {
      it->second = info;
      continue;
    }
    while (known_.size() >= max_products_) {
      QM_ASSERT(!order_.empty());
      known_.erase(order_.front());
      order_.pop_front();
    }
    known_.emplace(id, info);
    order_.push_back(id);
  }
  QM_ASSERT(known_.size() == order_.size());
}

std::optional<catalogue> price_memory::recall(const std::vector<cart_line>& lines) const {
  catalogue out;
  for (const auto& l : lines) {
    const auto it = known_.find(l.product_id);
    if (it == known_.end()) {
      return std::nullopt;
    }
    out.emplace(it->first, it->second);
  }
  return out;
}

}  // namespace qm::cart
