#include "services/order/domain/order.hpp"

#include "core/base/assert.hpp"
#include "services/common/pricing.hpp"

namespace qm::order {

totals price(const std::vector<order_line>& lines) {
  totals t;
  for (const auto& l : lines) {
    QM_ASSERT(l.quantity > 0 && l.price_paise >= 0);
    t.subtotal_paise += l.line_total_paise();
  }
  t.delivery_fee_paise = services::delivery_fee_for(t.subtotal_paise);
  t.total_paise = t.subtotal_paise + t.delivery_fee_paise;
  return t;
}

}  // namespace qm::order
