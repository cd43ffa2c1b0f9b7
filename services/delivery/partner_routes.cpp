// The partner's routes: profile, availability, location, the partner's orders, and the two
// steps only the partner can take (pickup, delivered).

#include "core/identity/user_context.hpp"
#include "services/common/caller.hpp"
#include "services/delivery/assignment_flow.hpp"
#include "services/delivery/handlers.hpp"
#include "services/delivery/responses.hpp"

namespace qm::delivery {

namespace {

using http::request_context;
using http::response;

services::caller_result partner_caller(delivery_context& c, const request_context& rc) {
  return services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                     identity::role_partner);
}

std::int64_t now_s(delivery_context& c) { return to_unix_seconds(c.rt.clock.now()); }

response no_profile(const request_context& rc) {
  return not_found(rc, "no delivery profile yet; create it with PUT /delivery/profile");
}

// One step of an assignment that the order service must accept first. The customer hears of
// it from the order service (its outbox notifies on every status change), not from here.
struct step {
  assignment_status from;
  assignment_status to;
  std::string_view order_status;  // what the order becomes
};

constexpr step pickup_step{assignment_status::assigned, assignment_status::picked_up,
                           "out_for_delivery"};
constexpr step delivered_step{assignment_status::picked_up, assignment_status::delivered,
                              "delivered"};

// The order service's refusal, passed on as it came.
response passed_on(const http::response& from_order) {
  response r;
  r.status = from_order.status;
  r.body = from_order.body;
  r.headers.set("Content-Type", "application/json");
  return r;
}

task<response> advance(delivery_context& c, request_context rc, const step& s) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  const auto order_id = parse_id(rc.param("order_id"));
  if (!order_id) {
    co_return bad_parameter(rc, {"order_id", "must be a positive integer"});
  }
  auto found = co_await c.store.find_assignment(*order_id);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "find_assignment", found.error());
  }
  if (!found->has_value() || (*found)->partner_id != caller->user_id) {
    co_return not_found(rc, "no such order among yours");
  }
  const assignment current = std::move(**found);
  if (current.status == s.to) {
    co_return ok_json(assignment_body(current));  // a retry of a step already taken
  }
  if (current.status != s.from) {
    co_return conflict(rc, "illegal_transition",
                       "the order is " + std::string(to_string(current.status)));
  }
  // The order service decides first: a step it refuses never happens here.
  auto reply = co_await c.calls.set_order_status(current.order_id, s.order_status,
                                                 caller->user_id, rc.scope.get());
  if (reply.verdict == order_verdict::unavailable) {
    co_return upstream_unavailable(rc);
  }
  if (reply.verdict == order_verdict::refused) {
    co_return passed_on(reply.answer);
  }
  db_result<moved> result = moved{};
  if (s.to == assignment_status::picked_up) {
    result = co_await c.store.mark_picked_up(current.order_id, caller->user_id, now_s(c));
  } else {
    result = co_await c.store.mark_delivered(current.order_id, caller->user_id, now_s(c));
  }
  if (!result) {
    co_return db_failure(rc, c.rt.log, "advance_assignment", result.error());
  }
  switch (result->outcome) {
    case move_outcome::done:
    case move_outcome::already:
      break;
    case move_outcome::not_found:
      co_return not_found(rc, "no such order among yours");
    case move_outcome::illegal:
      co_return conflict(rc, "illegal_transition", "the order changed meanwhile");
  }
  const assignment& after = *result->current;
  if (result->outcome == move_outcome::done) {
    count_event(c, to_string(after.status));
  }
  if (result->freed_partner) {
    co_await drain_waiting(c, rc.scope.get());
  }
  co_return ok_json(assignment_body(after));
}

}  // namespace

task<response> handle_put_profile(delivery_context& c, request_context rc) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto in = parse_profile(rc.request.body);
  if (!in) {
    co_return bad_input(rc, in.error());
  }
  auto stored = co_await c.store.upsert_partner(caller->user_id, std::move(in->name), in->at,
                                                now_s(c));
  if (!stored) {
    co_return db_failure(rc, c.rt.log, "upsert_partner", stored.error());
  }
  co_return ok_json(partner_body(*stored));
}

task<response> handle_get_profile(delivery_context& c, request_context rc) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto found = co_await c.store.find_partner(caller->user_id);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "find_partner", found.error());
  }
  if (!found->has_value()) {
    co_return no_profile(rc);
  }
  co_return ok_json(partner_body(**found));
}

task<response> handle_availability(delivery_context& c, request_context rc) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto to = parse_availability(rc.request.body);
  if (!to) {
    co_return bad_input(rc, to.error());
  }
  auto changed = co_await c.store.set_availability(caller->user_id, *to, now_s(c));
  if (!changed) {
    co_return db_failure(rc, c.rt.log, "set_availability", changed.error());
  }
  switch (changed->first) {
    case availability_outcome::not_found:
      co_return no_profile(rc);
    case availability_outcome::busy:
      co_return conflict(rc, "partner_busy",
                         "a partner with an order in hand stays busy until it is delivered");
    case availability_outcome::unchanged:
      co_return ok_json(partner_body(*changed->second));
    case availability_outcome::changed:
      break;
  }
  if (*to != partner_status::available) {
    co_return ok_json(partner_body(*changed->second));
  }
  const int assigned = co_await drain_waiting(c, rc.scope.get());
  if (assigned == 0) {
    co_return ok_json(partner_body(*changed->second));
  }
  // Waiting orders were given out: this partner may have taken one, so show it as it is now.
  auto now = co_await c.store.find_partner(caller->user_id);
  if (!now || !now->has_value()) {
    co_return ok_json(partner_body(*changed->second));
  }
  co_return ok_json(partner_body(**now));
}

task<response> handle_location(delivery_context& c, request_context rc) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto at = parse_location(rc.request.body);
  if (!at) {
    co_return bad_input(rc, at.error());
  }
  auto updated = co_await c.store.update_location(caller->user_id, *at, now_s(c));
  if (!updated) {
    co_return db_failure(rc, c.rt.log, "update_location", updated.error());
  }
  if (!updated->has_value()) {
    co_return no_profile(rc);
  }
  co_return ok_json(partner_body(**updated));
}

task<response> handle_partner_orders(delivery_context& c, request_context rc) {
  auto caller = partner_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto p = parse_page(rc.request.query());
  if (!p) {
    co_return bad_parameter(rc, p.error());
  }
  auto found = co_await c.store.partner_assignments(caller->user_id, *p);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "partner_assignments", found.error());
  }
  co_return ok_json(assignments_page_body(*found, *p));
}

task<response> handle_pickup(delivery_context& c, request_context rc) {
  co_return co_await advance(c, std::move(rc), pickup_step);
}

task<response> handle_delivered(delivery_context& c, request_context rc) {
  co_return co_await advance(c, std::move(rc), delivered_step);
}

}  // namespace qm::delivery
