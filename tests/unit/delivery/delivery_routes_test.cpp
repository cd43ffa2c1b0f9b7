// Route-level tests: the real delivery service on SQLite, hosted in-process on a manual clock
// (tests/support/service_harness.hpp), with small fake order and notification services of
// this file attached as its upstreams. The fakes record what delivery asked of them and
// answer as the test says.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "services/delivery/domain/geo.hpp"
#include "services/delivery/service.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

using delivery::geo_point;

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
constexpr std::string_view secret = "delivery-route-tests-context-secret-0123456789";
const geo_point store{12.9716, 77.5946};

std::string text(const json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

task<http::response> ready(http::response r) { co_return r; }

// A call the fake order service received.
struct order_call {
  std::int64_t order_id = 0;
  std::string kind;    // "status" or "partner"
  std::string status;  // for "status"
  std::int64_t partner_id = 0;
};

struct event {
  std::int64_t user_id = 0;
  std::string kind;
  std::int64_t order_id = 0;
};

class delivery_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{11};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host delivery{"delivery", clock, random, http, db.get()};
  http::router order_service;
  http::router notification_service;

  std::vector<order_call> order_calls;
  std::vector<event> events;
  // What the fake order service answers to a status transition.
  int order_status_reply = 200;

  void SetUp() override {
    fake_order();
    fake_notification();
    http.attach("order", order_service);
    http.attach("notification", notification_service);
    delivery.config().set("context_secret", std::string(secret));
    delivery.config().set("store_lat", "12.9716");
    delivery.config().set("store_lon", "77.5946");
    delivery.config().set("partner_speed_mps", "5");
    delivery.config().set("upstream_timeout_ms", "700");
    ASSERT_TRUE(delivery.start_with([](rt::runtime& rt) -> std::unique_ptr<rt::service> {
      return std::make_unique<delivery::delivery_service>(rt);
    }));
  }

  void fake_order() {
    order_service.add(http::method::post, "/internal/orders/{id}/status",
                      [this](http::request_context rc) {
                        auto body = boost::json::parse(rc.request.body).as_object();
                        order_calls.push_back(order_call{
                            std::stoll(std::string(rc.param("id"))), "status", text(body, "status"),
                            body.contains("partner_id") ? body.at("partner_id").as_int64() : 0});
                        if (order_status_reply != 200) {
                          return ready(http::error_response(order_status_reply,
                                                            "illegal_transition",
                                                            "refused by the order service"));
                        }
                        return ready(http::json_response(200, R"({"status":"ok"})"));
                      });
    order_service.add(http::method::post, "/internal/orders/{id}/partner",
                      [this](http::request_context rc) {
                        auto body = boost::json::parse(rc.request.body).as_object();
                        order_calls.push_back(order_call{std::stoll(std::string(rc.param("id"))),
                                                         "partner", "",
                                                         body.at("partner_id").as_int64()});
                        return ready(http::json_response(200, R"({"status":"ok"})"));
                      });
  }

  void fake_notification() {
    notification_service.add(http::method::post, "/internal/events",
                             [this](http::request_context rc) {
                               auto body = boost::json::parse(rc.request.body).as_object();
                               events.push_back(event{body.at("user_id").as_int64(),
                                                      text(body, "kind"),
                                                      body.at("order_id").as_int64()});
                               return ready(http::json_response(202, "{}"));
                             });
  }

  http::response as(std::int64_t user_id, std::string_view role, http::method verb,
                    std::string target, std::string body = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    identity::user_context ctx{user_id, std::string(role),
                               to_unix_seconds(clock.now()) + identity::context_lifetime_s, "r1"};
    req.headers.set(std::string(identity::context_header), identity::sign(ctx, secret));
    return delivery.handle(std::move(req));
  }

  http::response partner(std::int64_t id, http::method verb, std::string target,
                         std::string body = {}) {
    return as(id, identity::role_partner, verb, std::move(target), std::move(body));
  }

  http::response admin(http::method verb, std::string target, std::string body = {}) {
    return as(1, identity::role_admin, verb, std::move(target), std::move(body));
  }

  static std::string point_body(geo_point p) {
    json::object o;
    o["lat"] = p.lat;
    o["lon"] = p.lon;
    return json::serialize(o);
  }

  // A partner with a profile at p, made available unless said otherwise.
  void add_partner(std::int64_t id, geo_point p, bool available = true) {
    json::object o;
    o["name"] = "Partner " + std::to_string(id);
    o["lat"] = p.lat;
    o["lon"] = p.lon;
    auto r = partner(id, http::method::put, "/delivery/profile", json::serialize(o));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(text(parse(r), "status"), "offline");
    if (available) {
      r = partner(id, http::method::put, "/delivery/availability", R"({"status":"available"})");
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }

  // POST /internal/assignments, as the order service sends it.
  http::response place(std::int64_t order_id, std::int64_t user_id,
                       geo_point destination = {12.99, 77.61}) {
    json::object loc;
    loc["lat"] = destination.lat;
    loc["lon"] = destination.lon;
    json::object o;
    o["order_id"] = order_id;
    o["user_id"] = user_id;
    o["location"] = std::move(loc);
    return delivery.handle(
        make_request(http::method::post, "/internal/assignments", json::serialize(o)));
  }

  http::response cancel(std::int64_t order_id) {
    return delivery.handle(make_request(
        http::method::post, "/internal/assignments/" + std::to_string(order_id) + "/cancel"));
  }

  std::string partner_status(std::int64_t id) {
    auto r = partner(id, http::method::get, "/delivery/profile");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? text(parse(r), "status") : "";
  }

  // The partner_id of an internal assignment reply (0 when null).
  static std::int64_t assigned_to(const http::response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    auto o = parse(r);
    const auto* p = o.if_contains("partner_id");
    return p != nullptr && p->is_int64() ? p->as_int64() : 0;
  }

  std::vector<order_call> calls_of(std::string_view kind) const {
    std::vector<order_call> out;
    for (const auto& c : order_calls) {
      if (c.kind == kind) {
        out.push_back(c);
      }
    }
    return out;
  }

  bool saw_event(std::string_view kind, std::int64_t order_id) const {
    for (const auto& e : events) {
      if (e.kind == kind && e.order_id == order_id) {
        return true;
      }
    }
    return false;
  }
};

// --- assignment ---------------------------------------------------------------------------

TEST_F(delivery_routes, the_nearest_available_partner_takes_the_order) {
  add_partner(101, {13.05, 77.70});                 // far
  add_partner(102, {12.975, 77.596});               // near
  add_partner(103, {12.9717, 77.5946}, false);      // nearest, but offline
  auto r = place(5001, 900);
  EXPECT_EQ(text(parse(r), "status"), "assigned");
  EXPECT_EQ(assigned_to(r), 102);
  EXPECT_EQ(partner_status(102), "busy");
  EXPECT_EQ(partner_status(101), "available");
  EXPECT_EQ(partner_status(103), "offline");
  // The order service learns the partner and the customer is told.
  ASSERT_EQ(calls_of("partner").size(), 1u);
  EXPECT_EQ(calls_of("partner")[0].order_id, 5001);
  EXPECT_EQ(calls_of("partner")[0].partner_id, 102);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].user_id, 900);
  EXPECT_EQ(events[0].kind, "partner_assigned");
  // Every upstream call carries the configured deadline.
  for (const auto& d : http.deadlines) {
    EXPECT_EQ(d, clock.now() + ms(700));
  }
}

