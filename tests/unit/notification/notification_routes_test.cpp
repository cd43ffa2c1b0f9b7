// Route-level tests: the real notification service hosted in-process
// (tests/support/service_harness.hpp). Most tests run it in manual drain mode and call
// drain_once() themselves; the background loop is tested on a clock whose sleeps end only
// when the test steps it.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "core/task/completion.hpp"
#include "services/notification/service.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
constexpr std::string_view secret = "notification-test-context-secret-0123456789";

std::string event_body(std::int64_t user_id, std::string_view kind, std::int64_t order_id) {
  return R"({"user_id":)" + std::to_string(user_id) + R"(,"kind":")" + std::string(kind) +
         R"(","order_id":)" + std::to_string(order_id) + "}";
}

// A clock whose sleep suspends until the test calls step(): the test decides when the
// background loop runs its next round.
class stepping_clock final : public rt::clock {
 public:
  explicit stepping_clock(time_point start) : now_(start) {}
  time_point now() const override { return now_; }
  task<void> sleep(duration d) override {
    sleeps.push_back(d);
    completion<bool> woken;
    pending_ = woken;
    co_await woken;
  }
  // Ends the pending sleep (time moves by its length); the sleeper runs to its next sleep.
  bool step() {
    auto pending = std::exchange(pending_, std::nullopt);
    if (!pending || !pending->has_waiter()) {
      return false;
    }
    now_ += sleeps.back();
    pending->fulfil(true);
    return true;
  }

  std::vector<duration> sleeps;

 private:
  time_point now_;
  std::optional<completion<bool>> pending_;
};

// One notification host on a clock of the test's choice.
class notification_host {
 public:
  notification_host(rt::clock& clock, rt::random& random, rt::http_client& http)
      : host_("notification", clock, random, http, nullptr) {
    host_.config().set("context_secret", std::string(secret));
  }

  bool start(notification::drain_mode mode) {
    return host_.start_with([this, mode](rt::runtime& rt) {
      auto s = std::make_unique<notification::notification_service>(rt, mode);
      service_ = s.get();
      return s;
    });
  }

  service_host& host() { return host_; }
  notification::notification_service& service() { return *service_; }

  http::response post_event(std::string body) {
    return host_.handle(make_request(http::method::post, "/internal/events", std::move(body)));
  }

  http::response as(std::int64_t user_id, http::method verb, std::string target,
                    std::string body = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    const identity::user_context c{user_id, std::string(identity::role_customer),
                                   to_unix_seconds(host_.runtime().clock.now()) + 60, ""};
    req.headers.set(std::string(identity::context_header), identity::sign(c, secret));
    return host_.handle(std::move(req));
  }

  // The order ids of the user's log, newest first.
  std::vector<std::int64_t> log_orders(std::int64_t user_id) {
    auto r = as(user_id, http::method::get, "/notifications");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::int64_t> out;
    const auto o = parse(r);
    for (const auto& v : o.at("items").as_array()) {
      out.push_back(v.as_object().at("order_id").as_int64());
    }
    return out;
  }

 private:
  service_host host_;
  notification::notification_service* service_ = nullptr;
};

class notification_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  notification_host n{clock, random, http};

  void start(std::vector<std::pair<std::string, std::string>> settings = {}) {
    for (auto& [k, v] : settings) {
      n.host().config().set(k, v);
    }
    ASSERT_TRUE(n.start(notification::drain_mode::manual));
  }
};

TEST_F(notification_routes, user_routes_need_a_verified_caller) {
  start();
  for (const auto& [verb, target] : std::vector<std::pair<http::method, std::string>>{
           {http::method::get, "/notifications"},
           {http::method::get, "/notifications/settings"},
           {http::method::put, "/notifications/settings"}}) {
    auto r = n.host().handle(
        make_request(verb, target, R"({"push":true,"sms":true,"email":true})"));
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(error_code(r), "unauthenticated");
  }
}

