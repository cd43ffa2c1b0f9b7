// The waiting sweep: on a clock whose sleep really suspends, the background loop gives a
// waiting order to a partner that is free (as after a crash between a delivery and its
// drain); on an inline clock it stays off instead of spinning inside start().

#include <gtest/gtest.h>

#include <algorithm>
#include <coroutine>

#include "services/delivery/service.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);

task<http::response> ready(http::response r) { co_return r; }

// A clock whose sleep suspends until the test wakes the sleeper (there is one: the sweep).
class stepping_clock final : public rt::clock {
 public:
  explicit stepping_clock(time_point start) : now_(start) {}
  time_point now() const override { return now_; }

  task<void> sleep(duration d) override { co_await parked{this, d}; }

  // Moves time to the sleeper's wake-up and resumes it; false when nobody sleeps.
  bool wake() {
    if (!sleeper_) {
      return false;
    }
    auto h = std::exchange(sleeper_, {});
    now_ = std::max(now_, wake_at_);
    h.resume();
    return true;
  }

 private:
  struct parked {
    stepping_clock* clock;
    duration d;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      clock->sleeper_ = h;
      clock->wake_at_ = clock->now_ + d;
    }
    void await_resume() const noexcept {}
  };

  time_point now_;
  time_point wake_at_{};
  std::coroutine_handle<> sleeper_;
};

class delivery_sweep : public ::testing::Test {
 protected:
  stepping_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  http::router order_service;
  int partner_calls = 0;
  std::unique_ptr<service_host> delivery;

  void start(std::string sweep_ms) {
    order_service.add(http::method::post, "/internal/orders/{id}/partner",
                      [this](http::request_context) {
                        ++partner_calls;
                        return ready(http::json_response(200, "{}"));
                      });
    http.attach("order", order_service);
    delivery = std::make_unique<service_host>("delivery", clock, random, http, db.get());
    delivery->config().set("context_secret", "delivery-sweep-tests-context-secret-0123456789");
    delivery->config().set("waiting_sweep_ms", std::move(sweep_ms));
    ASSERT_TRUE(delivery->start_with([](rt::runtime& rt) -> std::unique_ptr<rt::service> {
      return std::make_unique<delivery::delivery_service>(rt);
    }));
  }

  void exec(std::string statement, sql::params args = {}) {
    auto done = run_now(db->transact([&](sql::transaction& tx) { tx.exec(statement, args); },
                                     seconds(1)));
    ASSERT_TRUE(done.ok()) << statement << ": " << (done.ok() ? "" : done.error().message);
  }

  std::string query_text(std::string statement) {
    std::string out;
    auto done = run_now(db->transact(
        [&](sql::transaction& tx) {
          auto rows = tx.exec(statement);
          out = rows.empty() ? "" : rows.front().get_text(0);
        },
        seconds(1)));
    EXPECT_TRUE(done.ok());
    return out;
  }

  // A free partner and a waiting order side by side: what a lost drain leaves behind.
  void leave_a_waiting_order_behind() {
    const std::int64_t now_s = to_unix_seconds(clock.now());
    exec("INSERT INTO partners (user_id, name, status, lat, lon, created_at, updated_at) "
         "VALUES (7, 'Ravi', 'available', 12.97, 77.59, $1, $1)",
         {now_s});
    exec("INSERT INTO assignments (order_id, user_id, dest_lat, dest_lon, status, created_at, "
         "updated_at) VALUES (70, 900, 12.99, 77.61, 'waiting', $1, $1)",
         {now_s});
  }
};

TEST_F(delivery_sweep, the_sweep_assigns_an_order_left_waiting) {
  start("1500");
  leave_a_waiting_order_behind();
  ASSERT_TRUE(clock.wake());  // the first, zero-length sleep: the loop starts
  EXPECT_EQ(query_text("SELECT status FROM assignments WHERE order_id = 70"), "waiting");
  ASSERT_TRUE(clock.wake());  // one period later: a drain
  EXPECT_EQ(clock.now(), t0 + ms(1500));
  EXPECT_EQ(query_text("SELECT status FROM assignments WHERE order_id = 70"), "assigned");
  EXPECT_EQ(query_text("SELECT status FROM partners WHERE user_id = 7"), "busy");
  EXPECT_EQ(partner_calls, 1);
  // The loop goes on sleeping, and a round with nothing to do changes nothing.
  ASSERT_TRUE(clock.wake());
  EXPECT_EQ(partner_calls, 1);
}

TEST_F(delivery_sweep, zero_turns_the_sweep_off) {
  start("0");
  leave_a_waiting_order_behind();
  EXPECT_FALSE(clock.wake());
  EXPECT_EQ(query_text("SELECT status FROM assignments WHERE order_id = 70"), "waiting");
}

TEST(delivery_sweep_inline, an_inline_clock_starts_without_the_sweep) {
  manual_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  auto db = memory_storage();
  service_host delivery("delivery", clock, random, http, db.get());
  delivery.config().set("context_secret", "delivery-sweep-tests-context-secret-0123456789");
  ASSERT_TRUE(delivery.start_with([](rt::runtime& rt) -> std::unique_ptr<rt::service> {
    return std::make_unique<delivery::delivery_service>(rt);
  }));
  EXPECT_TRUE(delivery.log().saw("waiting sweep is not running"));
}

}  // namespace
}  // namespace qm::test