TEST_F(delivery_routes, equally_near_partners_go_by_lowest_id) {
  const geo_point spot{12.98, 77.60};
  add_partner(207, spot);
  add_partner(203, spot);
  add_partner(205, spot);
  EXPECT_EQ(assigned_to(place(1, 900)), 203);
  EXPECT_EQ(assigned_to(place(2, 900)), 205);
  EXPECT_EQ(assigned_to(place(3, 900)), 207);
}

TEST_F(delivery_routes, assignment_is_idempotent_by_order_id) {
  add_partner(11, {12.972, 77.595});
  add_partner(12, {12.99, 77.62});
  EXPECT_EQ(assigned_to(place(77, 900)), 11);
  auto again = place(77, 900);
  EXPECT_EQ(assigned_to(again), 11);
  EXPECT_EQ(text(parse(again), "status"), "assigned");
  // The second partner was not taken, and the customer heard of the partner once.
  EXPECT_EQ(partner_status(12), "available");
  EXPECT_EQ(events.size(), 1u);
  // The repeat tells the order service again, in case the first reply was lost.
  EXPECT_EQ(calls_of("partner").size(), 2u);
  auto stats = parse(admin(http::method::get, "/admin/stats"));
  EXPECT_EQ(stats.at("active_assignments").as_int64(), 1);
}

