#include "sim/scenario/shop_staff.hpp"

#include <string>

namespace qm::sim {

namespace {

// The store everything is picked up from, and how far partners start from it.
constexpr double store_lat = 12.9716;
constexpr double store_lon = 77.5946;
constexpr double partner_spread_deg = 0.03;
constexpr int max_setup_attempts = 20;
constexpr duration setup_retry_gap = std::chrono::milliseconds(500);
// Bounds one pass of the packer and of a partner, whatever the services answer.
constexpr std::size_t max_items_per_pass = 100;

bool final_answer(const rt::call_result& r) {
  return r && r->status != 502 && r->status != 503 && r->status != 504 && r->status != 500;
}

json::array items_of(const http::response& r) {
  auto o = reply_object(r);
  const auto* items = o.if_contains("items");
  return items != nullptr && items->is_array() ? items->as_array() : json::array{};
}

}  // namespace

shop_staff::shop_staff(const shop_spec& spec, client_channel ch, rt::random& random,
                       shop_world& world)
    : spec_(spec), ch_(std::move(ch)), random_(random), world_(world) {}

task<bool> shop_staff::log_in(staff_account& who) {
  json::object body;
  body["email"] = who.email;
  body["password"] = who.password;
  auto req = json_request(http::method::post, "/auth/login", body);
  auto r = co_await recorded_call(ch_, step_login, std::move(req), who.address);
  if (!r || r->status != 200) {
    co_return false;
  }
  who.access_token = string_field(reply_object(*r), "access_token");
  co_return !who.access_token.empty();
}

task<rt::call_result> shop_staff::call_as(staff_account& who, step_id step, http::request req) {
  if (who.access_token.empty()) {
    const bool in = co_await log_in(who);
    if (!in) {
      co_return make_unexpected(rt::call_error{rt::call_errc::connect_failed, "could not log in"});
    }
  }
  http::request again = req;
  set_bearer(req, who.access_token);
  auto r = co_await recorded_call(ch_, step, std::move(req), who.address);
  if (r && r->status == 401) {
    who.access_token.clear();
    const bool in = co_await log_in(who);
    if (in) {
      set_bearer(again, who.access_token);
      r = co_await recorded_call(ch_, step, std::move(again), who.address);
    }
  }
  co_return r;
}

task<std::optional<http::response>> shop_staff::persist(staff_account* who, step_id step,
                                                        http::request req, time_point end,
                                                        std::string_view address) {
  for (int attempt = 0; attempt < max_setup_attempts && ch_.clock.now() < end; ++attempt) {
    rt::call_result r = make_unexpected(rt::call_error{rt::call_errc::timeout, "not sent"});
    if (who == nullptr) {
      r = co_await recorded_call(ch_, step, req, address);
    } else {
      r = co_await call_as(*who, step, req);
    }
    if (final_answer(r)) {
      co_return std::move(*r);
    }
    co_await ch_.clock.sleep(setup_retry_gap);
  }
  co_return std::nullopt;
}

task<void> shop_staff::setup(time_point end) {
  const bool catalogue = co_await setup_catalogue(end);
  world_.catalogue_ready = catalogue;
  for (std::size_t i = 0; i < spec_.partners; ++i) {
    co_await setup_partner(i, end);
  }
}

task<bool> shop_staff::setup_catalogue(time_point end) {
  std::vector<std::int64_t> categories;
  for (std::uint32_t i = 0; i < spec_.categories; ++i) {
    json::object body;
    body["name"] = "Category " + std::to_string(i + 1);
    auto req = json_request(http::method::post, "/admin/categories", body);
    auto r = co_await persist(&world_.admin, step_admin, std::move(req), end);
    if (!r || r->status != 201) {
      co_return false;
    }
    categories.push_back(int_field(reply_object(*r), "id"));
  }
  for (std::uint32_t i = 0; i < spec_.products; ++i) {
    catalogue_item item;
    item.price_paise = spec_.price_min_paise +
                       static_cast<std::int64_t>(random_.uniform(static_cast<std::uint64_t>(
                           spec_.price_max_paise - spec_.price_min_paise + 1)));
    item.initial_stock = spec_.stock_min + static_cast<std::int64_t>(random_.uniform(
                                               static_cast<std::uint64_t>(spec_.stock_max - spec_.stock_min + 1)));
    json::object body;
    body["category_id"] = categories[i % categories.size()];
    body["name"] = "Product " + std::to_string(i + 1);
    body["description"] = "simulated";
    body["price_paise"] = item.price_paise;
    body["stock"] = item.initial_stock;
    auto req = json_request(http::method::post, "/admin/products", body);
    auto r = co_await persist(&world_.admin, step_admin, std::move(req), end);
    if (!r || r->status != 201) {
      // A lost answer may have created the product: the catalogue would not be what the
      // ledger says, so the run goes on without a shop rather than with a wrong one.
      co_return false;
    }
    item.id = int_field(reply_object(*r), "id");
    world_.products.push_back(item);
    if (world_.hot_products.size() < spec_.hot_products) {
      world_.hot_products.push_back(item.id);
    }
  }
  co_return true;
}

task<bool> shop_staff::setup_partner(std::size_t index, time_point end) {
  staff_account& p = world_.partners.at(index);
  json::object reg;
  reg["email"] = p.email;
  reg["password"] = p.password;
  reg["name"] = "Partner " + std::to_string(index + 1);
  auto reg_req = json_request(http::method::post, "/auth/register", reg);
  auto registered = co_await persist(nullptr, step_partner, std::move(reg_req), end, p.address);
  if (!registered || (registered->status != 201 && registered->status != 409)) {
    co_return false;
  }
  // The id: from the registration, or (409: an earlier answer was lost) from /auth/me.
  p.user_id = registered->status == 201 ? int_field(reply_object(*registered), "id") : 0;
  if (p.user_id == 0) {
    auto me = co_await persist(&p, step_partner, plain_request(http::method::get, "/auth/me"), end);
    if (!me || me->status != 200) {
      co_return false;
    }
    p.user_id = int_field(reply_object(*me), "id");
  }
  json::object role;
  role["role"] = "partner";
  auto role_req =
      json_request(http::method::put, "/admin/users/" + std::to_string(p.user_id) + "/role", role);
  auto promoted = co_await persist(&world_.admin, step_admin, std::move(role_req), end);
  if (!promoted || promoted->status != 200) {
    co_return false;
  }
  p.access_token.clear();  // the next token carries the partner role
  json::object profile;
  profile["name"] = "Partner " + std::to_string(index + 1);
  profile["lat"] = store_lat + (random_.unit() - 0.5) * partner_spread_deg;
  profile["lon"] = store_lon + (random_.unit() - 0.5) * partner_spread_deg;
  auto profile_req = json_request(http::method::put, "/delivery/profile", profile);
  auto made = co_await persist(&p, step_partner, std::move(profile_req), end);
  if (!made || made->status != 200) {
    co_return false;
  }
  json::object available;
  available["status"] = "available";
  auto avail_req = json_request(http::method::put, "/delivery/availability", available);
  auto on = co_await persist(&p, step_partner, std::move(avail_req), end);
  co_return on && on->status == 200;
}

task<void> shop_staff::packer(time_point end) {
  while (ch_.clock.now() < end) {
    co_await ch_.clock.sleep(spec_.pack_interval);
    if (!world_.catalogue_ready) {
      continue;
    }
    auto req = plain_request(http::method::get, "/admin/orders?status=confirmed&limit=50");
    auto listed = co_await call_as(world_.admin, step_pack, std::move(req));
    if (!listed || listed->status != 200) {
      continue;
    }
    const json::array items = items_of(*listed);
    std::size_t done = 0;
    for (const auto& item : items) {
      if (!item.is_object() || ++done > max_items_per_pass) {
        break;
      }
      const std::int64_t id = int_field(item.as_object(), "id");
      json::object body;
      body["status"] = "packed";
      auto pack = json_request(http::method::post, "/admin/orders/" + std::to_string(id) + "/status", body);
      auto r = co_await call_as(world_.admin, step_pack, std::move(pack));
      if (r && r->status == 200) {
        ++world_.orders_packed;
      }
    }
  }
}

task<void> shop_staff::partner(std::size_t index, time_point end) {
  staff_account& p = world_.partners.at(index);
  while (ch_.clock.now() < end) {
    co_await ch_.clock.sleep(spec_.partner_poll);
    if (p.user_id == 0) {
      continue;  // its setup did not finish
    }
    // A partner holds at most one active order (assignments_one_active_per_partner) and the
    // list puts active orders first, so the first item is all a poll needs: the rest is the
    // partner's history, which the app shows on request, not every second.
    auto poll = plain_request(http::method::get, "/delivery/orders?limit=1");
    auto listed = co_await call_as(p, step_partner_poll, std::move(poll));
    if (!listed || listed->status != 200) {
      continue;
    }
    const json::array items = items_of(*listed);
    std::size_t done = 0;
    for (const auto& item : items) {
      if (!item.is_object() || ++done > max_items_per_pass) {
        break;
      }
      const auto& o = item.as_object();
      const std::int64_t order_id = int_field(o, "order_id");
      const std::string status = string_field(o, "status");
      const std::string base = "/delivery/orders/" + std::to_string(order_id);
      if (status == "assigned") {
        auto r = co_await call_as(p, step_pickup, plain_request(http::method::post, base + "/pickup"));
        if (r && r->status == 200) {
          picked_up_at_[order_id] = ch_.clock.now();
          ++world_.orders_picked_up;
        }
      } else if (status == "picked_up") {
        const auto it = picked_up_at_.try_emplace(order_id, ch_.clock.now()).first;
        if (ch_.clock.now() - it->second >= spec_.delivery_time) {
          auto r = co_await call_as(p, step_delivered, plain_request(http::method::post, base + "/delivered"));
          if (r && r->status == 200) {
            picked_up_at_.erase(order_id);
            ++world_.orders_delivered;
          }
        }
      }
    }
  }
}

task<void> shop_staff::restock(std::int64_t units) {
  for (const std::int64_t id : world_.hot_products) {
    json::object body;
    body["quantity"] = units;
    auto req = json_request(http::method::post, "/admin/products/" + std::to_string(id) + "/restock", body);
    auto r = co_await call_as(world_.admin, step_restock, std::move(req));
    if (r && r->status == 200) {
      world_.restocked_units[id] += units;
    } else if (!r || r->status >= 500) {
      world_.restock_uncertain_units[id] += units;
    }
  }
}

}  // namespace qm::sim
