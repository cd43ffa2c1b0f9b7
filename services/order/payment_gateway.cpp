#include "services/order/payment_gateway.hpp"

#include "core/base/assert.hpp"

namespace qm::order {

payment_gateway::payment_gateway(rt::clock& clock, rt::random& random,
                                 std::int64_t failure_permille, duration latency)
    : clock_(clock), random_(random), failure_permille_(failure_permille), latency_(latency) {
  QM_ASSERT(failure_permille >= 0 && failure_permille <= 1000);
  QM_ASSERT(latency >= duration{0});
}

task<bool> payment_gateway::charge(std::int64_t amount_paise) {
  QM_ASSERT(amount_paise >= 0);
  if (latency_ > duration{0}) {
    co_await clock_.sleep(latency_);
  }
  // Drawn even when the rate is 0, so a scenario changing the rate does not shift every later
  // number of the stream.
  const auto draw = static_cast<std::int64_t>(random_.uniform(1000));
  co_return draw >= failure_permille_;
}

}  // namespace qm::order