TEST_F(delivery_routes, an_order_waits_until_a_partner_becomes_available) {
  add_partner(21, {12.98, 77.60}, false);
  auto r = place(300, 900);
  EXPECT_EQ(text(parse(r), "status"), "waiting");
  EXPECT_EQ(assigned_to(r), 0);
  EXPECT_TRUE(calls_of("partner").empty());

  auto on = partner(21, http::method::put, "/delivery/availability", R"({"status":"available"})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(text(parse(on), "status"), "busy");  // it took the waiting order at once
  auto mine = parse(partner(21, http::method::get, "/delivery/orders"));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").as_array()[0].as_object().at("order_id").as_int64(), 300);
  EXPECT_EQ(text(mine.at("items").as_array()[0].as_object(), "status"), "assigned");
  ASSERT_EQ(calls_of("partner").size(), 1u);
  EXPECT_EQ(calls_of("partner")[0].partner_id, 21);
  EXPECT_TRUE(saw_event("partner_assigned", 300));
}

TEST_F(delivery_routes, waiting_orders_are_served_oldest_first) {
  add_partner(31, {12.98, 77.60}, false);
  ASSERT_EQ(text(parse(place(402, 900)), "status"), "waiting");
  clock.advance(seconds(5));
  ASSERT_EQ(text(parse(place(401, 901)), "status"), "waiting");
  ASSERT_EQ(partner(31, http::method::put, "/delivery/availability", R"({"status":"available"})")
                .status,
            200);
  // 402 came first, though its id is higher.
  auto mine = parse(partner(31, http::method::get, "/delivery/orders"));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").as_array()[0].as_object().at("order_id").as_int64(), 402);
  auto stats = parse(admin(http::method::get, "/admin/stats"));
  EXPECT_EQ(stats.at("orders_waiting").as_int64(), 1);
}

TEST_F(delivery_routes, a_new_order_queues_behind_older_waiting_ones) {
  add_partner(41, {12.98, 77.60}, false);
  ASSERT_EQ(text(parse(place(1, 900)), "status"), "waiting");
  // The order service's notification of the partner fails while the partner comes online:
  // the drain still assigns, so no order is left waiting with a partner free.
  ASSERT_EQ(partner(41, http::method::put, "/delivery/availability", R"({"status":"available"})")
                .status,
            200);
  add_partner(42, {12.98, 77.60});
  clock.advance(seconds(1));
  EXPECT_EQ(assigned_to(place(2, 901)), 42);
}

// --- pickup and delivery --------------------------------------------------------------------

TEST_F(delivery_routes, pickup_and_delivered_drive_the_order_status) {
  add_partner(51, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(600, 900)), 51);

  auto picked = partner(51, http::method::post, "/delivery/orders/600/pickup");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(text(parse(picked), "status"), "picked_up");
  ASSERT_EQ(calls_of("status").size(), 1u);
  EXPECT_EQ(calls_of("status")[0].order_id, 600);
  EXPECT_EQ(calls_of("status")[0].status, "out_for_delivery");
  EXPECT_EQ(calls_of("status")[0].partner_id, 51);

  // A retried pickup answers the same without asking the order service again.
  EXPECT_EQ(partner(51, http::method::post, "/delivery/orders/600/pickup").status, 200);
  EXPECT_EQ(calls_of("status").size(), 1u);

  auto done = partner(51, http::method::post, "/delivery/orders/600/delivered");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(text(parse(done), "status"), "delivered");
  ASSERT_EQ(calls_of("status").size(), 2u);
  EXPECT_EQ(calls_of("status")[1].status, "delivered");
  EXPECT_EQ(partner_status(51), "available");
  // The customer hears of pickup and delivery from the order service, which notifies on
  // each status change; delivery itself only announces the partner.
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "partner_assigned");
}

