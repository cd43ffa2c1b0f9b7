#pragma once
// The product service's HTTP API (this step: browsing).
//
//   GET /categories                                         200 {"items":[{id, name}]}
//   GET /products?category_id=&q=&limit=&offset=            200 {"items":[...], limit, offset}
//       active products only, ordered by id; q matches the name case-insensitively and
//       literally (% and _ are not wildcards); limit 1..100 (default 20), offset >= 0
//   GET /products/{id}                                      200 product + available | 404
//   GET /health                                             200
// A bad parameter answers 400 naming it. Every handler that reaches the database answers
// 503 (Retry-After: 1) when it is unavailable or slow, never 500.

#include "core/http/router.hpp"
#include "runtime/runtime.hpp"
#include "services/product/domain/settings.hpp"
#include "services/product/store.hpp"

namespace qm::product {

// What every handler shares; owned by the service, which outlives its routes.
struct product_context {
  rt::runtime& rt;
  product_settings settings;
  product_store store;
};

void register_routes(http::router& routes, product_context& ctx);

}  // namespace qm::product
