#pragma once
// The notification service's HTTP API. No database: everything lives in memory, bounded.
//
//   POST /internal/events {"user_id","kind","order_id","message"?}   (service to service)
//        kinds: order_confirmed, order_cancelled, partner_assigned, out_for_delivery,
//        delivered. 202 {"id","status":"queued"} | 400 (unknown kind, bad field) |
//        503 outbox_full (Retry-After: 1) when outbox_capacity events are already waiting.
//   GET  /notifications            the caller's delivery log, newest first (at most 100):
//        200 {"items":[{"id","kind","order_id","message","channels":[...],"status",
//        "created_at"}]}; status "sent", or "skipped" when every channel was off
//   GET  /notifications/settings   200 {"push","sms","email"} (defaults for a new user)
//   PUT  /notifications/settings {"push":bool,"sms":bool,"email":bool}   200 the settings |
//        503 user_limit when the user is new and max_users users are already stored
// The user routes need the gateway's signed caller context (401 without it).

#include "core/http/router.hpp"
#include "runtime/runtime.hpp"
#include "services/notification/domain/outbox.hpp"
#include "services/notification/domain/settings.hpp"
#include "services/notification/domain/user_book.hpp"

namespace qm::notification {

// What every handler and the drain loop share; owned by the service, which outlives both.
struct notification_context {
  rt::runtime& rt;
  notification_settings settings;
  notification::outbox outbox;
  user_book users;
};

void register_routes(http::router& routes, notification_context& ctx);

}  // namespace qm::notification