TEST_F(notification_routes, an_accepted_event_reaches_the_log_when_the_outbox_drains) {
  start();
  auto r = n.post_event(event_body(42, "order_confirmed", 9001));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto accepted = parse(r);
  EXPECT_EQ(accepted.at("status").as_string(), "queued");
  const std::int64_t id = accepted.at("id").as_int64();
  EXPECT_GE(id, 1);
  EXPECT_LT(id, std::int64_t{1} << 53);

  // Queued, not yet sent.
  EXPECT_EQ(n.service().outbox_size(), 1U);
  EXPECT_TRUE(n.log_orders(42).empty());

  clock.advance(seconds(3));
  const auto counts = n.service().drain_once();
  EXPECT_EQ(counts.sent, 1U);
  EXPECT_EQ(n.service().outbox_size(), 0U);

  r = n.as(42, http::method::get, "/notifications");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = parse(r).at("items").as_array();
  ASSERT_EQ(items.size(), 1U);
  const auto& item = items.at(0).as_object();
  EXPECT_EQ(item.at("id").as_int64(), id);
  EXPECT_EQ(item.at("kind").as_string(), "order_confirmed");
  EXPECT_EQ(item.at("order_id").as_int64(), 9001);
  EXPECT_EQ(item.at("message").as_string(), "Your order 9001 is confirmed.");
  EXPECT_EQ(item.at("status").as_string(), "sent");
  EXPECT_EQ(item.at("created_at").as_int64(), to_unix_seconds(t0));  // when accepted
  ASSERT_EQ(item.at("channels").as_array().size(), 1U);
  EXPECT_EQ(item.at("channels").as_array().at(0).as_string(), "push");

  // Someone else's log stays empty.
  EXPECT_TRUE(n.log_orders(43).empty());
}

TEST_F(notification_routes, the_log_is_newest_first_and_keeps_the_newest_hundred) {
  start({{"drain_batch", "1000"}});
  const std::vector<std::string> kinds = {"order_confirmed", "partner_assigned",
                                          "out_for_delivery", "delivered", "order_cancelled"};
  for (std::int64_t order = 1; order <= 120; ++order) {
    ASSERT_EQ(n.post_event(event_body(42, kinds[order % kinds.size()], order)).status, 202);
  }
  n.service().drain_once();
  const auto orders = n.log_orders(42);
  ASSERT_EQ(orders.size(), 100U);
  EXPECT_EQ(orders.front(), 120);
  EXPECT_EQ(orders.back(), 21);
  for (std::size_t i = 1; i < orders.size(); ++i) {
    EXPECT_EQ(orders[i], orders[i - 1] - 1);
  }
}

TEST_F(notification_routes, a_full_outbox_refuses_with_503_until_it_drains) {
  start({{"outbox_capacity", "3"}});
  for (std::int64_t order = 1; order <= 3; ++order) {
    ASSERT_EQ(n.post_event(event_body(42, "order_confirmed", order)).status, 202);
  }
  auto r = n.post_event(event_body(42, "order_confirmed", 4));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "outbox_full");
  EXPECT_EQ(r.headers.get("Retry-After").value_or(""), "1");
  EXPECT_EQ(n.service().outbox_size(), 3U);

  n.service().drain_once();
  EXPECT_EQ(n.post_event(event_body(42, "order_confirmed", 5)).status, 202);
  n.service().drain_once();
  EXPECT_EQ(n.log_orders(42), (std::vector<std::int64_t>{5, 3, 2, 1}));

  const std::string text = n.host().metrics().expose_text();
  EXPECT_NE(text.find(R"(notification_events_total{outcome="accepted"} 4)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(notification_events_total{outcome="refused"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(notification_deliveries_total{status="sent"} 4)"), std::string::npos)
      << text;
  EXPECT_TRUE(n.host().log().saw("outbox full: event refused request_id="));  // in the request's scope
}

TEST_F(notification_routes, detailed_health_reports_the_outbox_depth) {
  start();
  ASSERT_EQ(n.post_event(event_body(1, "delivered", 1)).status, 202);
  auto r = n.host().handle(make_request(http::method::get, "/health/detailed"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).at("outbox_depth").as_int64(), 1);
}

TEST_F(notification_routes, one_drain_sends_at_most_one_batch) {
  start({{"drain_batch", "10"}});
  for (std::int64_t order = 1; order <= 25; ++order) {
    ASSERT_EQ(n.post_event(event_body(7, "delivered", order)).status, 202);
  }
  EXPECT_EQ(n.service().drain_once().total(), 10U);
  EXPECT_EQ(n.service().outbox_size(), 15U);
  EXPECT_EQ(n.log_orders(7).front(), 10);  // oldest events go first
  EXPECT_EQ(n.service().drain_once().total(), 10U);
  EXPECT_EQ(n.service().drain_once().total(), 5U);
  EXPECT_EQ(n.service().drain_once().total(), 0U);
  EXPECT_EQ(n.log_orders(7).size(), 25U);
}

