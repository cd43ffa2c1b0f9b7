#include "services/cart/routes.hpp"

#include <algorithm>

#include "services/cart/domain/limits.hpp"
#include "services/cart/domain/pricing.hpp"
#include "services/cart/domain/requests.hpp"
#include "services/cart/product_client.hpp"
#include "services/cart/responses.hpp"
#include "services/common/binding.hpp"
#include "services/common/caller.hpp"

namespace qm::cart {

namespace {

using http::request_context;
using http::response;

void count(cart_context& c, std::string_view op, std::string_view outcome) {
  c.operations.at(op, outcome).inc();
}

std::int64_t now_s(cart_context& c) { return to_unix_seconds(c.rt.clock.now()); }

response upstream_failed(cart_context& c, const request_context& rc, std::string_view op,
                         const upstream_failure& f) {
  c.rt.log.warn(rc.scope.get(), "product service unavailable",
                {{"op", std::string(op)}, {"reason", f.reason}});
  count(c, op, "upstream_unavailable");
  return upstream_unavailable(rc);
}

// Prices already fetched in this request, and the ids they were asked for (an id asked for
// but absent from products is unknown to the product service, not merely unasked).
struct fetched_prices {
  std::vector<cart_line> asked;
  catalogue products;

  bool covers(const std::vector<cart_line>& lines) const {
    return std::all_of(lines.begin(), lines.end(), [this](const cart_line& l) {
      return std::any_of(asked.begin(), asked.end(),
                         [&l](const cart_line& a) { return a.product_id == l.product_id; });
    });
  }
};

// The 200 reply carrying the user's cart priced from the product service: from `known` when
// it covers every line, else from a call made now. An empty cart needs no prices.
task<response> priced_reply(cart_context& c, const request_context& rc, std::string_view op,
                            std::int64_t user_id, const std::vector<cart_line>& lines,
                            const fetched_prices* known = nullptr) {
  catalogue products;
  bool stale = false;
  if (known != nullptr && known->covers(lines)) {
    products = known->products;
    c.prices.learn(products);
  } else if (!lines.empty()) {
    auto fetched = co_await fetch_products(c.calls, c.call_deadline(rc), rc, lines);
    if (fetched) {
      products = std::move(*fetched);
      c.prices.learn(products);
    } else {
      // A read may show the last known prices, flagged; a change must not be confirmed on them.
      auto remembered = op == "get" ? c.prices.recall(lines) : std::nullopt;
      if (!remembered) {
        co_return upstream_failed(c, rc, op, fetched.error());
      }
      c.rt.log.warn(rc.scope.get(),
                    "product service unavailable; cart shown with last known prices",
                    {{"reason", fetched.error().reason}});
      products = std::move(*remembered);
      stale = true;
    }
  }
  count(c, op, stale ? "stale" : "ok");
  const priced_cart priced = price_cart(lines, products);
  auto r = http::json_response(200, cart_body(user_id, priced, stale));
  if (stale) {
    r.headers.set("X-Quickmart-Fallback", "last-known-prices");
  }
  co_return r;
}

task<response> handle_get(cart_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto lines = co_await c.store.lines(caller->user_id);
  if (!lines) {
    co_return db_failure(rc, c.rt.log, "get_cart", lines.error());
  }
  co_return co_await priced_reply(c, rc, "get", caller->user_id, *lines);
}

task<response> handle_add(cart_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto in = parse_add_item(rc.request.body);
  if (!in) {
    count(c, "add", "bad_input");
    co_return bad_input(rc, in.error());
  }
  // One product call, before anything is stored, both checks the product and prices the
  // cart: a failed call leaves the cart untouched, so the client's retry cannot add twice.
  auto current = co_await c.store.lines(caller->user_id);
  if (!current) {
    co_return db_failure(rc, c.rt.log, "add_item", current.error());
  }
  fetched_prices known;
  known.asked = std::move(*current);
  if (!known.covers({*in})) {
    if (known.asked.size() >= max_lines) {
      count(c, "add", "cart_full");
      co_return conflict(rc, "cart_full",
                         "a cart holds at most " + std::to_string(max_lines) + " lines");
    }
    known.asked.push_back(*in);
  }
  auto products = co_await fetch_products(c.calls, c.call_deadline(rc), rc, known.asked);
  if (!products) {
    co_return upstream_failed(c, rc, "add", products.error());
  }
  known.products = std::move(*products);
  const auto it = known.products.find(in->product_id);
  if (it == known.products.end() || !it->second.active) {
    count(c, "add", "product_not_found");
    co_return not_found(rc, "product_not_found", "no such product on sale");
  }
  auto added = co_await c.store.add(caller->user_id, *in, now_s(c));
  if (!added) {
    co_return db_failure(rc, c.rt.log, "add_item", added.error());
  }
  switch (added->status) {
    case add_status::quantity_limit:
      count(c, "add", "quantity_limit");
      co_return conflict(rc, "quantity_limit",
                         "a line holds at most " + std::to_string(max_line_quantity) + " units");
    case add_status::cart_full:
      count(c, "add", "cart_full");
      co_return conflict(rc, "cart_full",
                         "a cart holds at most " + std::to_string(max_lines) + " lines");
    case add_status::added:
      break;
  }
  // A line added meanwhile by a concurrent request is not covered: then prices are asked again.
  co_return co_await priced_reply(c, rc, "add", caller->user_id, added->lines, &known);
}

// PATCH (quantity from the body) and DELETE (quantity 0) of one line.
task<response> change_line(cart_context& c, request_context rc, std::string_view op,
                           bool from_body) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  const auto product_id = parse_id(rc.param("product_id"));
  if (!product_id) {
    co_return bad_input(rc, {"product_id", "must be a positive integer below 2^53"});
  }
  std::int64_t quantity = 0;
  if (from_body) {
    auto in = parse_set_quantity(rc.request.body);
    if (!in) {
      count(c, op, "bad_input");
      co_return bad_input(rc, in.error());
    }
    quantity = *in;
  }
  const cart_line line{*product_id, quantity};
  auto changed = co_await c.store.set_quantity(caller->user_id, line, now_s(c));
  if (!changed) {
    co_return db_failure(rc, c.rt.log, op, changed.error());
  }
  if (!changed->has_value()) {
    count(c, op, "not_found");
    co_return not_found(rc, "not_found", "the cart has no line for this product");
  }
  co_return co_await priced_reply(c, rc, op, caller->user_id, **changed);
}

task<response> handle_set_quantity(cart_context& c, request_context rc) {
  co_return co_await change_line(c, std::move(rc), "set_quantity", true);
}

task<response> handle_remove(cart_context& c, request_context rc) {
  co_return co_await change_line(c, std::move(rc), "remove", false);
}

task<response> handle_clear(cart_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto cleared = co_await c.store.clear(caller->user_id, now_s(c));
  if (!cleared) {
    co_return db_failure(rc, c.rt.log, "clear_cart", cleared.error());
  }
  count(c, "clear", "ok");
  response r;
  r.status = 204;
  co_return r;
}

task<response> handle_internal_get(cart_context& c, request_context rc) {
  const auto user_id = parse_id(rc.param("user_id"));
  if (!user_id) {
    co_return bad_input(rc, {"user_id", "must be a positive integer below 2^53"});
  }
  auto lines = co_await c.store.lines(*user_id);
  if (!lines) {
    co_return db_failure(rc, c.rt.log, "internal_get_cart", lines.error());
  }
  co_return http::json_response(200, lines_body(*user_id, *lines));
}

task<response> handle_checkout(cart_context& c, request_context rc) {
  const auto user_id = parse_id(rc.param("user_id"));
  if (!user_id) {
    co_return bad_input(rc, {"user_id", "must be a positive integer below 2^53"});
  }
  auto in = parse_checkout(rc.request.body);
  if (!in) {
    count(c, "checkout", "bad_input");
    co_return bad_input(rc, in.error());
  }
  auto done = co_await c.store.apply_checkout(*user_id, in->order_id, std::move(in->lines),
                                              now_s(c));
  if (!done) {
    co_return db_failure(rc, c.rt.log, "checkout_clear", done.error());
  }
  count(c, "checkout", done->applied ? "applied" : "repeat");
  co_return http::json_response(
      200, checkout_body(*user_id, done->lines, in->order_id, done->applied));
}

using services::bind;
using services::bind_internal;

}  // namespace

void register_routes(http::router& routes, cart_context& ctx) {
  routes.add(http::method::get, "/cart", bind(ctx, handle_get));
  routes.add(http::method::del, "/cart", bind(ctx, handle_clear));
  routes.add(http::method::post, "/cart/items", bind(ctx, handle_add));
  routes.add(http::method::patch, "/cart/items/{product_id}", bind(ctx, handle_set_quantity));
  routes.add(http::method::del, "/cart/items/{product_id}", bind(ctx, handle_remove));
  routes.add(http::method::get, "/internal/carts/{user_id}", bind_internal(ctx, handle_internal_get));
  routes.add(http::method::post, "/internal/carts/{user_id}/checkout",
             bind_internal(ctx, handle_checkout));
}

}  // namespace qm::cart
