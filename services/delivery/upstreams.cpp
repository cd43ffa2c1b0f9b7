#include "services/delivery/upstreams.hpp"

#include "core/json/json.hpp"

namespace qm::delivery {

namespace {

order_reply verdict_of(const rt::call_result& r) {
  if (!r) {
    return {order_verdict::unavailable, {}};
  }
  if (r->status >= 200 && r->status < 300) {
    return {order_verdict::accepted, *r};
  }
  if (r->status >= 400 && r->status < 500) {
    return {order_verdict::refused, *r};
  }
  return {order_verdict::unavailable, *r};
}

}  // namespace

task<rt::call_result> upstreams::post(std::string_view upstream, std::string target,
                                      std::string body, const observe::request_scope* origin) {
  http::request req;
  req.verb = http::method::post;
  req.target = std::move(target);
  req.body = std::move(body);
  req.headers.set("Content-Type", "application/json");
  // Status moves are not repeatable as they stand (a second "picked up" is an illegal move),
  // so one attempt per call; the partner's own retry is the retry.
  services::call_options opts;
  opts.deadline = rt_.clock.now() + timeout_;
  opts.origin = origin;
  co_return co_await client_.call(upstream, std::move(req), opts);
}

task<order_reply> upstreams::set_order_status(std::int64_t order_id, std::string_view status,
                                              std::int64_t partner_id,
                                              const observe::request_scope* origin) {
  json::object o;
  o["status"] = status;
  o["partner_id"] = partner_id;
  auto r = co_await post("order", "/internal/orders/" + std::to_string(order_id) + "/status",
                         json::serialize(o), origin);
  const order_reply out = verdict_of(r);
  if (out.verdict == order_verdict::unavailable) {
    rt_.log.warn(origin, "order status call failed",
                 {{"order_id", std::to_string(order_id)},
                  {"status", std::string(status)},
                  {"error", r ? std::to_string(r->status) : std::string(rt::to_string(r.error().code))}});
  }
  co_return out;
}

task<order_reply> upstreams::tell_order_partner(std::int64_t order_id, std::int64_t partner_id,
                                                const observe::request_scope* origin) {
  json::object o;
  o["partner_id"] = partner_id;
  auto r = co_await post("order", "/internal/orders/" + std::to_string(order_id) + "/partner",
                         json::serialize(o), origin);
  const order_reply out = verdict_of(r);
  if (out.verdict != order_verdict::accepted) {
    rt_.log.warn(origin, "order partner call failed",
                 {{"order_id", std::to_string(order_id)},
                  {"partner_id", std::to_string(partner_id)},
                  {"error", r ? std::to_string(r->status) : std::string(rt::to_string(r.error().code))}});
  }
  co_return out;
}

task<void> upstreams::notify(std::int64_t user_id, std::string_view kind, std::int64_t order_id,
                             std::string message, const observe::request_scope* origin) {
  json::object o;
  o["user_id"] = user_id;
  o["kind"] = kind;
  o["order_id"] = order_id;
  o["message"] = std::move(message);
  auto r = co_await post("notification", "/internal/events", json::serialize(o), origin);
  if (!r || r->status < 200 || r->status >= 300) {
    // A notification is a courtesy: the delivery goes on without it.
    rt_.log.warn(origin, "notification dropped",
                 {{"kind", std::string(kind)},
                  {"order_id", std::to_string(order_id)},
                  {"error", r ? std::to_string(r->status) : std::string(rt::to_string(r.error().code))}});
  }
}

}  // namespace qm::delivery
