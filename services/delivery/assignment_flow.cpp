#include "services/delivery/assignment_flow.hpp"

#include "core/base/assert.hpp"

namespace qm::delivery {

void count_event(delivery_context& c, std::string_view event) {
  c.rt.metrics
      .get_counter("delivery_events_total", "Assignment events by kind.",
                   {{"event", std::string(event)}})
      .inc();
}

task<order_verdict> tell_order(delivery_context& c, const assignment& a,
                               const observe::request_scope* origin) {
  QM_ASSERT(a.partner_id.has_value());
  auto reply = co_await c.calls.tell_order_partner(a.order_id, *a.partner_id, origin);
  co_return reply.verdict;
}

task<order_verdict> announce_assignment(delivery_context& c, const assignment& a,
                                        const observe::request_scope* origin) {
  const order_verdict told = co_await tell_order(c, a, origin);
  if (a.user_id) {
    std::string message = "A delivery partner is on the way to pick up your order";
    co_await c.calls.notify(*a.user_id, event_partner_assigned, a.order_id, std::move(message),
                            origin);
  }
  co_return told;
}

task<int> drain_waiting(delivery_context& c, const observe::request_scope* origin) {
  int assigned = 0;
  // Races (another transaction assigning the same order) count against the bound too.
  for (int step = 0; step < max_drain_batch; ++step) {
    auto next = co_await c.store.assign_oldest_waiting(c.settings.store,
                                                       to_unix_seconds(c.rt.clock.now()));
    if (!next) {
      c.rt.log.warn(origin, "waiting orders not assigned: database failure",
                    {{"code", std::string(sql::to_string(next.error().code))}});
      co_return assigned;
    }
    switch (next->outcome) {
      case queue_outcome::assigned:
        ++assigned;
        count_event(c, "assigned");
        co_await announce_assignment(c, *next->taken, origin);
        break;
      case queue_outcome::raced:
        break;
      case queue_outcome::none_waiting:
      case queue_outcome::no_partner:
        co_return assigned;
    }
  }
  co_return assigned;
}

}  // namespace qm::delivery
