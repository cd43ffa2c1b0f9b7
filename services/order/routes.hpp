#pragma once
// The order service's HTTP API (the shop contract's order section).
//
// Customer (authenticate):
//   POST /orders/checkout  Idempotency-Key, {"address","location":{"lat","lon"}}
//                          201 order | 200 the same order again | 400 | 402 payment_failed |
//                          409 cart_empty / insufficient_stock / checkout_in_progress | 503
//   GET  /orders?limit=&offset=   mine, newest first
//   GET  /orders/{id}             mine (any for an admin); another user's is 404
//   POST /orders/{id}/cancel      owner or admin, from confirmed|packed; else 409
// Delivery (internal, no user context):
//   POST /internal/orders/{id}/status  {"status","partner_id"?}  out_for_delivery | delivered
//   POST /internal/orders/{id}/partner {"partner_id"}
// Admin (authenticate_role admin):
//   GET  /admin/orders?status=&user_id=&limit=&offset=
//   POST /admin/orders/{id}/status {"status"}
//   GET  /admin/stats   {"orders_by_status":{...},"revenue_paise"}

#include "core/http/router.hpp"
#include "core/metrics/counter_pairs.hpp"
#include "runtime/runtime.hpp"
#include "services/order/domain/settings.hpp"
#include "services/order/outbox.hpp"
#include "services/order/payment_gateway.hpp"
#include "services/order/store.hpp"

namespace qm::order {

// What every handler and background pass shares; owned by the service, which outlives its
// routes. Not movable: the dispatcher refers to the store and settings beside it.
struct order_context {
  order_context(rt::runtime& runtime, order_settings s)
      : rt(runtime),
        settings(std::move(s)),
        store(*runtime.storage, settings.db_timeout),
        payments(runtime.clock, runtime.random, settings.payment_failure_permille,
                 settings.payment_latency),
        calls(runtime, settings.context_secret, settings.upstreams),
        outbox(runtime, calls, store, settings),
        checkouts(runtime.metrics, "order_checkouts_total", "Checkout attempts by outcome.",
                  "outcome") {}
  order_context(const order_context&) = delete;
  order_context& operator=(const order_context&) = delete;

  rt::runtime& rt;
  order_settings settings;
  order_store store;
  payment_gateway payments;
  services::upstream_client calls;  // every call to another service
  outbox_dispatcher outbox;
  metrics::counter_pairs checkouts;  // order_checkouts_total{outcome}
};

void register_routes(http::router& routes, order_context& ctx);

// A fresh id for an order or an outbox row: uniform in [1, 2^53) so JSON clients keep it exact.
std::int64_t new_id(rt::random& random);

}  // namespace qm::order
