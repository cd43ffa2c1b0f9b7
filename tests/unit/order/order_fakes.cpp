#include "tests/unit/order/order_fakes.hpp"

#include <boost/json/parse.hpp>

namespace qm::test {

namespace {

task<http::response> ready(http::response r) { co_return r; }

json::object body_of(const http::request& r) {
  if (r.body.empty()) {
    return {};
  }
  auto v = boost::json::parse(r.body);
  return v.is_object() ? v.as_object() : json::object{};
}

http::response json_reply(int status, const json::object& o) {
  return http::json_response(status, json::serialize(o));
}

json::object error_body(std::string_view code) {
  json::object e;
  e["code"] = code;
  e["message"] = code;
  e["request_id"] = "";
  json::object o;
  o["error"] = std::move(e);
  return o;
}

}  // namespace

fake_product::fake_product() {
  routes_.add(http::method::post, "/internal/reservations",
              [this](http::request_context rc) { return ready(reserve(rc)); });
  routes_.add(http::method::post, "/internal/reservations/{id}/confirm",
              [this](http::request_context rc) { return ready(confirm(rc)); });
  routes_.add(http::method::post, "/internal/reservations/{id}/release",
              [this](http::request_context rc) { return ready(release(rc)); });
}

http::response fake_product::reservation_reply(int status, const std::string& id, const held& h) {
  json::array lines;
  std::int64_t subtotal = 0;
  for (const auto& [product_id, quantity] : h.lines) {
    const item& it = items.at(product_id);
    json::object line;
    line["product_id"] = product_id;
    line["name"] = it.name;
    line["quantity"] = quantity;
    line["price_paise"] = it.price_paise;
    subtotal += quantity * it.price_paise;
    lines.push_back(std::move(line));
  }
  json::object o;
  o["reservation_id"] = id;
  o["status"] = h.status;
  o["expires_at"] = 1'750'000'600;
  o["lines"] = std::move(lines);
  o["subtotal_paise"] = subtotal;
  return json_reply(status, o);
}

http::response fake_product::reserve(const http::request_context& rc) {
  ++reserve_calls;
  const json::object body = body_of(rc.request);
  const std::string id(body.at("reservation_id").as_string());
  held wanted;
  wanted.status = "held";
  for (const auto& v : body.at("lines").as_array()) {
    wanted.lines.emplace_back(v.as_object().at("product_id").as_int64(),
                              v.as_object().at("quantity").as_int64());
  }
  if (on_reserve) {
    on_reserve(id);
  }
  if (auto it = reservations.find(id); it != reservations.end()) {
    if (it->second.tombstone) {
      return json_reply(409, error_body("reservation_released"));
    }
    if (it->second.lines != wanted.lines) {
      return json_reply(409, error_body("reservation_conflict"));
    }
    return reservation_reply(200, id, it->second);
  }
  json::array unavailable;
  json::array shortages;
  for (const auto& [product_id, quantity] : wanted.lines) {
    auto it = items.find(product_id);
    if (it == items.end() || !it->second.active) {
      unavailable.push_back(product_id);
    } else if (it->second.available < quantity) {
      json::object s;
      s["product_id"] = product_id;
      s["requested"] = quantity;
      s["available"] = it->second.available;
      shortages.push_back(std::move(s));
    }
  }
  if (!unavailable.empty()) {
    json::object o = error_body("product_unavailable");
    o["product_ids"] = std::move(unavailable);
    return json_reply(409, o);
  }
  if (!shortages.empty()) {
    json::object o = error_body("insufficient_stock");
    o["shortages"] = std::move(shortages);
    return json_reply(409, o);
  }
  for (const auto& [product_id, quantity] : wanted.lines) {
    items.at(product_id).available -= quantity;
  }
  reservations[id] = wanted;
  return reservation_reply(201, id, wanted);
}

http::response fake_product::confirm(const http::request_context& rc) {
  ++confirm_calls;
  const std::string id(rc.param("id"));
  if (on_confirm) {
    on_confirm(id);
  }
  if (confirm_status) {
    return json_reply(*confirm_status, error_body("injected"));
  }
  auto it = reservations.find(id);
  if (it == reservations.end()) {
    return json_reply(404, error_body("not_found"));
  }
  if (it->second.status == "released") {
    return json_reply(409, error_body("reservation_released"));
  }
  it->second.status = "confirmed";
  json::object o;
  o["reservation_id"] = id;
  o["status"] = "confirmed";
  return json_reply(200, o);
}

http::response fake_product::release(const http::request_context& rc) {
  ++release_calls;
  const std::string id(rc.param("id"));
  auto it = reservations.find(id);
  if (it == reservations.end()) {
    reservations[id] = held{{}, "released", true};
  } else if (it->second.status != "released") {
    for (const auto& [product_id, quantity] : it->second.lines) {
      items.at(product_id).available += quantity;
    }
    it->second.status = "released";
  }
  json::object o;
  o["reservation_id"] = id;
  o["status"] = "released";
  return json_reply(200, o);
}

fake_cart::fake_cart() {
  routes_.add(http::method::get, "/internal/carts/{uid}", [this](http::request_context rc) {
    const std::int64_t uid = std::stoll(std::string(rc.param("uid")));
    json::array lines;
    for (const auto& [product_id, quantity] : carts[uid]) {
      json::object line;
      line["product_id"] = product_id;
      line["quantity"] = quantity;
      lines.push_back(std::move(line));
    }
    json::object o;
    o["user_id"] = uid;
    o["lines"] = std::move(lines);
    return ready(json_reply(200, o));
  });
  routes_.add(http::method::post, "/internal/carts/{uid}/checkout",
              [this](http::request_context rc) {
                if (clear_status) {
                  return ready(json_reply(*clear_status, json::object{}));
                }
                const std::int64_t uid = std::stoll(std::string(rc.param("uid")));
                json::object body = body_of(rc.request);
                const std::int64_t order_id = body.at("order_id").as_int64();
                if (!cleared_orders[order_id]) {
                  cleared_orders[order_id] = true;
                  auto& lines = carts[uid];
                  for (const auto& v : body.at("lines").as_array()) {
                    const auto pid = v.as_object().at("product_id").as_int64();
                    const auto qty = v.as_object().at("quantity").as_int64();
                    for (auto it = lines.begin(); it != lines.end(); ++it) {
                      if (it->first == pid) {
                        it->second -= qty;
                        if (it->second <= 0) {
                          lines.erase(it);
                        }
                        break;
                      }
                    }
                  }
                }
                body["user_id"] = uid;
                checkouts.push_back(body);
                return ready(json_reply(200, json::object{}));
              });
}

recording_upstream::recording_upstream(std::string kind) {
  auto record = [this](http::request_context rc) {
    if (answer_status) {
      return ready(json_reply(*answer_status, error_body("injected")));
    }
    calls.push_back(call{rc.request.target, body_of(rc.request)});
    return ready(json_reply(kind_status, json::object{}));
  };
  if (kind == "delivery") {
    kind_status = 200;
    routes_.add(http::method::post, "/internal/assignments", record);
    routes_.add(http::method::post, "/internal/assignments/{id}/cancel", record);
  } else {
    kind_status = 202;
    routes_.add(http::method::post, "/internal/events", record);
  }
}

std::vector<recording_upstream::call> recording_upstream::calls_to(
    std::string_view target_prefix) const {
  std::vector<call> out;
  for (const auto& c : calls) {
    if (c.target.rfind(target_prefix, 0) == 0) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace qm::test
