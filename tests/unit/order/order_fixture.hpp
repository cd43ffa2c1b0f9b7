#pragma once
// The order service on the in-process host (SQLite, manual clock, seeded random) with fake
// product, cart, delivery and notification upstreams, and the helpers its tests share.
// The background loop is off (outbox_interval_ms=0): tests drive dispatch_once and
// recover_stale_checkouts themselves.

#include <gtest/gtest.h>

#include <coroutine>
#include <memory>
#include <string>
#include <vector>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "services/order/service.hpp"
#include "sim/engine/prng.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"
#include "tests/unit/order/order_fakes.hpp"

namespace qm::test {

inline const time_point order_t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
inline const std::string order_secret(40, 's');
inline const std::string default_checkout_body =
    R"({"address":"12 MG Road, Bengaluru","location":{"lat":12.9352,"lon":77.6245}})";

// The harness's manual clock (a sleep passes its time at once), able to hold sleepers instead
// until the test wakes them: a background loop then runs one round per wake_one().
class order_clock final : public rt::clock {
 public:
  explicit order_clock(time_point start) : now_(start) {}
  time_point now() const override { return now_; }
  task<void> sleep(duration d) override {
    if (hold_sleeps) {
      co_await held{this};
    }
    if (d > duration{0}) {
      now_ += d;
    }
  }
  void advance(duration d) { now_ += d; }
  // Resumes the oldest held sleeper; false when none is held.
  bool wake_one() {
    if (sleepers_.empty()) {
      return false;
    }
    auto h = sleepers_.front();
    sleepers_.erase(sleepers_.begin());
    h.resume();
    return true;
  }
  std::size_t sleepers() const { return sleepers_.size(); }

  bool hold_sleeps = false;

 private:
  struct held {
    order_clock* clock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { clock->sleepers_.push_back(h); }
    void await_resume() const noexcept {}
  };

  time_point now_;
  std::vector<std::coroutine_handle<>> sleepers_;
};

class order_fixture : public ::testing::Test {
 protected:
  order_clock clock{order_t0};
  sim::prng random{11};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host host{"order", clock, random, http, db.get()};
  order::order_service* service = nullptr;
  fake_product product;
  fake_cart cart;
  recording_upstream delivery{"delivery"};
  recording_upstream notification{"notification"};

  void SetUp() override {
    host.config().set("context_secret", order_secret);
    host.config().set("outbox_interval_ms", "0");
    http.attach("product", product.routes());
    http.attach("cart", cart.routes());
    http.attach("delivery", delivery.routes());
    http.attach("notification", notification.routes());
    product.items[1] = {"Milk 1L", 5'000, 10, true};
    product.items[2] = {"Bread", 4'000, 10, true};
    product.items[3] = {"Basmati 5kg", 19'900, 5, true};
  }

  // Starts the service with the settings set so far.
  void start() {
    const bool started = host.start_with([this](rt::runtime& rt) {
      auto s = std::make_unique<order::order_service>(rt);
      service = s.get();
      return s;
    });
    ASSERT_TRUE(started);
  }

  std::string context_for(std::int64_t user_id, std::string_view role = identity::role_customer) {
    identity::user_context c{user_id, std::string(role),
                             to_unix_seconds(clock.now()) + identity::context_lifetime_s, ""};
    return identity::sign(c, order_secret);
  }

  http::response call(http::method verb, std::string target, std::optional<std::int64_t> user,
                      std::string body = {}, std::string_view role = identity::role_customer) {
    auto req = make_request(verb, std::move(target), std::move(body));
    if (user) {
      req.headers.set(std::string(identity::context_header), context_for(*user, role));
    }
    return host.handle(std::move(req));
  }

  http::response checkout(std::int64_t user, std::optional<std::string> key,
                          std::string body = default_checkout_body) {
    auto req = make_request(http::method::post, "/orders/checkout", std::move(body));
    req.headers.set(std::string(identity::context_header), context_for(user));
    if (key) {
      req.headers.set("Idempotency-Key", *key);
    }
    return host.handle(std::move(req));
  }

  order::dispatch_report dispatch() { return run_now(service->dispatch_once()); }
  std::int64_t recover() { return run_now(service->recover_stale_checkouts()); }

  std::int64_t count(const std::string& statement, sql::params args = {}) {
    auto r = run_now(rt::transact_value<std::int64_t>(
        *db, seconds(1),
        [&](sql::transaction& tx) { return tx.exec(statement, args).front().get_int(0); }));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : -1;
  }
};

}  // namespace qm::test
