#pragma once
// The delivery service's HTTP API.
//
// Partners (role partner; an admin holds every role):
//   PUT  /delivery/profile {name, lat, lon}             200 partner (created offline, or updated)
//   GET  /delivery/profile                              200 partner | 404
//   PUT  /delivery/availability {status}                200 partner | 404 | 409 partner_busy
//   POST /delivery/location {lat, lon}                  200 partner | 404
//   GET  /delivery/orders?limit=&offset=                200 {items, limit, offset}, active first
//   POST /delivery/orders/{order_id}/pickup             200 assignment | 404 | 409 | 503
//   POST /delivery/orders/{order_id}/delivered          200 assignment | 404 | 409 | 503
// Service to service:
//   POST /internal/assignments {order_id, user_id, location}   200 {order_id, status, partner_id}
//   POST /internal/assignments/{order_id}/cancel               200 {...} | 409
// Customers (the order's customer, or an admin):
//   GET  /orders/{id}/tracking                          200 {order_id, status, partner, eta_s} | 404
// Admin:
//   GET  /admin/partners?status=&limit=&offset=         200 {items, limit, offset}
//   POST /admin/assignments {order_id, partner_id}      200 assignment | 404 | 409 | 503
//   GET  /admin/stats                                   200 {partners_by_status, orders_waiting,
//                                                            active_assignments}
// Pickup and delivered commit only once the order service accepted the transition; its
// refusal (a 4xx) is passed on unchanged, its absence answers 503 upstream_unavailable.

#include "core/http/router.hpp"
#include "services/delivery/context.hpp"

namespace qm::delivery {

void register_routes(http::router& routes, delivery_context& ctx);

}  // namespace qm::delivery