TEST_F(notification_routes, events_are_checked_and_an_unknown_kind_is_refused) {
  start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"user_id":1,"kind":"order_shipped","order_id":3})", "kind"},
      {R"({"user_id":1,"kind":"","order_id":3})", "kind"},
      {R"({"user_id":1,"order_id":3})", "kind"},
      {R"({"kind":"delivered","order_id":3})", "user_id"},
      {R"({"user_id":0,"kind":"delivered","order_id":3})", "user_id"},
      {R"({"user_id":1,"kind":"delivered"})", "order_id"},
      {R"({"user_id":1,"kind":"delivered","order_id":3,"message":")" + std::string(501, 'x') +
           R"("})",
       "message"},
      {R"({"user_id":1,"kind":"delivered","order_id":3,"urgent":true})", "urgent"},
  };
  for (const auto& [body, field] : cases) {
    auto r = n.post_event(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code(r), "invalid_field") << body;
    EXPECT_EQ(error_message(r).rfind(field + ":", 0), 0U) << body << " -> " << r.body;
  }
  auto r = n.post_event("[1,2]");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r), "invalid_body");
  EXPECT_EQ(n.service().outbox_size(), 0U);
}

TEST_F(notification_routes, a_caller_message_replaces_the_standard_text) {
  start();
  ASSERT_EQ(n.post_event(R"({"user_id":5,"kind":"partner_assigned","order_id":8,)"
                         R"("message":"Ravi is picking up your order"})")
                .status,
            202);
  ASSERT_EQ(n.post_event(R"({"user_id":5,"kind":"delivered","order_id":8,"message":""})").status,
            202);
  n.service().drain_once();
  const auto items = parse(n.as(5, http::method::get, "/notifications")).at("items").as_array();
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items.at(1).as_object().at("message").as_string(), "Ravi is picking up your order");
  EXPECT_EQ(items.at(0).as_object().at("message").as_string(), "Your order 8 was delivered.");
}

TEST_F(notification_routes, settings_start_at_the_defaults_and_steer_the_channels) {
  start();
  auto r = n.as(42, http::method::get, "/notifications/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"push":true,"sms":false,"email":false})");

  r = n.as(42, http::method::put, "/notifications/settings",
           R"({"push":true,"sms":true,"email":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"push":true,"sms":true,"email":true})");
  EXPECT_EQ(n.as(42, http::method::get, "/notifications/settings").body, r.body);

  ASSERT_EQ(n.post_event(event_body(42, "out_for_delivery", 1)).status, 202);
  n.service().drain_once();
  ASSERT_EQ(n.as(42, http::method::put, "/notifications/settings",
                 R"({"push":false,"sms":false,"email":false})")
                .status,
            200);
  ASSERT_EQ(n.post_event(event_body(42, "delivered", 2)).status, 202);
  const auto counts = n.service().drain_once();
  EXPECT_EQ(counts.skipped, 1U);

  const auto items = parse(n.as(42, http::method::get, "/notifications")).at("items").as_array();
  ASSERT_EQ(items.size(), 2U);
  const auto& newest = items.at(0).as_object();
  EXPECT_EQ(newest.at("status").as_string(), "skipped");
  EXPECT_TRUE(newest.at("channels").as_array().empty());
  const auto& older = items.at(1).as_object();
  EXPECT_EQ(older.at("status").as_string(), "sent");
  EXPECT_EQ(older.at("channels").as_array().size(), 3U);
  EXPECT_EQ(older.at("channels").as_array().at(1).as_string(), "sms");
}

TEST_F(notification_routes, settings_bodies_are_checked) {
  start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"push":true,"sms":false})", "email"},
      {R"({"push":"yes","sms":false,"email":false})", "push"},
      {R"({"push":true,"sms":false,"email":false,"fax":true})", "fax"},
  };
  for (const auto& [body, field] : cases) {
    auto r = n.as(42, http::method::put, "/notifications/settings", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_message(r).rfind(field + ":", 0), 0U) << body << " -> " << r.body;
  }
  EXPECT_EQ(n.as(42, http::method::get, "/notifications/settings").body,
            R"({"push":true,"sms":false,"email":false})");
}