TEST_F(delivery_routes, delivered_before_pickup_is_refused_locally) {
  add_partner(52, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(601, 900)), 52);
  auto r = partner(52, http::method::post, "/delivery/orders/601/delivered");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "illegal_transition");
  EXPECT_TRUE(calls_of("status").empty());
}

TEST_F(delivery_routes, an_order_service_refusal_is_passed_on_and_nothing_changes) {
  add_partner(53, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(602, 900)), 53);
  order_status_reply = 409;
  auto r = partner(53, http::method::post, "/delivery/orders/602/pickup");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "illegal_transition");
  EXPECT_EQ(r.body, http::error_response(409, "illegal_transition",
                                         "refused by the order service").body);
  auto mine = parse(partner(53, http::method::get, "/delivery/orders"));
  EXPECT_EQ(text(mine.at("items").as_array()[0].as_object(), "status"), "assigned");
  // The partner stays busy with it, and a retry once the order service agrees goes through.
  EXPECT_EQ(partner_status(53), "busy");
  order_status_reply = 200;
  EXPECT_EQ(partner(53, http::method::post, "/delivery/orders/602/pickup").status, 200);
}

TEST_F(delivery_routes, an_unreachable_order_service_answers_503_and_nothing_changes) {
  add_partner(54, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(603, 900)), 54);
  http.failures["order"] = rt::call_errc::timeout;
  auto r = partner(54, http::method::post, "/delivery/orders/603/pickup");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "upstream_unavailable");
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  http.failures.clear();
  auto mine = parse(partner(54, http::method::get, "/delivery/orders"));
  EXPECT_EQ(text(mine.at("items").as_array()[0].as_object(), "status"), "assigned");
  // Once the order service is back, the same pickup goes through.
  EXPECT_EQ(partner(54, http::method::post, "/delivery/orders/603/pickup").status, 200);
}

TEST_F(delivery_routes, a_partner_freed_by_a_delivery_takes_the_oldest_waiting_order) {
  add_partner(61, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(700, 900)), 61);
  ASSERT_EQ(text(parse(place(701, 901)), "status"), "waiting");
  ASSERT_EQ(partner(61, http::method::post, "/delivery/orders/700/pickup").status, 200);
  ASSERT_EQ(partner(61, http::method::post, "/delivery/orders/700/delivered").status, 200);
  EXPECT_EQ(partner_status(61), "busy");
  auto mine = parse(partner(61, http::method::get, "/delivery/orders"));
  const auto& items = mine.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  // Active first.
  EXPECT_EQ(items[0].as_object().at("order_id").as_int64(), 701);
  EXPECT_EQ(text(items[0].as_object(), "status"), "assigned");
  EXPECT_EQ(text(items[1].as_object(), "status"), "delivered");
  EXPECT_TRUE(saw_event("partner_assigned", 701));
  auto& counted = delivery.metrics().get_counter("delivery_events_total", "",
                                                 {{"event", "assigned"}});
  EXPECT_EQ(counted.value(), 2.0);
}

