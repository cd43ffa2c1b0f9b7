// The workload's flows that are not a person shopping: a catalogue reader, and the hostile
// clients the resilience scenarios throw at the cluster (impostors with bad tokens, abusers
// hammering the gateway, spoofers forging identity headers). Each of their requests is
// recorded under its own step, so checks can judge them apart from everyone else's.

#include "core/identity/user_context.hpp"
#include "sim/scenario/forged_credentials.hpp"
#include "sim/scenario/workload.hpp"

namespace qm::sim {

namespace {

// Requests per abuse flow, sent back to back: a script, not a person.
constexpr int abuse_burst = 30;
// The abuse flow's client addresses; its accounts come on top of these.
constexpr std::uint64_t abuser_addresses = 3;
constexpr std::uint64_t spoof_attacks = 12;

bool refused(const rt::call_result& r) {
  return r && (r->status == 401 || r->status == 403 || r->status == 404);
}

}  // namespace

task<bool> workload::catalogue_flow(std::size_t user_index) {
  user& u = users_[user_index];
  auto listing = co_await call(u, step_browse, plain_request(http::method::get, "/products?limit=20"));
  if (!listing || listing->status != 200) {
    co_return false;
  }
  auto categories = co_await call(u, step_browse, plain_request(http::method::get, "/categories"));
  co_return categories && categories->status == 200;
}

task<bool> workload::impostor_flow(std::size_t user_index) {
  user& u = users_[user_index];
  const auto kind = static_cast<bad_token>(io_.random.uniform(static_cast<std::uint64_t>(bad_token::count)));
  // A user id that may well exist: the token claims to be someone real.
  const auto claimed_user = static_cast<std::int64_t>(1 + io_.random.uniform(users_.size()));
  const std::int64_t now_s = to_unix_seconds(io_.clock.now());
  const std::uint64_t noise = io_.random.next_u64();
  http::request req = plain_request(http::method::get, "/notifications");
  set_bearer(req, make_bad_token(kind, claimed_user, now_s, token_secret_, noise));
  auto r = co_await call(u, step_impostor, std::move(req));
  co_return r && r->status == 401;
}

task<bool> workload::ensure_token(user& u, step_id as) {
  call_tags tags{"ip:" + u.address, limit_class_tag::auth, false};
  if (!u.registered) {
    json::object body;
    body["email"] = u.email;
    body["password"] = u.password;
    body["name"] = "Sim Abuser";
    auto r = co_await recorded_call(channel_, as, json_request(http::method::post, "/auth/register", body),
                                    u.address, tags);
    u.registered = r && (r->status == 201 || r->status == 409);
  }
  if (u.registered && u.access_token.empty()) {
    json::object body;
    body["email"] = u.email;
    body["password"] = u.password;
    auto r = co_await recorded_call(channel_, as, json_request(http::method::post, "/auth/login", body),
                                    u.address, tags);
    if (r && r->status == 200) {
      const auto o = reply_object(*r);
      u.access_token = string_field(o, "access_token");
      u.refresh_token = string_field(o, "refresh_token");
    }
  }
  co_return !u.access_token.empty();
}

task<bool> workload::abuse_flow() {
  const std::uint64_t who = io_.random.uniform(abuser_addresses + abusers_.size());
  if (who < abuser_addresses) {
    // Anonymous: password guessing and reads from one address, each request claiming a
    // made-up origin in X-Forwarded-For (the load balancer appends the real one).
    const std::string address = abuser_address(who);
    for (int i = 0; i < abuse_burst; ++i) {
      http::request req;
      if (i % 2 == 0) {
        json::object body;
        body["email"] = "victim" + std::to_string(i) + "@sim.quickmart.test";
        body["password"] = "guess-" + std::to_string(io_.random.uniform(1'000'000));
        req = json_request(http::method::post, "/auth/login", body);
      } else {
        req = plain_request(http::method::get, "/auth/me");
      }
      req.headers.set("X-Forwarded-For", "203.0.113." + std::to_string(io_.random.uniform(250)));
      call_tags tags{"ip:" + address, documented_limit_class(req.path()), false};
      // recorded_call records the answer for the checks; the flood itself does not read it.
      static_cast<void>(
          co_await recorded_call(channel_, step_abuse, std::move(req), address, std::move(tags)));
    }
    co_return true;
  }
  // Signed in: one account reading as fast as it can.
  user& a = abusers_[who - abuser_addresses];
  if (!co_await ensure_token(a, step_abuse)) {
    co_return false;
  }
  for (int i = 0; i < abuse_burst; ++i) {
    http::request req = plain_request(http::method::get, "/notifications");
    set_bearer(req, a.access_token);
    call_tags tags{"acct:" + a.email, limit_class_tag::general, true};
    auto r = co_await recorded_call(channel_, step_abuse, std::move(req), a.address, std::move(tags));
    if (r && r->status == 401) {
      a.access_token.clear();
      co_return false;
    }
  }
  co_return true;
}

task<bool> workload::spoof_flow(std::size_t user_index) {
  user& u = users_[user_index];
  const auto victim = static_cast<std::int64_t>(forged_user_base + io_.random.uniform(static_cast<std::uint64_t>(forged_user_count)));
  const std::int64_t now_s = to_unix_seconds(io_.clock.now());
  const std::int64_t product_id =
      world_ != nullptr && !world_->products.empty() ? world_->products.front().id : 1;
  json::object item;
  item["product_id"] = product_id;
  item["quantity"] = std::int64_t{1};
  const std::string internal_cart = "/internal/carts/" + std::to_string(victim);
  const std::string service_ctx = forged_context(0, identity::role_service, now_s);
  const std::string victim_ctx = forged_context(victim, identity::role_customer, now_s);
  const std::string ctx_header(identity::context_header);

  http::request req;
  std::string target;  // empty: through the gateway
  switch (io_.random.uniform(spoof_attacks)) {
    // Through the gateway, without a token: identity headers alone must get nowhere.
    case 0:
      req = json_request(http::method::post, "/cart/items", item);
      req.headers.set(ctx_header, victim_ctx);
      break;
    case 1:
      req = plain_request(http::method::get, "/cart");
      req.headers.set(ctx_header, unsigned_context(victim, identity::role_customer, now_s));
      break;
    case 2:
      req = plain_request(http::method::get, "/orders");
      req.headers.set(ctx_header, zero_mac_context(victim, identity::role_customer, now_s));
      req.headers.set("X-User-Id", std::to_string(victim));
      req.headers.set("X-User-Role", "admin");
      break;
    case 3:
      req = plain_request(http::method::get, internal_cart);
      req.headers.set(ctx_header, service_ctx);
      break;
    case 4:
      req = plain_request(http::method::get, "/admin/orders");
      req.headers.set(ctx_header, forged_context(victim, identity::role_admin, now_s));
      break;
    // Around the gateway, straight to the services.
    case 5:
      target = "cart";
      req = json_request(http::method::post, "/cart/items", item);
      req.headers.set(ctx_header, victim_ctx);
      break;
    case 6:
      target = "cart";
      req = plain_request(http::method::get, internal_cart);
      req.headers.set(ctx_header, service_ctx);
      break;
    case 7:
      target = "cart";
      req = json_request(http::method::post, "/cart/items", item);
      req.headers.set(ctx_header, unsigned_context(victim, identity::role_customer, now_s));
      break;
    case 8: {
      target = "order";
      json::object body;
      body["address"] = "Forged Street 1";
      req = json_request(http::method::post, "/orders/checkout", body);
      req.headers.set(ctx_header, victim_ctx);
      req.headers.set("Idempotency-Key", "forged-" + std::to_string(victim));
      break;
    }
    case 9: {
      target = "notification";
      json::object body;
      body["user_id"] = victim;
      body["kind"] = "order_confirmed";
      req = json_request(http::method::post, "/internal/events", body);
      req.headers.set(ctx_header, service_ctx);
      break;
    }
    case 10: {
      target = "auth";
      json::object body;
      body["token"] = "anything";
      req = json_request(http::method::post, "/internal/verify-token", body);
      req.headers.set(ctx_header, service_ctx);
      break;
    }
    default:
      target = "cart";
      req = json_request(http::method::post, "/cart/items", item);
      req.headers.set(ctx_header, zero_mac_context(victim, identity::role_customer, now_s));
      req.headers.set("X-User-Id", std::to_string(victim));
      break;
  }
  if (target.empty()) {
    auto r = co_await call(u, step_spoof, std::move(req));
    co_return refused(r);
  }
  client_channel direct{channel_.http, channel_.clock, target, channel_.log, channel_.timeout};
  auto r = co_await recorded_call(direct, step_bypass, std::move(req));
  co_return refused(r);
}

}  // namespace qm::sim
