#include "sim/scenario/workload.hpp"

#include <array>
#include <cmath>

#include "core/json/json.hpp"
#include "core/task/task_scope.hpp"

namespace qm::sim {

namespace {

constexpr std::array<const char*, 15> flow_names = {
    // Accounts, and what needs no catalogue.
    "register_login_me", "login_me", "me", "refresh", "full_session", "notifications",
    "catalogue",
    // Hostile clients (workload_hostile.cpp).
    "impostor", "abuse", "spoof",
    // The shop.
    "browse", "shop", "flash_sale", "track", "cancel"};
constexpr std::size_t first_shop_flow = 10;
constexpr std::size_t abuser_accounts = 2;

// A checkout whose answer was lost is repeated with the same key: that is what the key is for.
constexpr int max_checkout_attempts = 4;
constexpr duration checkout_retry_base = std::chrono::milliseconds(250);
constexpr std::int64_t max_items_per_add = 2;
constexpr std::uint64_t max_distinct_products_per_shop = 3;

// Reads the two tokens from a login or refresh answer; false when the body is not one.
bool take_tokens(const http::response& r, std::string& access, std::string& refresh_token) {
  const auto o = reply_object(r);
  access = string_field(o, "access_token");
  refresh_token = string_field(o, "refresh_token");
  return !access.empty() && !refresh_token.empty();
}

bool lost_or_transient(const rt::call_result& r) {
  return !r || r->status == 502 || r->status == 503 || r->status == 504;
}

}  // namespace

std::vector<std::string> known_flow_names() { return {flow_names.begin(), flow_names.end()}; }

bool is_shop_flow(const std::string& name) {
  for (std::size_t i = first_shop_flow; i < flow_names.size(); ++i) {
    if (name == flow_names[i]) {
      return true;
    }
  }
  return false;
}

workload::workload(const workload_spec& spec, client_io io, std::string gateway, outcome_log& log,
                   shop_world* world)
    : spec_(spec),
      io_(io),
      channel_{io.http, io.clock, std::move(gateway), log, spec.request_timeout},
      world_(world) {
  QM_ASSERT(spec_.clients > 0 && !spec_.flows.empty());
  users_.resize(spec_.clients);
  busy_.assign(spec_.clients, 0);
  for (std::size_t i = 0; i < users_.size(); ++i) {
    users_[i].email = "user" + std::to_string(i) + "@sim.quickmart.test";
    users_[i].password = "pw-" + std::to_string(i) + "-correct-horse";
    users_[i].address = customer_address(i);
  }
  abusers_.resize(abuser_accounts);
  for (std::size_t i = 0; i < abusers_.size(); ++i) {
    abusers_[i].email = "abuser" + std::to_string(i) + "@sim.quickmart.test";
    abusers_[i].password = "pw-abuser-" + std::to_string(i) + "-correct-horse";
    abusers_[i].address = abuser_address(100 + i);
  }
  for (const auto& f : spec_.flows) {
    total_weight_ += f.weight;
    QM_ASSERT_MSG(world_ != nullptr || !is_shop_flow(f.name), "shop flows need a shop");
  }
}

workload::~workload() = default;

std::size_t workload::pick_flow() {
  auto x = static_cast<std::uint32_t>(io_.random.uniform(total_weight_));
  for (std::size_t i = 0; i < spec_.flows.size(); ++i) {
    if (x < spec_.flows[i].weight) {
      return i;
    }
    x -= spec_.flows[i].weight;
  }
  return spec_.flows.size() - 1;
}

task<void> workload::run(time_point end) {
  const double mean_gap_us = 1e6 / spec_.arrival_rate_per_s;
  while (true) {
    // Exponential gaps make arrivals a Poisson process; 1 - unit() is in (0, 1].
    const double gap = -std::log(1.0 - io_.random.unit()) * mean_gap_us;
    co_await io_.clock.sleep(duration(static_cast<std::int64_t>(gap)));
    if (io_.clock.now() >= end) {
      co_return;
    }
    const auto u = static_cast<std::size_t>(io_.random.uniform(users_.size()));
    const std::size_t f = pick_flow();
    if (busy_[u] != 0) {
      ++counters_.arrivals_skipped_busy;
      continue;
    }
    busy_[u] = 1;
    ++counters_.flows_started;
    const bool spawned = io_.scope.spawn(run_flow(u, f));
    QM_ASSERT_MSG(spawned, "the client scope is sized for every user");
  }
}

std::vector<workload::planned_step> workload::plan(user& u, const std::string& flow) {
  std::vector<planned_step> steps;
  const auto add = [&](step_id id) { steps.push_back({id, false}); };
  const auto need_account = [&] {
    if (!u.registered) {
      add(step_register);
    }
  };
  const auto need_token = [&] {
    need_account();
    if (u.access_token.empty()) {
      add(step_login);
    }
  };
  if (flow == "register_login_me" || flow == "login_me") {
    need_account();
    add(step_login);
    add(step_me);
  } else if (flow == "me") {
    need_token();
    add(step_me);
  } else if (flow == "refresh") {
    need_token();
    add(step_refresh);
  } else if (flow == "full_session") {
    need_account();
    for (step_id id : {step_login, step_me, step_update_me, step_refresh, step_me, step_logout}) {
      add(id);
    }
  } else if (flow == "browse") {
    add(step_browse);
    add(step_product);
    add(step_product);
  } else if (flow == "shop") {
    need_token();
    add(step_browse);
    const auto distinct = 1 + io_.random.uniform(max_distinct_products_per_shop);
    for (std::uint64_t i = 0; i < distinct; ++i) {
      add(step_add_to_cart);
    }
    add(step_cart);
    add(step_checkout);
  } else if (flow == "flash_sale") {
    need_token();
    steps.push_back({step_add_to_cart, true});
    add(step_checkout);
  } else if (flow == "track") {
    need_token();
    add(step_orders);
    add(step_tracking);
  } else if (flow == "cancel") {
    need_token();
    add(step_cancel);
  } else if (flow == "notifications") {
    need_token();
    add(step_notifications);
  } else {
    QM_ASSERT_MSG(false, "the loader admits only known flows");
  }
  return steps;
}

task<void> workload::run_flow(std::size_t user_index, std::size_t flow_index) {
  const std::string& name = spec_.flows[flow_index].name;
  bool all_ok = true;
  if (name == "catalogue") {
    all_ok = co_await catalogue_flow(user_index);
  } else if (name == "impostor") {
    all_ok = co_await impostor_flow(user_index);
  } else if (name == "abuse") {
    all_ok = co_await abuse_flow();
  } else if (name == "spoof") {
    all_ok = co_await spoof_flow(user_index);
  } else {
    const std::vector<planned_step> steps = plan(users_[user_index], name);
    for (const planned_step s : steps) {
      if (!co_await step(user_index, s)) {
        all_ok = false;
        break;
      }
    }
  }
  ++(all_ok ? counters_.flows_completed : counters_.flows_aborted);
  busy_[user_index] = 0;
}

task<rt::call_result> workload::call(user& u, step_id id, http::request req, bool signed_in) {
  call_tags tags;
  // Looked up as recorded_call would, at the same moment of the user's first such call (the
  // log numbers subjects in order of first use), and remembered: no text to build per call.
  std::uint32_t& subject = signed_in ? u.account_subject : u.address_subject;
  if (subject == 0) {
    subject = channel_.log.subject_id(signed_in ? "acct:" + u.email : "ip:" + u.address);
  }
  tags.subject_id = subject;
  tags.limit_class = documented_limit_class(req.path());
  tags.signed_in = signed_in;
  return recorded_call(channel_, id, std::move(req), u.address, std::move(tags));
}

task<rt::call_result> workload::call_as(user& u, step_id id, http::request req) {
  set_bearer(req, u.access_token);
  auto res = co_await call(u, id, std::move(req), true);
  if (res && res->status == 401) {
    u.access_token.clear();  // the next flow logs in again
  }
  co_return res;
}

task<bool> workload::step(std::size_t user_index, planned_step s) {
  user& u = users_[user_index];
  if (s.id <= step_logout) {
    co_return co_await auth_step(u, s.id);
  }
  if (s.id == step_notifications) {
    // Needs an account, not the catalogue.
    auto r = co_await call_as(u, step_notifications, plain_request(http::method::get, "/notifications"));
    co_return r && r->status == 200;
  }
  if (world_ == nullptr || !world_->catalogue_ready || world_->products.empty()) {
    co_return false;  // nothing to shop for (yet)
  }
  const auto& products = world_->products;
  switch (s.id) {
    case step_browse: {
      const std::uint64_t pages = (products.size() + 19) / 20;
      const std::string target = "/products?limit=20&offset=" + std::to_string(20 * io_.random.uniform(pages));
      auto r = co_await call(u, step_browse, plain_request(http::method::get, target));
      co_return r && r->status == 200;
    }
    case step_product: {
      const auto& p = products[io_.random.uniform(products.size())];
      auto r = co_await call(u, step_product, plain_request(http::method::get, "/products/" + std::to_string(p.id)));
      co_return r && r->status == 200;
    }
    case step_add_to_cart:
      co_return co_await add_to_cart(user_index, s.hot);
    case step_cart: {
      auto r = co_await call_as(u, step_cart, plain_request(http::method::get, "/cart"));
      co_return r && r->status == 200;
    }
    case step_checkout:
      co_return co_await checkout(user_index);
    case step_orders: {
      auto r = co_await call_as(u, step_orders, plain_request(http::method::get, "/orders?limit=10"));
      co_return r && r->status == 200;
    }
    case step_tracking: {
      if (u.last_order_id == 0) {
        co_return true;  // nothing ordered yet
      }
      const std::string target = "/orders/" + std::to_string(u.last_order_id) + "/tracking";
      auto r = co_await call_as(u, step_tracking, plain_request(http::method::get, target));
      co_return r && r->status == 200;
    }
    case step_cancel: {
      if (u.last_order_id == 0) {
        co_return true;
      }
      const std::string target = "/orders/" + std::to_string(u.last_order_id) + "/cancel";
      auto r = co_await call_as(u, step_cancel, plain_request(http::method::post, target));
      // 409: already picked up or delivered, which a customer may well try.
      co_return r && (r->status == 200 || r->status == 409);
    }
    default:
      QM_ASSERT_MSG(false, "not a customer step");
  }
  co_return false;
}

task<bool> workload::add_to_cart(std::size_t user_index, bool hot) {
  user& u = users_[user_index];
  const auto& pool = world_->hot_products;
  std::int64_t product_id = 0;
  if (hot && !pool.empty()) {
    product_id = pool[io_.random.uniform(pool.size())];
  } else {
    product_id = world_->products[io_.random.uniform(world_->products.size())].id;
  }
  json::object body;
  body["product_id"] = product_id;
  body["quantity"] = static_cast<std::int64_t>(1 + io_.random.uniform(max_items_per_add));
  // Whatever the answer, the cart may now hold something.
  world_->carts_expected_empty.erase(user_index);
  auto r = co_await call_as(u, step_add_to_cart, json_request(http::method::post, "/cart/items", body));
  // 409: the line or the cart is full, which a keen shopper runs into.
  co_return r && (r->status == 200 || r->status == 409);
}

task<bool> workload::checkout(std::size_t user_index) {
  user& u = users_[user_index];
  const std::string key = "u" + std::to_string(user_index) + "-k" + std::to_string(++u.checkouts);
  json::object location;
  location["lat"] = 12.95 + 0.0001 * static_cast<double>(user_index % 500);
  location["lon"] = 77.60 + 0.0001 * static_cast<double>(user_index % 300);
  json::object body;
  body["address"] = "Flat " + std::to_string(user_index + 1) + ", Sim Street";
  body["location"] = location;
  for (int attempt = 0; attempt < max_checkout_attempts; ++attempt) {
    if (attempt > 0) {
      co_await io_.clock.sleep(checkout_retry_base * (1 << (attempt - 1)));
    }
    auto req = json_request(http::method::post, "/orders/checkout", body);
    req.headers.set("Idempotency-Key", key);
    auto r = co_await call_as(u, step_checkout, std::move(req));
    if (r && (r->status == 200 || r->status == 201)) {
      const auto o = reply_object(*r);
      acknowledged_order ack;
      ack.customer = user_index;
      ack.user_id = int_field(o, "user_id");
      ack.idempotency_key = key;
      ack.order_id = int_field(o, "id");
      ack.total_paise = int_field(o, "total_paise", -1);
      world_->acknowledge(ack);
      world_->carts_expected_empty[user_index] = ack.user_id;
      u.user_id = ack.user_id;
      u.last_order_id = ack.order_id;
      ++counters_.checkouts_acknowledged;
      co_return true;
    }
    const bool in_progress = r && r->status == 409 && r->body.find("checkout_in_progress") != std::string::npos;
    if (lost_or_transient(r) || in_progress) {
      continue;
    }
    if (r && r->status == 401) {
      co_return false;
    }
    // A final no (stock, payment, empty cart): the customer empties the cart and moves on.
    ++counters_.checkouts_refused;
    auto cleared = co_await call_as(u, step_clear_cart, plain_request(http::method::del, "/cart"));
    if (cleared && cleared->status == 204 && u.user_id != 0) {
      world_->carts_expected_empty[user_index] = u.user_id;
    }
    co_return false;
  }
  ++counters_.checkouts_given_up;
  co_return false;
}

task<bool> workload::auth_step(user& u, step_id id) {
  http::request req;
  switch (id) {
    case step_register: {
      json::object body;
      body["email"] = u.email;
      body["password"] = u.password;
      body["name"] = "Sim User";
      req = json_request(http::method::post, "/auth/register", body);
      break;
    }
    case step_login: {
      json::object body;
      body["email"] = u.email;
      body["password"] = u.password;
      req = json_request(http::method::post, "/auth/login", body);
      break;
    }
    case step_me:
      req = plain_request(http::method::get, "/auth/me");
      set_bearer(req, u.access_token);
      break;
    case step_update_me: {
      json::object body;
      body["name"] = "Sim User Renamed";
      req = json_request(http::method::put, "/auth/me", body);
      set_bearer(req, u.access_token);
      break;
    }
    case step_refresh:
    case step_logout: {
      json::object body;
      body["refresh_token"] = u.refresh_token;
      req = json_request(http::method::post, id == step_refresh ? "/auth/refresh" : "/auth/logout", body);
      break;
    }
    default:
      QM_ASSERT_MSG(false, "unknown step");
  }
  auto res = co_await call(u, id, std::move(req));
  if (!res) {
    co_return false;
  }
  const int status = res->status;
  switch (id) {
    case step_register:
      // 409: an earlier attempt went through even though its answer was lost.
      u.registered = u.registered || status == 201 || status == 409;
      if (status == 201) {
        u.user_id = int_field(reply_object(*res), "id");
      }
      co_return status == 201 || status == 409;
    case step_login:
    case step_refresh:
      if (status == 200) {
        co_return take_tokens(*res, u.access_token, u.refresh_token);
      }
      if (status == 401) {
        u.access_token.clear();
        u.refresh_token.clear();
      }
      co_return false;
    case step_logout:
      u.access_token.clear();
      u.refresh_token.clear();
      co_return status / 100 == 2;
    default:
      if (status == 401) {
        u.access_token.clear();
      }
      if (status == 200 && id == step_me && u.user_id == 0) {
        u.user_id = int_field(reply_object(*res), "id");
      }
      co_return status / 100 == 2;
  }
}

}  // namespace qm::sim
