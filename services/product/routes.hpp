#pragma once
// The product service's HTTP API.
//
// Browsing (public, no caller needed):
//   GET /categories                                         200 {"items":[{id, name}]}
//   GET /products?category_id=&q=&limit=&offset=            200 {"items":[...], limit, offset}
//       active products only, ordered by id; q matches the name case-insensitively and
//       literally (% and _ are not wildcards); limit 1..100 (default 20), offset >= 0;
//       a page is rendered once per catalogue version (listing_cache.hpp)
//   GET /products/{id}                                      200 product + available | 404
//
// Internal (service to service; the gateway never exposes /internal):
//   GET  /internal/products?ids=1,2,3      200 {"items":[{id, name, price_paise, active,
//        available}]} for 1..100 distinct ids, ordered by id; unknown ids are absent
//   POST /internal/reservations            {"reservation_id","lines":[{product_id, quantity}]}
//        201 {"reservation_id","status":"held","expires_at","lines":[{product_id, name,
//        quantity, price_paise}],"subtotal_paise"}; all lines or none.
//        200 the stored reservation (any status) for the same id with the same lines;
//        409 reservation_conflict (same id, other lines), insufficient_stock (+ "shortages":
//        [{product_id, requested, available}]), product_unavailable (+ "product_ids"),
//        reservation_released (the id was released before it was made)
//   POST /internal/reservations/{id}/confirm   200 {"reservation_id","status":"confirmed"};
//        idempotent; 409 reservation_expired | reservation_released; 404 unknown
//   POST /internal/reservations/{id}/release   200 {"reservation_id","status":"released"}
//        (or "expired" for an expired one); gives back the units of a held or confirmed
//        reservation; an unknown id is recorded as released (a tombstone); idempotent
//   GET  /internal/reservations/{id}           200 as the 201 of a reserve | 404; the status
//        as stored (a held one past its expiry reads held until the sweep or a confirm
//        expires it)
//   Held reservations expire reservation_ttl_s after they are made: a background sweep
//   (every reservation_sweep_ms) gives their units back; confirming one past its expiry
//   expires it on the spot.
//
// Admin (a signed caller context with role admin: 401 without one, 403 for other roles):
//   POST   /admin/categories {"name"}                          201 {id, name} | 409 category_exists
//   POST   /admin/products {"category_id","name","description"?,"price_paise","stock"?}
//          201 product + active + available
//   GET    /admin/products?category_id=&q=&limit=&offset=&include_inactive=true
//          200 {"items":[product + active + available], limit, offset}
//   PATCH  /admin/products/{id} {"name"?,"description"?,"price_paise"?,"category_id"?,
//          "active"?}                                          200 product + active + available
//   DELETE /admin/products/{id}                                200 the product, now inactive
//   POST   /admin/products/{id}/restock {"quantity": 1..1000000}  200 {"product_id","available"}
//   GET    /admin/stats   200 {"products_active","products_out_of_stock","reservations_held",
//          "units_available"}
//   An unknown category_id answers 400 naming it; an unknown product 404.
//
// A bad parameter answers 400 naming it. Every handler that reaches the database answers
// 503 (Retry-After: 1) when it is unavailable or slow, never 500.

#include "core/http/router.hpp"
#include "core/metrics/counter_pairs.hpp"
#include "runtime/runtime.hpp"
#include "services/common/binding.hpp"
#include "services/product/domain/settings.hpp"
#include "services/product/listing_cache.hpp"
#include "services/product/store.hpp"

namespace qm::product {

// What every handler shares; owned by the service, which outlives its routes.
struct product_context {
  rt::runtime& rt;
  product_settings settings;
  product_store store;
  listing_cache listings;  // rendered pages of GET /products
  metrics::counter_pairs listing_pages;  // product_listing_pages_total{source}
  metrics::counter_pairs reservations;   // product_reservations_total{op,outcome}
};

void register_routes(http::router& routes, product_context& ctx);

// The groups register_routes is made of, one file each.
void register_reservation_routes(http::router& routes, product_context& ctx);
void register_admin_routes(http::router& routes, product_context& ctx);

// A handler of one group, bound to the context it runs with.
using handler_fn = services::context_handler<product_context>;
using services::bind;
using services::bind_internal;

}  // namespace qm::product
