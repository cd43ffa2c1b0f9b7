#include "services/order/upstreams.hpp"

#include "core/json/json.hpp"
#include "core/json/writer.hpp"

namespace qm::order {

namespace {

unexpected<upstream_failure> transient(std::string reason) {
  return make_unexpected(upstream_failure{false, 503, {}, std::move(reason)});
}

// The value of a non-negative integer field, or nothing.
std::optional<std::int64_t> non_negative_int(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || !v->is_int64() || v->get_int64() < 0) {
    return std::nullopt;
  }
  return v->get_int64();
}

std::string error_code_of(const json::object& body) {
  const json::value* e = body.if_contains("error");
  if (e == nullptr || !e->is_object()) {
    return {};
  }
  const json::value* code = e->as_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->as_string()) : std::string();
}

const json::array* array_field(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

constexpr std::size_t max_reply_bytes = 1 << 20;

}  // namespace

task<upstream_result<http::response>> upstreams::call(std::string upstream, http::method verb,
                                                      std::string target, std::string body) {
  http::request req;
  req.verb = verb;
  req.target = std::move(target);
  req.body = std::move(body);
  if (!req.body.empty()) {
    req.headers.set("Content-Type", "application/json");
  }
  services::call_options opts;
  opts.deadline = deadline_;
  opts.origin = origin_;
  opts.idempotent = true;
  auto reply = co_await client_.call(upstream, std::move(req), opts);
  if (!reply) {
    co_return transient(upstream + ": " + std::string(rt::to_string(reply.error().code)));
  }
  if (reply->status >= 500) {
    co_return transient(upstream + " answered " + std::to_string(reply->status));
  }
  co_return std::move(*reply);
}

task<upstream_result<std::vector<cart_line>>> upstreams::cart_lines(std::int64_t user_id) {
  std::string target = "/internal/carts/" + std::to_string(user_id);
  auto reply = co_await call("cart", http::method::get, std::move(target), "");
  if (!reply) {
    co_return make_unexpected(std::move(reply).error());
  }
  if (reply->status != 200) {
    co_return transient("cart answered " + std::to_string(reply->status));
  }
  auto body = json::parse_object(reply->body, max_reply_bytes);
  const json::array* lines = body ? array_field(*body, "lines") : nullptr;
  if (lines == nullptr || lines->size() > max_cart_lines) {
    co_return transient("cart: malformed reply");
  }
  std::vector<cart_line> out;
  for (const auto& v : *lines) {
    if (!v.is_object()) {
      co_return transient("cart: malformed line");
    }
    const auto id = non_negative_int(v.as_object(), "product_id");
    const auto quantity = non_negative_int(v.as_object(), "quantity");
    if (!id || !quantity) {
      co_return transient("cart: malformed line");
    }
    if (*quantity > 0) {
      out.push_back(cart_line{*id, *quantity});
    }
  }
  co_return out;
}

task<upstream_result<reservation>> upstreams::reserve(std::string reservation_id,
                                                      std::vector<cart_line> lines) {
  json::writer request;
  request.begin_object().member("reservation_id", reservation_id).key("lines").begin_array();
  for (const auto& l : lines) {
    request.begin_object().member("product_id", l.product_id).member("quantity", l.quantity);
    request.end_object();
  }
  request.end_array().end_object();
  std::string payload = request.finish();
  auto reply = co_await call("product", http::method::post, "/internal/reservations",
                             std::move(payload));
  if (!reply) {
    co_return make_unexpected(std::move(reply).error());
  }
  auto body = json::parse_object(reply->body, max_reply_bytes);
  if (reply->status == 409 && body) {
    const std::string code = error_code_of(*body);
    if (code == "insufficient_stock" || code == "product_unavailable") {
      co_return make_unexpected(upstream_failure{true, 409, reply->body, "product: " + code});
    }
    co_return transient("product: reserve refused with " + code);
  }
  if ((reply->status != 200 && reply->status != 201) || !body) {
    co_return transient("product: reserve answered " + std::to_string(reply->status));
  }
  const json::array* got = array_field(*body, "lines");
  const json::value* status = body->if_contains("status");
  if (got == nullptr || got->empty() || got->size() > max_cart_lines || status == nullptr ||
      !status->is_string()) {
    co_return transient("product: malformed reservation");
  }
  reservation out;
  out.id = reservation_id;
  out.status = std::string(status->as_string());
  for (const auto& v : *got) {
    const json::object* line = v.is_object() ? &v.as_object() : nullptr;
    const json::value* name = line != nullptr ? line->if_contains("name") : nullptr;
    const auto id = line != nullptr ? non_negative_int(*line, "product_id") : std::nullopt;
    const auto quantity = line != nullptr ? non_negative_int(*line, "quantity") : std::nullopt;
    const auto price = line != nullptr ? non_negative_int(*line, "price_paise") : std::nullopt;
    if (name == nullptr || !name->is_string() || !id || !quantity || *quantity < 1 || !price) {
      co_return transient("product: malformed reservation line");
    }
    out.lines.push_back(order_line{*id, std::string(name->as_string()), *quantity, *price});
  }
  co_return out;
}

task<upstream_result<bool>> upstreams::confirm(std::string reservation_id) {
  std::string target = "/internal/reservations/" + reservation_id + "/confirm";
  auto reply = co_await call("product", http::method::post, std::move(target), "{}");
  if (!reply) {
    co_return make_unexpected(std::move(reply).error());
  }
  if (reply->status != 200) {
    // Expired (held past product's TTL) or released (recovered): this attempt is over, and a
    // new one may succeed.
    co_return transient("product: confirm answered " + std::to_string(reply->status));
  }
  co_return true;
}

}  // namespace qm::order
