// The admin's routes: partners, manual assignment, and the dashboard counts.

#include "core/identity/user_context.hpp"
#include "services/common/caller.hpp"
#include "services/delivery/assignment_flow.hpp"
#include "services/delivery/handlers.hpp"
#include "services/delivery/responses.hpp"

namespace qm::delivery {

namespace {

using http::request_context;
using http::response;

services::caller_result admin_caller(delivery_context& c, const request_context& rc) {
  return services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                     identity::role_admin);
}

}  // namespace

task<response> handle_admin_partners(delivery_context& c, request_context rc) {
  auto caller = admin_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto status = parse_status_filter(rc.request.query());
  if (!status) {
    co_return bad_parameter(rc, status.error());
  }
  auto p = parse_page(rc.request.query());
  if (!p) {
    co_return bad_parameter(rc, p.error());
  }
  auto found = co_await c.store.list_partners(*status, *p);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_partners", found.error());
  }
  co_return ok_json(partners_page_body(*found, *p));
}

task<response> handle_admin_assign(delivery_context& c, request_context rc) {
  auto caller = admin_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto in = parse_admin_assignment(rc.request.body);
  if (!in) {
    co_return bad_input(rc, in.error());
  }
  auto done = co_await c.store.reassign(in->order_id, in->partner_id,
                                        to_unix_seconds(c.rt.clock.now()));
  if (!done) {
    co_return db_failure(rc, c.rt.log, "reassign", done.error());
  }
  switch (done->outcome) {
    case reassign_outcome::order_not_found:
      co_return not_found(rc, "no such order");
    case reassign_outcome::partner_not_found:
      co_return not_found(rc, "no such partner");
    case reassign_outcome::illegal:
      co_return conflict(rc, "illegal_transition",
                         "the order is " + std::string(to_string(done->current->status)));
    case reassign_outcome::partner_unavailable:
      co_return conflict(rc, "partner_unavailable", "the partner is not available");
    case reassign_outcome::done:
    case reassign_outcome::already:
      break;
  }
  const assignment& current = *done->current;
  order_verdict told = order_verdict::accepted;
  if (done->outcome == reassign_outcome::done) {
    count_event(c, "reassigned");
    told = co_await announce_assignment(c, current, rc.scope.get());
  } else {
    told = co_await tell_order(c, current, rc.scope.get());
  }
  if (done->freed_partner) {
    co_await drain_waiting(c, rc.scope.get());
  }
  // Committed either way; a retry of this call tells the order service again.
  if (told == order_verdict::unavailable) {
    co_return upstream_unavailable(rc);
  }
  co_return ok_json(assignment_body(current));
}

task<response> handle_admin_stats(delivery_context& c, request_context rc) {
  auto caller = admin_caller(c, rc);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto s = co_await c.store.stats();
  if (!s) {
    co_return db_failure(rc, c.rt.log, "stats", s.error());
  }
  co_return ok_json(stats_body(*s));
}

}  // namespace qm::delivery
