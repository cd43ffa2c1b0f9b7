// The process runtime pieces around the server: the event loop, the clock, the OS random
// source and the JSON-lines logger.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <atomic>
#include <csignal>
#include <future>
#include <thread>

#include "core/task/task_scope.hpp"
#include "runtime/asio/asio_clock.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/asio/os_random.hpp"
#include "runtime/asio/id_random.hpp"
#include "runtime/asio/stderr_logger.hpp"

namespace qm::test {
namespace {

using namespace std::chrono_literals;

// Stops the loop after a while whatever happens, so a broken test cannot hang.
class watchdog {
 public:
  watchdog(rt::asio::event_loop& loop, std::chrono::milliseconds after)
      : thread_([this, &loop, after] {
          if (done_.get_future().wait_for(after) != std::future_status::ready) {
            fired_ = true;
            loop.stop();
          }
        }) {}
  ~watchdog() {
    done_.set_value();
    thread_.join();
  }
  bool fired() const { return fired_; }

 private:
  std::promise<void> done_;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

TEST(event_loop, runs_work_posted_from_other_threads) {
  rt::asio::event_loop loop;
  watchdog guard(loop, 5s);
  std::atomic<int> count{0};
  std::thread poster([&] {
    for (int i = 0; i < 1000; ++i) {
      loop.post([&count] { ++count; });
    }
    loop.post([&loop] { loop.stop(); });
  });
  loop.run();
  poster.join();
  EXPECT_FALSE(guard.fired());
  EXPECT_EQ(count.load(), 1000);
}

TEST(event_loop, sigterm_runs_the_shutdown_callbacks_on_the_loop) {
  rt::asio::event_loop loop;
  watchdog guard(loop, 5s);
  int seen = 0;
  bool on_loop = false;
  loop.on_shutdown_signal([&](int signal_number) {
    seen = signal_number;
    on_loop = loop.on_loop_thread();
    loop.stop();
  });
  loop.post([] { std::raise(SIGTERM); });
  loop.run();
  EXPECT_FALSE(guard.fired());
  EXPECT_EQ(seen, SIGTERM);
  EXPECT_TRUE(on_loop);
}

TEST(asio_clock, sleep_resumes_after_the_duration) {
  rt::asio::event_loop loop;
  rt::asio::asio_clock clock(loop);
  watchdog guard(loop, 5s);
  task_scope scope;
  bool woke = false;
  const auto before = std::chrono::steady_clock::now();
  loop.post([&] {
    const bool spawned = scope.spawn([](rt::asio::asio_clock& c, bool& flag, rt::asio::event_loop& l) -> task<void> {
      co_await c.sleep(ms(30));
      co_await c.sleep(duration::zero());
      flag = true;
      l.stop();
    }(clock, woke, loop));
    ASSERT_TRUE(spawned);
  });
  loop.run();
  EXPECT_FALSE(guard.fired());
  EXPECT_TRUE(woke);
  EXPECT_GE(std::chrono::steady_clock::now() - before, 30ms);
}

TEST(asio_clock, a_frame_destroyed_while_sleeping_is_never_resumed) {
  rt::asio::event_loop loop;
  rt::asio::asio_clock clock(loop);
  watchdog guard(loop, 5s);
  auto scope = std::make_unique<task_scope>();
  bool woke = false;
  loop.post([&] {
    const bool spawned = scope->spawn([](rt::asio::asio_clock& c, bool& flag) -> task<void> {
      co_await c.sleep(ms(20));
      flag = true;
    }(clock, woke));
    ASSERT_TRUE(spawned);
    scope.reset();  // destroys the sleeping frame (and its timer)
  });
  // Outlive the sleep: a late wake-up would touch the dead frame now.
  task_scope keeper;
  loop.post([&] {
    const bool spawned = keeper.spawn([](rt::asio::asio_clock& c, rt::asio::event_loop& l) -> task<void> {
      co_await c.sleep(ms(60));
      l.stop();
    }(clock, loop));
    ASSERT_TRUE(spawned);
  });
  loop.run();
  EXPECT_FALSE(guard.fired());
  EXPECT_FALSE(woke);
}

TEST(asio_clock, now_is_the_wall_clock_in_microseconds) {
  rt::asio::event_loop loop;
  rt::asio::asio_clock clock(loop);
  const auto a = clock.now();
  const auto b = clock.now();
  EXPECT_LE(a, b);
  // After 2020-01-01 and before 2100-01-01: a real wall clock, in microseconds.
  EXPECT_GT(to_unix_us(a), 1'577'836'800'000'000LL);
  EXPECT_LT(to_unix_us(a), 4'102'444'800'000'000LL);
}

TEST(os_random, gives_the_requested_bytes_and_they_vary) {
  rt::asio::os_random rng;
  const auto a = rng.bytes(32);
  const auto b = rng.bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_NE(rng.next_u64(), rng.next_u64());
  EXPECT_TRUE(rng.bytes(0).empty());
  EXPECT_LT(rng.uniform(10), 10u);
}

TEST(id_random, gives_distinct_well_formed_ids) {
  rt::asio::id_random ids;
  const auto a = observe::new_request_id(ids.next_u64(), ids.next_u64());
  const auto b = observe::new_request_id(ids.next_u64(), ids.next_u64());
  EXPECT_NE(a, b);
  EXPECT_TRUE(observe::is_well_formed_request_id(a));
  EXPECT_EQ(ids.bytes(13).size(), 13u);
  rt::asio::id_random other;
  EXPECT_NE(ids.next_u64(), other.next_u64()) << "each generator is seeded from the OS";
}

TEST(stderr_logger, writes_one_json_object_per_line_and_redacts_secrets) {
  std::vector<std::string> lines;
  rt::asio::stderr_logger log("auth", rt::log_level::info,
                              [&](std::string_view line) { lines.emplace_back(line); });
  log.info("user \"logged\" in\n", {{"user", "bob"},
                                     {"password", "hunter2"},
                                     {"access_token", "tok-abc"},
                                     {"TOKEN_SECRET", "s3cr3t"},
                                     {"Authorization", "Bearer xyz"},
                                     {"note", "caf\xc3\xa9 \xff"}});
  log.debug("not written at info");
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
  for (const char* secret : {"hunter2", "tok-abc", "s3cr3t", "xyz"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " leaked: " << line;
  }
  const auto doc = boost::json::parse(line).as_object();
  EXPECT_EQ(doc.at("level").as_string(), "info");
  EXPECT_EQ(doc.at("service").as_string(), "auth");
  EXPECT_EQ(doc.at("msg").as_string(), "user \"logged\" in\n");
  EXPECT_EQ(doc.at("user").as_string(), "bob");
  EXPECT_EQ(doc.at("password").as_string(), "[redacted]");
  EXPECT_EQ(doc.at("note").as_string(), "caf\xc3\xa9 ?");
  const std::string ts(doc.at("ts").as_string());
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(stderr_logger, a_line_about_a_request_carries_its_scope) {
  std::vector<std::string> lines;
  rt::asio::stderr_logger log("order", rt::log_level::info,
                              [&](std::string_view line) { lines.emplace_back(line); });
  observe::request_scope scope;
  scope.request_id = "req-1";
  scope.span = observe::open_span(std::nullopt, 7, 8, 9);
  scope.method = "POST";
  scope.route = "/orders/checkout";
  scope.user_id = 42;
  log.warn(&scope, "checkout failed", {{"reason", "no stock"}, rt::log_field::number("lines", 3)});
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(doc.at("level").as_string(), "warn");
  EXPECT_EQ(doc.at("request_id").as_string(), "req-1");
  EXPECT_EQ(doc.at("trace_id").as_string(), scope.span.trace_id_view());
  EXPECT_EQ(doc.at("span_id").as_string(), scope.span.span_id_view());
  EXPECT_EQ(doc.at("route").as_string(), "/orders/checkout");
  EXPECT_EQ(doc.at("user_id").as_int64(), 42);
  EXPECT_EQ(doc.at("lines").as_int64(), 3);
  EXPECT_EQ(doc.at("reason").as_string(), "no stock");
}

}  // namespace
}  // namespace qm::test
