// The expiry sweep as the service runs it: a background loop spawned by start(), here on a
// clock whose sleeps really suspend and are woken by the test, so each pass is observable.

#include <gtest/gtest.h>

#include <coroutine>
#include <utility>
#include <vector>

#include "tests/unit/product/product_fixture.hpp"

namespace qm::test {
namespace {

// A clock whose sleep suspends until the test moves time past its wake-up.
class stepping_clock final : public rt::clock {
 public:
  explicit stepping_clock(time_point start) : now_(start) {}
  time_point now() const override { return now_; }

  task<void> sleep(duration d) override { co_await wake_at{this, now_ + std::max(d, duration{0})}; }

  // Moves time forward by d and resumes every sleeper due by then (each at most once).
  void advance(duration d) {
    now_ += d;
    std::vector<std::pair<time_point, std::coroutine_handle<>>> due;
    std::vector<std::pair<time_point, std::coroutine_handle<>>> later;
    for (auto& s : sleepers_) {
      (s.first <= now_ ? due : later).push_back(s);
    }
    sleepers_ = std::move(later);
    for (auto& s : due) {
      s.second.resume();
    }
  }

  std::size_t sleeping() const { return sleepers_.size(); }

 private:
  struct wake_at {
    stepping_clock* clock;
    time_point at;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { clock->sleepers_.emplace_back(at, h); }
    void await_resume() const noexcept {}
  };

  time_point now_;
  std::vector<std::pair<time_point, std::coroutine_handle<>>> sleepers_;
};

TEST(product_sweep_loop, expires_held_reservations_in_the_background) {
  stepping_clock clock{product_t0};
  sim::prng random{3};
  in_process_http http;
  auto db = memory_storage();
  service_host host{"product", clock, random, http, db.get()};
  host.config().set("context_secret", product_context_secret);
  host.config().set("reservation_ttl_s", "60");
  host.config().set("reservation_sweep_ms", "5000");
  ASSERT_TRUE(host.start());
  EXPECT_EQ(clock.sleeping(), 1u);  // the loop, parked on its first yield
  EXPECT_FALSE(host.log().saw("sweep is not running"));

  auto seed = [&](sql::transaction& tx) {
    tx.exec("INSERT INTO categories (id, name) VALUES (1, 'C')");
    tx.exec("INSERT INTO products (id, category_id, name, description, price_paise, active, "
            "created_at) VALUES (1, 1, 'P', '', 100, 1, 0)");
    tx.exec("INSERT INTO stock (product_id, available) VALUES (1, 5)");
  };
  ASSERT_TRUE(run_now(db->transact(seed, seconds(1))).ok());
  auto reserved = host.handle(make_request(
      http::method::post, "/internal/reservations",
      R"({"reservation_id":"r1","lines":[{"product_id":1,"quantity":4}]})"));
  ASSERT_EQ(reserved.status, 201) << reserved.body;

  const auto status = [&] {
    auto r = host.handle(make_request(http::method::get, "/internal/reservations/r1"));
    return std::string(parse(r).at("status").as_string());
  };
  clock.advance(duration{0});  // the first yield returns; the loop sleeps 5 s
  EXPECT_EQ(clock.sleeping(), 1u);
  for (int pass = 0; pass < 11; ++pass) {  // 55 s: not due yet
    clock.advance(seconds(5));
    EXPECT_EQ(clock.sleeping(), 1u);
  }
  EXPECT_EQ(status(), "held");
  clock.advance(seconds(5));  // 60 s: the pass finds it due
  EXPECT_EQ(status(), "expired");
  auto stock = host.handle(make_request(http::method::get, "/internal/products?ids=1"));
  EXPECT_EQ(parse(stock).at("items").as_array()[0].as_object().at("available").as_int64(), 5);
  EXPECT_TRUE(host.log().saw("reservations expired"));
  EXPECT_EQ(clock.sleeping(), 1u);  // and the loop goes on

  // A failing database is logged and retried on the next pass.
  db->fail_with = sql::errc::unavailable;
  clock.advance(seconds(5));
  EXPECT_TRUE(host.log().saw("reservation sweep failed"));
  EXPECT_EQ(clock.sleeping(), 1u);
  db->fail_with.reset();
}

}  // namespace
}  // namespace qm::test
