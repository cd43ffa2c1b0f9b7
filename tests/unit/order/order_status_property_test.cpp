// Properties of the order status machine (services/order/domain/status.hpp): whatever moves
// anybody attempts, an order only ever walks the machine's edges.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "services/order/domain/status.hpp"

namespace qm::order {
namespace {

rc::Gen<order_status> any_status() { return rc::gen::elementOf(std::vector<order_status>(all_statuses.begin(), all_statuses.end())); }

rc::Gen<actor> any_actor() {
  return rc::gen::element(actor::customer, actor::delivery, actor::admin);
}

// How far along the happy path a status is; cancelled stands apart.
int progress(order_status s) {
  switch (s) {
    case order_status::confirmed:
      return 0;
    case order_status::packed:
      return 1;
    case order_status::out_for_delivery:
      return 2;
    case order_status::delivered:
      return 3;
    case order_status::cancelled:
      return -1;
  }
  return -2;
}

RC_GTEST_PROP(order_status_machine, random_walks_only_take_legal_edges, ()) {
  const auto attempts =
      *rc::gen::container<std::vector<std::pair<actor, order_status>>>(
          rc::gen::pair(any_actor(), any_status()));
  order_status current = order_status::confirmed;
  bool picked_up = false;
  for (const auto& [who, to] : attempts) {
    const order_status before = current;
    if (may_move(who, current, to)) {
      current = to;
    }
    if (current != before) {
      RC_ASSERT(is_legal(before, current));
      RC_ASSERT(!is_terminal(before));
      // Forward along the path, or cancelled, never back.
      RC_ASSERT(current == order_status::cancelled || progress(current) > progress(before));
    }
    if (current == order_status::cancelled && before != order_status::cancelled) {
      RC_ASSERT(!picked_up);
    }
    if (current == order_status::out_for_delivery || current == order_status::delivered) {
      picked_up = true;
    }
    RC_ASSERT(parse_status(to_string(current)) == current);
  }
}

RC_GTEST_PROP(order_status_machine, terminal_states_have_no_exits, ()) {
  const order_status from = *rc::gen::element(order_status::delivered, order_status::cancelled);
  const order_status to = *any_status();
  const actor who = *any_actor();
  RC_ASSERT(is_terminal(from));
  RC_ASSERT(!is_legal(from, to));
  RC_ASSERT(!may_move(who, from, to));
}

RC_GTEST_PROP(order_status_machine, cancel_only_before_pickup, ()) {
  const order_status from = *any_status();
  const actor who = *any_actor();
  const bool before_pickup = from == order_status::confirmed || from == order_status::packed;
  RC_ASSERT(is_legal(from, order_status::cancelled) == before_pickup);
  if (may_move(who, from, order_status::cancelled)) {
    RC_ASSERT(before_pickup);
    RC_ASSERT(who != actor::delivery);
  }
}

RC_GTEST_PROP(order_status_machine, who_may_do_what, ()) {
  const order_status from = *any_status();
  const order_status to = *any_status();
  const actor who = *any_actor();
  if (may_move(who, from, to)) {
    RC_ASSERT(is_legal(from, to));
    // Every legal move belongs to exactly one side: the store (admin) or the partner
    // (delivery); a customer's cancel is one the store could make too.
    RC_ASSERT(may_move(actor::admin, from, to) != may_move(actor::delivery, from, to));
    if (who == actor::admin) {
      RC_ASSERT(to == order_status::packed || to == order_status::cancelled);
    }
    if (who == actor::customer) {
      RC_ASSERT(to == order_status::cancelled);
    }
    if (who == actor::delivery) {
      RC_ASSERT(to == order_status::out_for_delivery || to == order_status::delivered);
    }
  }
  RC_ASSERT(!is_legal(from, from));
}

}  // namespace
}  // namespace qm::order