TEST_F(delivery_routes, another_partner_cannot_move_an_order) {
  add_partner(62, {12.972, 77.595});
  add_partner(63, {12.99, 77.62});
  ASSERT_EQ(assigned_to(place(702, 900)), 62);
  EXPECT_EQ(partner(63, http::method::post, "/delivery/orders/702/pickup").status, 404);
  EXPECT_EQ(partner(63, http::method::post, "/delivery/orders/999/pickup").status, 404);
  EXPECT_TRUE(calls_of("status").empty());
}

// --- partner state --------------------------------------------------------------------------

TEST_F(delivery_routes, a_busy_partner_cannot_go_offline) {
  add_partner(71, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(800, 900)), 71);
  auto r = partner(71, http::method::put, "/delivery/availability", R"({"status":"offline"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "partner_busy");
  EXPECT_EQ(partner_status(71), "busy");
  auto claim = partner(71, http::method::put, "/delivery/availability", R"({"status":"busy"})");
  EXPECT_EQ(claim.status, 400);
}

TEST_F(delivery_routes, profile_and_location_updates) {
  EXPECT_EQ(partner(81, http::method::get, "/delivery/profile").status, 404);
  EXPECT_EQ(partner(81, http::method::post, "/delivery/location", point_body({1, 2})).status, 404);
  add_partner(81, {12.972, 77.595}, false);
  clock.advance(seconds(30));
  auto moved = partner(81, http::method::post, "/delivery/location", point_body({12.9, 77.5}));
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto p = parse(moved);
  EXPECT_DOUBLE_EQ(p.at("lat").to_number<double>(), 12.9);
  EXPECT_DOUBLE_EQ(p.at("lon").to_number<double>(), 77.5);
  EXPECT_EQ(p.at("updated_at").as_int64(), to_unix_seconds(clock.now()));
  EXPECT_EQ(text(p, "status"), "offline");
  auto bad = partner(81, http::method::post, "/delivery/location", R"({"lat":100,"lon":2})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "invalid_field");
}

// --- tracking --------------------------------------------------------------------------------

TEST_F(delivery_routes, the_customer_tracks_the_order_with_an_eta) {
  const geo_point at{12.975, 77.596};
  const geo_point home{12.99, 77.61};
  add_partner(91, at);
  ASSERT_EQ(assigned_to(place(900, 4242, home)), 91);

  auto r = as(4242, identity::role_customer, http::method::get, "/orders/900/tracking");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("order_id").as_int64(), 900);
  EXPECT_EQ(text(o, "status"), "assigned");
  EXPECT_EQ(o.at("partner").as_object().at("id").as_int64(), 91);
  EXPECT_EQ(text(o.at("partner").as_object(), "name"), "Partner 91");
  // Assigned: to the store, then to the customer, at 5 m/s.
  const auto via_store = delivery::eta_s(
      delivery::distance_m(at, store) + delivery::distance_m(store, home), 5);
  EXPECT_EQ(o.at("eta_s").as_int64(), via_store);

  ASSERT_EQ(partner(91, http::method::post, "/delivery/orders/900/pickup").status, 200);
  const geo_point on_the_way{12.985, 77.605};
  ASSERT_EQ(partner(91, http::method::post, "/delivery/location", point_body(on_the_way)).status,
            200);
  o = parse(as(4242, identity::role_customer, http::method::get, "/orders/900/tracking"));
  EXPECT_EQ(text(o, "status"), "picked_up");
  EXPECT_EQ(o.at("eta_s").as_int64(), delivery::eta_s(delivery::distance_m(on_the_way, home), 5));
  EXPECT_DOUBLE_EQ(o.at("partner").as_object().at("lat").to_number<double>(), on_the_way.lat);
}

TEST_F(delivery_routes, another_customer_sees_404_and_an_admin_sees_it) {
  add_partner(92, {12.975, 77.596});
  ASSERT_EQ(assigned_to(place(901, 4242)), 92);
  auto other = as(4343, identity::role_customer, http::method::get, "/orders/901/tracking");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(as(4242, identity::role_customer, http::method::get, "/orders/999/tracking").status,
            404);
  auto by_admin = admin(http::method::get, "/orders/901/tracking");
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(parse(by_admin).at("partner").as_object().at("id").as_int64(), 92);
}

