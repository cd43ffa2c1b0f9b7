// The routes about one order: its hand-over and cancellation by the order service, and its
// tracking by the customer.

#include "core/identity/user_context.hpp"
#include "services/common/caller.hpp"
#include "services/delivery/assignment_flow.hpp"
#include "services/delivery/handlers.hpp"
#include "services/delivery/responses.hpp"

namespace qm::delivery {

namespace {

using http::request_context;
using http::response;

std::int64_t now_s(delivery_context& c) { return to_unix_seconds(c.rt.clock.now()); }

}  // namespace

task<response> handle_create_assignment(delivery_context& c, request_context rc) {
  auto in = parse_new_assignment(rc.request.body);
  if (!in) {
    co_return bad_input(rc, in.error());
  }
  auto placed = co_await c.store.place_order(*in, c.settings.store, now_s(c));
  if (!placed) {
    co_return db_failure(rc, c.rt.log, "place_order", placed.error());
  }
  assignment current = std::move(placed->placed);
  if (placed->newly_assigned) {
    count_event(c, "assigned");
    const order_verdict told = co_await announce_assignment(c, current, rc.scope.get());
    // The assignment stands; the order service retries this call, and the retry tells it
    // the partner again (below).
    if (told == order_verdict::unavailable) {
      co_return upstream_unavailable(rc);
    }
  } else if (current.status == assignment_status::assigned) {
    const order_verdict told = co_await tell_order(c, current, rc.scope.get());
    if (told == order_verdict::unavailable) {
      co_return upstream_unavailable(rc);
    }
  } else if (current.status == assignment_status::waiting) {
    if (placed->created) {
      count_event(c, "waiting");
    }
    // Older orders may be waiting while partners are free (a drain that failed): catch up.
    const int assigned = co_await drain_waiting(c, rc.scope.get());
    if (assigned > 0) {
      auto again = co_await c.store.find_assignment(current.order_id);
      if (again && again->has_value()) {
        current = std::move(**again);
      }
    }
  }
  co_return ok_json(assignment_summary_body(current));
}

task<response> handle_cancel_assignment(delivery_context& c, request_context rc) {
  const auto order_id = parse_id(rc.param("order_id"));
  if (!order_id) {
    co_return bad_parameter(rc, {"order_id", "must be a positive integer"});
  }
  auto cancelled = co_await c.store.cancel(*order_id, now_s(c));
  if (!cancelled) {
    co_return db_failure(rc, c.rt.log, "cancel_assignment", cancelled.error());
  }
  if (cancelled->outcome == move_outcome::illegal || cancelled->outcome == move_outcome::not_found) {
    const std::string status =
        cancelled->current ? std::string(to_string(cancelled->current->status)) : "unknown";
    co_return conflict(rc, "illegal_transition", "the order is " + status);
  }
  if (cancelled->outcome == move_outcome::done) {
    count_event(c, "cancelled");
  }
  if (cancelled->freed_partner) {
    co_await drain_waiting(c, rc.scope.get());
  }
  co_return ok_json(assignment_summary_body(*cancelled->current));
}

task<response> handle_tracking(delivery_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  const auto order_id = parse_id(rc.param("id"));
  if (!order_id) {
    co_return bad_parameter(rc, {"id", "must be a positive integer"});
  }
  auto found = co_await c.store.tracking(*order_id);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "tracking", found.error());
  }
  // Another customer's order answers as if it did not exist: ids are not to be probed.
  const bool admin = caller->role == identity::role_admin;
  if (!found->has_value() || (!admin && (*found)->order.user_id != caller->user_id)) {
    co_return not_found(rc, "no such order");
  }
  co_return ok_json(tracking_body(**found, c.settings.store, c.settings.partner_speed_mps));
}

}  // namespace qm::delivery
