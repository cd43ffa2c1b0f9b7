#include "services/order/routes.hpp"

#include "services/common/binding.hpp"
#include "services/common/caller.hpp"
#include "services/order/checkout.hpp"
#include "services/order/domain/requests.hpp"
#include "services/order/responses.hpp"

namespace qm::order {

namespace {

using http::request_context;
using http::response;

bool is_admin(const identity::user_context& caller) {
  return caller.role == identity::role_admin;
}

std::vector<std::int64_t> change_ids(order_context& c) {
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < ids_per_change; ++i) {
    ids.push_back(new_id(c.rt.random));
  }
  return ids;
}

// Moves order id to `to` on behalf of who and answers. The delivery service's calls are
// retried, so for it a move to the status the order already has is a success.
task<response> move(order_context& c, const request_context& rc, std::int64_t id, actor who,
                    order_status to, std::optional<std::int64_t> partner_id) {
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  auto changed = co_await c.store.change_status(id, who, to, partner_id, change_ids(c), now_s,
                                                origin_of(rc.scope.get()));
  if (!changed) {
    co_return db_failure(rc, c.rt.log, "change_status", changed.error());
  }
  switch (changed->outcome) {
    case change_outcome::not_found:
      co_return not_found(rc);
    case change_outcome::changed:
      co_return order_reply(200, *changed->order);
    case change_outcome::unchanged:
      if (who == actor::delivery) {
        co_return order_reply(200, *changed->order);
      }
      co_return illegal_transition(rc, changed->order->status, to);
    case change_outcome::illegal:
      co_return illegal_transition(rc, changed->order->status, to);
  }
  co_return not_found(rc);
}

task<response> handle_list(order_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto p = parse_page(rc.request.query());
  if (!p) {
    co_return bad_parameter(rc, p.error());
  }
  order_filter f{caller->user_id, std::nullopt, p->limit, p->offset};
  auto found = co_await c.store.list_orders(f);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_orders", found.error());
  }
  co_return http::json_response(200, orders_page_body(*found, *p));
}

// The order named by the path when the caller may see it (its owner, or an admin); otherwise
// the reply: another user's order is indistinguishable from a missing one.
task<result<order_record, response>> visible_order(order_context& c, const request_context& rc,
                                                   const identity::user_context& caller) {
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return make_unexpected(not_found(rc));
  }
  auto found = co_await c.store.find_order(*id);
  if (!found) {
    co_return make_unexpected(db_failure(rc, c.rt.log, "find_order", found.error()));
  }
  if (!found->has_value() || ((*found)->user_id != caller.user_id && !is_admin(caller))) {
    co_return make_unexpected(not_found(rc));
  }
  co_return std::move(**found);
}

task<response> handle_detail(order_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto order = co_await visible_order(c, rc, *caller);
  if (!order) {
    co_return std::move(order).error();
  }
  co_return order_reply(200, *order);
}

task<response> handle_cancel(order_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto order = co_await visible_order(c, rc, *caller);
  if (!order) {
    co_return std::move(order).error();
  }
  const actor who = is_admin(*caller) ? actor::admin : actor::customer;
  co_return co_await move(c, rc, order->id, who, order_status::cancelled, std::nullopt);
}

task<response> handle_internal_status(order_context& c, request_context rc) {
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return not_found(rc);
  }
  auto in = parse_status_body(rc.request.body, true);
  if (!in) {
    co_return bad_parameter(rc, in.error());
  }
  co_return co_await move(c, rc, *id, actor::delivery, in->status, in->partner_id);
}

task<response> handle_internal_partner(order_context& c, request_context rc) {
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return not_found(rc);
  }
  auto partner = parse_partner_body(rc.request.body);
  if (!partner) {
    co_return bad_parameter(rc, partner.error());
  }
  auto stored = co_await c.store.set_partner(*id, *partner, to_unix_seconds(c.rt.clock.now()));
  if (!stored) {
    co_return db_failure(rc, c.rt.log, "set_partner", stored.error());
  }
  if (!stored->has_value()) {
    co_return not_found(rc);
  }
  co_return order_reply(200, **stored);
}

task<response> handle_admin_list(order_context& c, request_context rc) {
  auto caller = services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                            identity::role_admin);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto q = parse_admin_query(rc.request.query());
  if (!q) {
    co_return bad_parameter(rc, q.error());
  }
  order_filter f{q->user_id, q->status, q->paging.limit, q->paging.offset};
  auto found = co_await c.store.list_orders(f);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_orders", found.error());
  }
  co_return http::json_response(200, orders_page_body(*found, q->paging));
}

task<response> handle_admin_status(order_context& c, request_context rc) {
  auto caller = services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                            identity::role_admin);
  if (!caller) {
    co_return std::move(caller).error();
  }
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return not_found(rc);
  }
  auto in = parse_status_body(rc.request.body, false);
  if (!in) {
    co_return bad_parameter(rc, in.error());
  }
  co_return co_await move(c, rc, *id, actor::admin, in->status, std::nullopt);
}

task<response> handle_admin_stats(order_context& c, request_context rc) {
  auto caller = services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                            identity::role_admin);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto s = co_await c.store.stats();
  if (!s) {
    co_return db_failure(rc, c.rt.log, "stats", s.error());
  }
  co_return http::json_response(200, stats_body(*s));
}

using services::bind;
using services::bind_internal;

}  // namespace

std::int64_t new_id(rt::random& random) {
  constexpr std::uint64_t span = (std::uint64_t{1} << 53) - 1;
  return static_cast<std::int64_t>(1 + random.uniform(span));
}

void register_routes(http::router& routes, order_context& ctx) {
  routes.add(http::method::post, "/orders/checkout", bind(ctx, handle_checkout));
  routes.add(http::method::get, "/orders", bind(ctx, handle_list));
  routes.add(http::method::get, "/orders/{id}", bind(ctx, handle_detail));
  routes.add(http::method::post, "/orders/{id}/cancel", bind(ctx, handle_cancel));
  routes.add(http::method::post, "/internal/orders/{id}/status", bind_internal(ctx, handle_internal_status));
  routes.add(http::method::post, "/internal/orders/{id}/partner",
             bind_internal(ctx, handle_internal_partner));
  routes.add(http::method::get, "/admin/orders", bind(ctx, handle_admin_list));
  routes.add(http::method::post, "/admin/orders/{id}/status", bind(ctx, handle_admin_status));
  routes.add(http::method::get, "/admin/stats", bind(ctx, handle_admin_stats));
}

}  // namespace qm::order