TEST_F(delivery_routes, a_waiting_order_has_no_partner_and_no_eta) {
  auto r = place(902, 4242);
  ASSERT_EQ(text(parse(r), "status"), "waiting");
  auto o = parse(as(4242, identity::role_customer, http::method::get, "/orders/902/tracking"));
  EXPECT_EQ(text(o, "status"), "waiting");
  EXPECT_TRUE(o.at("partner").is_null());
  EXPECT_TRUE(o.at("eta_s").is_null());
}

// --- identity --------------------------------------------------------------------------------

TEST_F(delivery_routes, routes_refuse_missing_and_wrong_identities) {
  auto anonymous = delivery.handle(make_request(http::method::get, "/delivery/profile"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(error_code(anonymous), "unauthenticated");
  EXPECT_EQ(delivery.handle(make_request(http::method::get, "/orders/1/tracking")).status, 401);
  EXPECT_EQ(delivery.handle(make_request(http::method::get, "/admin/stats")).status, 401);

  auto forged = make_request(http::method::get, "/delivery/profile");
  identity::user_context ctx{5, "partner", to_unix_seconds(clock.now()) + 60, ""};
  forged.headers.set(std::string(identity::context_header), identity::sign(ctx, "another-secret-entirely-0123456789abcdef"));
  EXPECT_EQ(delivery.handle(std::move(forged)).status, 401);

  auto customer = as(6, identity::role_customer, http::method::get, "/delivery/profile");
  EXPECT_EQ(customer.status, 403);
  EXPECT_EQ(error_code(customer), "forbidden");
  EXPECT_EQ(partner(7, http::method::get, "/admin/partners").status, 403);
  EXPECT_EQ(partner(7, http::method::get, "/admin/stats").status, 403);
  EXPECT_EQ(as(6, identity::role_customer, http::method::post, "/admin/assignments",
               R"({"order_id":1,"partner_id":2})")
                .status,
            403);
}

// --- cancellation -----------------------------------------------------------------------------

TEST_F(delivery_routes, cancelling_frees_the_partner_and_is_idempotent) {
  add_partner(111, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(1000, 900)), 111);
  auto r = cancel(1000);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(parse(r), "status"), "cancelled");
  EXPECT_EQ(partner_status(111), "available");
  EXPECT_EQ(cancel(1000).status, 200);
  EXPECT_EQ(partner_status(111), "available");
  // The freed partner is free for the next order.
  EXPECT_EQ(assigned_to(place(1001, 900)), 111);
}

TEST_F(delivery_routes, cancelling_frees_the_partner_for_a_waiting_order) {
  add_partner(112, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(1010, 900)), 112);
  ASSERT_EQ(text(parse(place(1011, 901)), "status"), "waiting");
  ASSERT_EQ(cancel(1010).status, 200);
  EXPECT_EQ(partner_status(112), "busy");
  auto o = parse(as(901, identity::role_customer, http::method::get, "/orders/1011/tracking"));
  EXPECT_EQ(text(o, "status"), "assigned");
}

TEST_F(delivery_routes, a_picked_up_order_cannot_be_cancelled) {
  add_partner(113, {12.972, 77.595});
  ASSERT_EQ(assigned_to(place(1020, 900)), 113);
  ASSERT_EQ(partner(113, http::method::post, "/delivery/orders/1020/pickup").status, 200);
  auto r = cancel(1020);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "illegal_transition");
  EXPECT_EQ(partner_status(113), "busy");
}

TEST_F(delivery_routes, a_cancellation_before_the_hand_over_stops_a_late_assignment) {
  add_partner(114, {12.972, 77.595});
  ASSERT_EQ(cancel(1030).status, 200);
  auto late = place(1030, 900);
  EXPECT_EQ(text(parse(late), "status"), "cancelled");
  EXPECT_EQ(assigned_to(late), 0);
  EXPECT_EQ(partner_status(114), "available");
  EXPECT_TRUE(calls_of("partner").empty());
}