TEST_F(notification_routes, beyond_the_user_bound_new_users_get_defaults_and_no_log) {
  start({{"max_users", "2"}});
  ASSERT_EQ(n.as(1, http::method::put, "/notifications/settings",
                 R"({"push":false,"sms":true,"email":false})")
                .status,
            200);
  ASSERT_EQ(n.post_event(event_body(2, "order_confirmed", 20)).status, 202);
  n.service().drain_once();  // user 2 is stored through its log

  auto r = n.as(3, http::method::put, "/notifications/settings",
                R"({"push":false,"sms":true,"email":true})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "user_limit");
  EXPECT_EQ(n.as(3, http::method::get, "/notifications/settings").body,
            R"({"push":true,"sms":false,"email":false})");

  // User 3's events are still accepted and sent, but not kept.
  ASSERT_EQ(n.post_event(event_body(3, "order_confirmed", 30)).status, 202);
  ASSERT_EQ(n.post_event(event_body(1, "order_confirmed", 10)).status, 202);
  const auto counts = n.service().drain_once();
  EXPECT_EQ(counts.sent, 2U);
  EXPECT_EQ(counts.unlogged, 1U);
  EXPECT_TRUE(n.log_orders(3).empty());
  EXPECT_EQ(n.log_orders(1), (std::vector<std::int64_t>{10}));
  EXPECT_EQ(n.log_orders(2), (std::vector<std::int64_t>{20}));
  // Stored users keep their settings.
  EXPECT_EQ(n.as(1, http::method::get, "/notifications/settings").body,
            R"({"push":false,"sms":true,"email":false})");
}

TEST(notification_start, refuses_bad_settings) {
  manual_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  {
    service_host host{"notification", clock, random, http, nullptr};
    EXPECT_FALSE(host.start_with([](rt::runtime& rt) {
      return std::make_unique<notification::notification_service>(
          rt, notification::drain_mode::manual);
    }));
    EXPECT_TRUE(host.log().saw("context_secret"));
  }
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"outbox_capacity", "0"}, {"drain_interval_ms", "0"}, {"max_users", "x"}}) {
    notification_host n{clock, random, http};
    n.host().config().set(key, value);
    EXPECT_FALSE(n.start(notification::drain_mode::manual)) << key;
    EXPECT_TRUE(n.host().log().saw(key)) << key;
  }
}

// The background loop: drains on its own, one bounded batch per round, pausing
// drain_interval_ms on the runtime's clock between rounds.
TEST(notification_drain_loop, drains_a_batch_each_round_and_dies_with_the_service) {
  stepping_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  auto n = std::make_unique<notification_host>(clock, random, http);
  n->host().config().set("drain_interval_ms", "250");
  n->host().config().set("drain_batch", "10");
  ASSERT_TRUE(n->start(notification::drain_mode::background));
  // The loop yielded once (a zero sleep) and handed control back to start().
  ASSERT_EQ(clock.sleeps.size(), 1U);
  EXPECT_EQ(clock.sleeps.back(), duration{0});
  ASSERT_TRUE(clock.step());
  ASSERT_EQ(clock.sleeps.size(), 2U);
  EXPECT_EQ(clock.sleeps.back(), ms(250));

  for (std::int64_t order = 1; order <= 25; ++order) {
    ASSERT_EQ(n->post_event(event_body(42, "order_confirmed", order)).status, 202);
  }
  EXPECT_EQ(n->service().outbox_size(), 25U);
  EXPECT_TRUE(n->log_orders(42).empty());

  ASSERT_TRUE(clock.step());
  EXPECT_EQ(n->service().outbox_size(), 15U);
  ASSERT_TRUE(clock.step());
  ASSERT_TRUE(clock.step());
  EXPECT_EQ(n->service().outbox_size(), 0U);
  EXPECT_EQ(n->log_orders(42).size(), 25U);
  EXPECT_EQ(clock.sleeps.size(), 5U);
  EXPECT_EQ(clock.now(), t0 + ms(750));

  // Destroying the service ends the loop; its pending sleep can no longer resume anything.
  n.reset();
  EXPECT_FALSE(clock.step());
}

// On a clock whose sleep completes inline the loop cannot run (it would spin inside
// start()): it steps aside, and the service still answers and drains on demand.
TEST(notification_drain_loop, steps_aside_on_a_clock_that_never_suspends) {
  manual_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  notification_host n{clock, random, http};
  ASSERT_TRUE(n.start(notification::drain_mode::background));
  EXPECT_TRUE(n.host().log().saw("the drain loop is not running"));
  ASSERT_EQ(n.post_event(event_body(42, "delivered", 1)).status, 202);
  EXPECT_EQ(n.service().outbox_size(), 1U);
  EXPECT_EQ(n.service().drain_once().sent, 1U);
  EXPECT_EQ(n.log_orders(42), (std::vector<std::int64_t>{1}));
}

}  // namespace
}  // namespace qm::test
