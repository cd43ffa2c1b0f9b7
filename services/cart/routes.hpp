#pragma once
// The cart service's HTTP API.
//
// User routes (the gateway's signed caller context; 401 without it):
//   GET    /cart                          200 priced cart
//   POST   /cart/items {"product_id","quantity": 1..50}
//                                         200 priced cart | 404 product_not_found (unknown or
//                                         inactive) | 409 quantity_limit (line over 50) |
//                                         409 cart_full (a 101st line)
//   PATCH  /cart/items/{product_id} {"quantity": 0..50}   200 priced cart (0 removes) | 404
//   DELETE /cart/items/{product_id}       200 priced cart | 404
//   DELETE /cart                          204
// The priced cart: {"user_id","items":[{"product_id","name","unit_price_paise","quantity",
// "line_total_paise","available","active"}],"item_count","subtotal_paise",
// "delivery_fee_paise","total_paise","unavailable_product_ids":[...]}. Every line is listed;
// lines whose product is inactive or unknown are named in unavailable_product_ids and left
// out of item_count (units) and the totals. Prices come from the product service at every
// read; product unreachable -> 503 upstream_unavailable. POST asks the product service
// before it stores anything (a 503 added nothing, so a retry cannot add twice); PATCH and
// DELETE store first and may then answer 503, which is safe because they are idempotent.
//
// Internal routes (service to service, no caller context):
//   GET  /internal/carts/{user_id}        200 {"user_id","lines":[{"product_id","quantity"}]}
//   POST /internal/carts/{user_id}/checkout {"order_id","lines":[{"product_id","quantity"}]}
//        200 {"user_id","order_id","applied":bool,"lines":[...]}: subtracts the ordered
//        quantities once per order id (applied is false on a repeat, which changes nothing).
// A database failure answers 503 (Retry-After: 1), never 500.

#include "core/http/router.hpp"
#include "core/metrics/counter_pairs.hpp"
#include "runtime/runtime.hpp"
#include "services/cart/domain/price_memory.hpp"
#include "services/cart/domain/settings.hpp"
#include "services/cart/store.hpp"

namespace qm::cart {

// What every handler shares; owned by the service, which outlives its routes.
struct cart_context {
  rt::runtime& rt;
  cart_settings settings;
  cart_store store;
  services::upstream_client calls;  // to product: breaker, retries, bulkhead
  price_memory prices;              // last known product details, for GET /cart's fallback
  metrics::counter_pairs operations;  // cart_operations_total{op,outcome}

  // The deadline of a call made while serving rc: the upstream timeout, or sooner when the
  // request's own deadline comes first.
  time_point call_deadline(const http::request_context& rc) const {
    const time_point own = rt.clock.now() + settings.upstream_timeout;
    return rc.deadline != time_point{} && rc.deadline < own ? rc.deadline : own;
  }
};

void register_routes(http::router& routes, cart_context& ctx);

}  // namespace qm::cart