// --- failures of others ------------------------------------------------------------------------

TEST_F(delivery_routes, a_failed_notification_does_not_fail_the_assignment) {
  add_partner(121, {12.972, 77.595});
  http.failures["notification"] = rt::call_errc::connect_failed;
  EXPECT_EQ(assigned_to(place(1100, 900)), 121);
  EXPECT_TRUE(delivery.log().saw("notification dropped request_id="));  // in the request's scope
  EXPECT_EQ(partner(121, http::method::post, "/delivery/orders/1100/pickup").status, 200);
}

TEST_F(delivery_routes, an_unreachable_order_service_at_assignment_answers_503_and_the_retry_tells_it) {
  add_partner(122, {12.972, 77.595});
  http.failures["order"] = rt::call_errc::connect_failed;
  auto first = place(1101, 900);
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(error_code(first), "upstream_unavailable");
  http.failures.clear();
  auto retry = place(1101, 900);
  EXPECT_EQ(assigned_to(retry), 122);
  ASSERT_EQ(calls_of("partner").size(), 1u);
  EXPECT_EQ(calls_of("partner")[0].partner_id, 122);
}

TEST_F(delivery_routes, a_database_outage_answers_503) {
  db->fail_with = sql::errc::unavailable;
  auto r = place(1200, 900);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  EXPECT_EQ(partner(1, http::method::get, "/delivery/profile").status, 503);
  db->fail_with.reset();
}

// --- admin -------------------------------------------------------------------------------------

