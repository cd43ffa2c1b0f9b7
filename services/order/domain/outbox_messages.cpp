#include "services/order/domain/outbox_messages.hpp"

#include "core/base/assert.hpp"
#include "core/json/writer.hpp"

namespace qm::order {

namespace {

outbox_message message(const order_record& o, std::string upstream, std::string target,
                       std::string body) {
  return outbox_message{o.id, std::move(upstream), std::move(target), std::move(body)};
}

outbox_message notification(const order_record& o, std::string_view kind, std::string_view text) {
  json::writer w;
  w.begin_object().member("user_id", o.user_id).member("kind", kind);
  w.member("order_id", o.id).member("message", text).end_object();
  return message(o, "notification", "/internal/events", w.finish());
}

}  // namespace

std::vector<outbox_message> checkout_messages(const order_record& o) {
  std::vector<outbox_message> out;
  json::writer clear;
  clear.begin_object().member("order_id", o.id).key("lines").begin_array();
  for (const auto& l : o.lines) {
    clear.begin_object().member("product_id", l.product_id).member("quantity", l.quantity);
    clear.end_object();
  }
  clear.end_array().end_object();
  out.push_back(message(o, "cart", "/internal/carts/" + std::to_string(o.user_id) + "/checkout",
                        clear.finish()));
  json::writer assign;
  assign.begin_object().member("order_id", o.id).member("user_id", o.user_id);
  assign.key("location").begin_object().member("lat", o.location.lat);
  assign.member("lon", o.location.lon).end_object().end_object();
  out.push_back(message(o, "delivery", "/internal/assignments", assign.finish()));
  out.push_back(notification(o, "order_confirmed", "Your order is confirmed."));
  return out;
}

std::vector<outbox_message> cancel_messages(const order_record& o) {
  std::vector<outbox_message> out;
  outbox_message release = release_message(o.reservation_id);
  release.order_id = o.id;
  out.push_back(std::move(release));
  out.push_back(message(o, "delivery",
                        "/internal/assignments/" + std::to_string(o.id) + "/cancel",
                        "{}"));
  out.push_back(notification(o, "order_cancelled", "Your order was cancelled."));
  return out;
}

std::optional<outbox_message> status_notification(const order_record& o, order_status to) {
  switch (to) {
    case order_status::out_for_delivery:
      return notification(o, "out_for_delivery", "Your order is on its way.");
    case order_status::delivered:
      return notification(o, "delivered", "Your order was delivered.");
    case order_status::cancelled:
      return notification(o, "order_cancelled", "Your order was cancelled.");
    case order_status::confirmed:
    case order_status::packed:
      return std::nullopt;
  }
  return std::nullopt;
}

outbox_message release_message(std::string_view reservation_id) {
  QM_ASSERT(!reservation_id.empty());
  return outbox_message{std::nullopt, "product",
                        "/internal/reservations/" + std::string(reservation_id) + "/release",
                        "{}"};
}

std::int64_t retry_delay_s(std::int64_t attempts) {
  QM_ASSERT(attempts >= 1);
  std::int64_t delay = 1;
  for (std::int64_t i = 1; i < attempts && delay < max_backoff_s; ++i) {
    delay *= 2;
  }
  return delay < max_backoff_s ? delay : max_backoff_s;
}

}  // namespace qm::order