TEST_F(delivery_routes, an_admin_reassigns_an_order) {
  add_partner(131, {12.972, 77.595});
  add_partner(132, {12.99, 77.62});
  ASSERT_EQ(assigned_to(place(1300, 900)), 131);
  auto r = admin(http::method::post, "/admin/assignments", R"({"order_id":1300,"partner_id":132})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("partner_id").as_int64(), 132);
  EXPECT_EQ(partner_status(131), "available");
  EXPECT_EQ(partner_status(132), "busy");
  EXPECT_EQ(calls_of("partner").back().partner_id, 132);

  // The same again changes nothing; a busy or unknown partner is refused.
  EXPECT_EQ(admin(http::method::post, "/admin/assignments", R"({"order_id":1300,"partner_id":132})")
                .status,
            200);
  ASSERT_EQ(assigned_to(place(1301, 901)), 131);
  auto busy = admin(http::method::post, "/admin/assignments", R"({"order_id":1300,"partner_id":131})");
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(error_code(busy), "partner_unavailable");
  EXPECT_EQ(admin(http::method::post, "/admin/assignments", R"({"order_id":1300,"partner_id":555})")
                .status,
            404);
  EXPECT_EQ(admin(http::method::post, "/admin/assignments", R"({"order_id":9999,"partner_id":131})")
                .status,
            404);
}

TEST_F(delivery_routes, an_admin_assigns_a_waiting_order) {
  add_partner(141, {12.972, 77.595}, false);
  ASSERT_EQ(text(parse(place(1400, 900)), "status"), "waiting");
  // Offline partners cannot be given orders, even by an admin.
  EXPECT_EQ(admin(http::method::post, "/admin/assignments", R"({"order_id":1400,"partner_id":141})")
                .status,
            409);
  add_partner(142, {12.99, 77.62}, false);
  // 142 comes online: the drain gives it the waiting order first.
  ASSERT_EQ(partner(142, http::method::put, "/delivery/availability", R"({"status":"available"})")
                .status,
            200);
  EXPECT_EQ(partner_status(142), "busy");
}

TEST_F(delivery_routes, an_admin_gives_a_waiting_order_to_a_chosen_partner) {
  ASSERT_EQ(text(parse(place(1410, 900)), "status"), "waiting");
  // A partner free without the queue having been drained (as a lost drain leaves it).
  auto made = run_now(db->transact(
      [](sql::transaction& tx) {
        tx.exec("INSERT INTO partners (user_id, name, status, lat, lon, created_at, updated_at) "
                "VALUES (143, 'Meera', 'available', 12.98, 77.6, 0, 0)");
      },
      seconds(1)));
  ASSERT_TRUE(made.ok());
  auto r = admin(http::method::post, "/admin/assignments", R"({"order_id":1410,"partner_id":143})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(parse(r), "status"), "assigned");
  EXPECT_EQ(partner_status(143), "busy");
  ASSERT_EQ(calls_of("partner").size(), 1u);
  EXPECT_EQ(calls_of("partner")[0].partner_id, 143);
  EXPECT_TRUE(saw_event("partner_assigned", 1410));
}

TEST_F(delivery_routes, a_delivered_order_tracks_with_no_time_left) {
  add_partner(144, {12.975, 77.596});
  ASSERT_EQ(assigned_to(place(1420, 4242)), 144);
  ASSERT_EQ(partner(144, http::method::post, "/delivery/orders/1420/pickup").status, 200);
  ASSERT_EQ(partner(144, http::method::post, "/delivery/orders/1420/delivered").status, 200);
  auto o = parse(as(4242, identity::role_customer, http::method::get, "/orders/1420/tracking"));
  EXPECT_EQ(text(o, "status"), "delivered");
  EXPECT_EQ(o.at("eta_s").as_int64(), 0);
  EXPECT_EQ(o.at("partner").as_object().at("id").as_int64(), 144);
  // Delivered is final: no cancellation, no reassignment.
  EXPECT_EQ(cancel(1420).status, 409);
  EXPECT_EQ(admin(http::method::post, "/admin/assignments", R"({"order_id":1420,"partner_id":144})")
                .status,
            409);
}

TEST_F(delivery_routes, admin_lists_partners_and_counts) {
  add_partner(151, {12.972, 77.595});
  add_partner(152, {12.99, 77.62});
  add_partner(153, {12.99, 77.62}, false);
  ASSERT_EQ(assigned_to(place(1500, 900)), 151);
  ASSERT_EQ(partner(153, http::method::put, "/delivery/availability", R"({"status":"offline"})")
                .status,
            200);
  place(1501, 900);  // 152
  place(1502, 900);  // waits

  auto all = parse(admin(http::method::get, "/admin/partners"));
  ASSERT_EQ(all.at("items").as_array().size(), 3u);
  EXPECT_EQ(all.at("items").as_array()[0].as_object().at("id").as_int64(), 151);
  auto offline = parse(admin(http::method::get, "/admin/partners?status=offline"));
  ASSERT_EQ(offline.at("items").as_array().size(), 1u);
  EXPECT_EQ(offline.at("items").as_array()[0].as_object().at("id").as_int64(), 153);
  EXPECT_EQ(admin(http::method::get, "/admin/partners?status=lost").status, 400);
  EXPECT_EQ(admin(http::method::get, "/admin/partners?limit=0").status, 400);

  auto stats = parse(admin(http::method::get, "/admin/stats"));
  const auto& by_status = stats.at("partners_by_status").as_object();
  EXPECT_EQ(by_status.at("busy").as_int64(), 2);
  EXPECT_EQ(by_status.at("available").as_int64(), 0);
  EXPECT_EQ(by_status.at("offline").as_int64(), 1);
  EXPECT_EQ(stats.at("orders_waiting").as_int64(), 1);
  EXPECT_EQ(stats.at("active_assignments").as_int64(), 2);
}

TEST_F(delivery_routes, bad_input_names_the_field) {
  auto r = delivery.handle(make_request(http::method::post, "/internal/assignments",
                                        R"({"order_id":1,"user_id":2,"location":{"lat":1,"lon":999}})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("location.lon"), std::string::npos) << r.body;
  EXPECT_EQ(cancel(0).status, 400);
  EXPECT_EQ(partner(1, http::method::post, "/delivery/orders/abc/pickup").status, 400);
}

}  // namespace
}  // namespace qm::test
