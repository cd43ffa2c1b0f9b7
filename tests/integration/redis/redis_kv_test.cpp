// redis_kv on a real Redis: each operation, TTLs, pipelined concurrency answered in order,
// NOSCRIPT recovery, timeouts and recovery, an unreachable server, a restarted server, AUTH,
// the bounded queue, graceful close, and agreement of the Lua sliding log with a reference
// model, core/ratelimit/sliding_log (the simulator's kv) and memory_limiter (the fallback).

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/ratelimit/memory_limiter.hpp"
#include "core/ratelimit/sliding_log.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/redis/pipeline.hpp"
#include "runtime/redis/redis_kv.hpp"
#include "tests/integration/redis/redis_harness.hpp"

namespace qm::test {
namespace {

using namespace std::chrono_literals;
using rt::kv_errc;
using rt::redis::pipeline;
using rt::redis::redis_kv;
using rt::redis::reply;
using rt::redis::reply_kind;

const time_point t0 = from_unix_us(1'760'000'000'000'000);  // a fixed, realistic epoch time

class redis_kv_test : public ::testing::Test {
 public:
  template <typename T>
  T run(task<T> t) {
    auto out = run_on(io_, std::move(t), std::chrono::seconds(20));
    QM_ASSERT_MSG(out.has_value(), "the task did not finish");
    return std::move(*out);
  }
  redis_kv& kv() { return *kv_; }

 protected:
  void SetUp() override {
    auto url = redis_url_from_environment();
    if (!url) {
      GTEST_SKIP() << "QUICKMART_TEST_REDIS_URL is not set (scripts/test starts a private Redis)";
    }
    // Other suites may share the server: this one keeps to its own database.
    url_ = url->find('/', 8) == std::string::npos ? *url + "/" + std::to_string(test_db) : *url;
    raw_ = make_raw(url_);
    const reply flushed = raw({"FLUSHDB"});
    ASSERT_EQ(flushed.kind, reply_kind::status) << flushed.text;
  }

  // For drills that touch the whole server (CLIENT PAUSE, SCRIPT FLUSH): a server of the
  // test's own. False when redis-server is not installed.
  bool use_private_server() {
    if (!private_redis::available()) {
      return false;
    }
    server_ = std::make_unique<private_redis>();
    if (!server_->start()) {
      return false;
    }
    url_ = server_->url();
    raw_ = make_raw(url_);
    return true;
  }
  void TearDown() override {
    kv_.reset();
    raw_.reset();
    turn_for(io_, 5ms);
  }

  std::unique_ptr<pipeline> make_raw(const std::string& url) {
    auto parsed = rt::redis::parse_redis_url(url);
    QM_ASSERT(parsed.ok());
    rt::redis::pipeline_options o;
    o.op_timeout = seconds(5);
    o.stall_limit = seconds(10);
    std::vector<std::vector<std::string>> setup;
    if (parsed->db != 0) {
      setup.push_back({"SELECT", std::to_string(parsed->db)});
    }
    return std::make_unique<pipeline>(io_, *parsed, std::move(setup), o);
  }

  // A command on the test's own connection (never slowed by the kv under test's limits).
  reply raw(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    auto r = run(raw_->call(views));
    QM_ASSERT_MSG(r.ok(), "raw redis command failed");
    return std::move(r).value();
  }

  redis_kv& open(rt::redis::redis_kv_options o = {}, std::string url = "") {
    auto made = redis_kv::create(io_, url.empty() ? url_ : url, o);
    QM_ASSERT(made.ok());
    kv_ = std::move(made).value();
    return *kv_;
  }

  static constexpr int test_db = 9;

  boost::asio::io_context io_;
  std::unique_ptr<private_redis> server_;
  std::string url_;
  std::unique_ptr<pipeline> raw_;
  std::unique_ptr<redis_kv> kv_;
};

TEST_F(redis_kv_test, set_get_del) {
  auto& kv = open();
  auto missing = run(kv.get("k:missing"));
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(run(kv.set("k:a", "hello world", seconds(10))).ok());
  auto got = run(kv.get("k:a"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or("<none>"), "hello world");

  // Binary-safe values.
  const std::string binary("a\0b\r\n$3\r\n", 9);
  ASSERT_TRUE(run(kv.set("k:bin", binary, seconds(10))).ok());
  EXPECT_EQ(run(kv.get("k:bin"))->value_or(""), binary);

  ASSERT_TRUE(run(kv.del("k:a")).ok());
  EXPECT_FALSE(run(kv.get("k:a"))->has_value());
  EXPECT_TRUE(run(kv.del("k:never")).ok());
}

TEST_F(redis_kv_test, set_applies_ttl_in_milliseconds) {
  auto& kv = open();
  ASSERT_TRUE(run(kv.set("k:ttl", "v", ms(80))).ok());
  const reply pttl = raw({"PTTL", "k:ttl"});
  ASSERT_EQ(pttl.kind, reply_kind::integer);
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 80);
  // A ttl under a millisecond rounds up, never to "expire at once".
  ASSERT_TRUE(run(kv.set("k:tiny", "v", duration(1))).ok());
  turn_for(io_, 120ms);
  EXPECT_FALSE(run(kv.get("k:ttl"))->has_value());
}

TEST_F(redis_kv_test, incr_gives_a_new_key_its_ttl_and_keeps_an_existing_expiry) {
  auto& kv = open();
  auto first = run(kv.incr("c:1", 5, seconds(30)));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, 5);
  const reply pttl = raw({"PTTL", "c:1"});
  EXPECT_GT(pttl.integer, 29'000);
  EXPECT_LE(pttl.integer, 30'000);

  // Shorten the expiry by hand: the next incr must not push it back to 30 s.
  raw({"PEXPIRE", "c:1", "5000"});
  auto second = run(kv.incr("c:1", -2, seconds(30)));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 3);
  EXPECT_LE(raw({"PTTL", "c:1"}).integer, 5000);

  // A key that somehow has no expiry gets one.
  raw({"SET", "c:2", "10"});
  EXPECT_EQ(*run(kv.incr("c:2", 1, seconds(7))), 11);
  const reply fixed = raw({"PTTL", "c:2"});
  EXPECT_GT(fixed.integer, 0);
  EXPECT_LE(fixed.integer, 7000);

  // Not an integer: an error, reported as unavailable with Redis' words.
  raw({"SET", "c:text", "abc"});
  auto bad = run(kv.incr("c:text", 1, seconds(1)));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, kv_errc::unavailable);
  EXPECT_NE(bad.error().message.find("not an integer"), std::string::npos) << bad.error().message;
}

TEST_F(redis_kv_test, admit_counts_a_sliding_window) {
  auto& kv = open();
  auto expect_verdict = [&](time_point now, bool allowed, std::int64_t remaining, duration reset_after) {
    auto v = run(kv.admit({"rl:test:a", 3, seconds(1), now}));
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->allowed, allowed);
    EXPECT_EQ(v->limit, 3);
    EXPECT_EQ(v->remaining, remaining);
    EXPECT_EQ(v->reset_after, reset_after);
  };
  expect_verdict(t0, true, 2, seconds(1));
  expect_verdict(t0 + ms(100), true, 1, ms(900));
  expect_verdict(t0 + ms(200), true, 0, ms(800));
  expect_verdict(t0 + ms(500), false, 0, ms(500));
  // At exactly t0 + window the first entry has left.
  expect_verdict(t0 + seconds(1), true, 0, ms(100));
  // The log lives one window, and holds no more than limit entries.
  EXPECT_EQ(raw({"ZCARD", "rl:test:a"}).integer, 3);
  const reply pttl = raw({"PTTL", "rl:test:a"});
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 1000);
}

TEST_F(redis_kv_test, admissions_in_the_same_microsecond_all_count) {
  auto& kv = open();
  ratelimit::window_hit hit{"rl:test:same", 5, seconds(1), t0};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(run(kv.admit(hit))->allowed);
  }
  EXPECT_FALSE(run(kv.admit(hit))->allowed);
  // A second process (another nonce) shares the same log.
  rt::redis::redis_kv_options other;
  other.member_nonce = 77;
  auto second = redis_kv::create(io_, url_, other);
  ASSERT_TRUE(second.ok());
  hit.key = "rl:test:two";
  EXPECT_TRUE(run(kv.admit(hit))->allowed);
  EXPECT_TRUE(run((*second)->admit(hit))->allowed);
  EXPECT_EQ(raw({"ZCARD", "rl:test:two"}).integer, 2);
}

task<void> incr_into(redis_kv& kv, std::int64_t& out, bool& failed) {
  auto r = co_await kv.incr("c:pipelined", 1, seconds(30));
  if (r.ok()) {
    out = *r;
  } else {
    failed = true;
  }
}

task<void> set_then_get(redis_kv& kv, int i, std::string& out) {
  const std::string key = "k:p:" + std::to_string(i);
  const std::string value = "value-" + std::to_string(i * 7919);
  auto stored = co_await kv.set(key, value, seconds(30));
  if (!stored.ok()) {
    out = "<set failed>";
    co_return;
  }
  auto got = co_await kv.get(key);
  out = got.ok() ? got->value_or("<missing>") : "<get failed>";
}

TEST_F(redis_kv_test, pipelined_commands_are_answered_in_order) {
  rt::redis::redis_kv_options o;
  o.connection.op_timeout = seconds(5);  // a busy test machine must not turn this into a timeout test
  auto& kv = open(o);
  constexpr int n = 2000;
  std::vector<std::int64_t> values(n, 0);
  std::vector<std::string> got(n);
  bool failed = false;
  task_scope scope;
  // spawn() runs each task to its first suspension: the commands are issued in index order.
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(scope.spawn(incr_into(kv, values[static_cast<std::size_t>(i)], failed)));
  }
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(scope.spawn(set_then_get(kv, i, got[static_cast<std::size_t>(i)])));
  }
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (scope.live() > 0 && std::chrono::steady_clock::now() < give_up) {
    turn_for(io_, 5ms);
  }
  ASSERT_EQ(scope.live(), 0u);
  EXPECT_FALSE(failed);
  for (int i = 0; i < n; ++i) {
    // FIFO matching: the i-th INCR issued is the i-th Redis ran.
    ASSERT_EQ(values[static_cast<std::size_t>(i)], i + 1) << "at " << i;
    ASSERT_EQ(got[static_cast<std::size_t>(i)], "value-" + std::to_string(i * 7919));
  }
  const auto stats = kv.stats().connection;
  EXPECT_EQ(stats.connections_opened, 1u);
  EXPECT_EQ(stats.timeouts, 0u);
  EXPECT_EQ(stats.pending, 0u);
}

TEST_F(redis_kv_test, noscript_after_script_flush_reloads_and_retries_once) {
  if (!use_private_server()) {
    GTEST_SKIP() << "redis-server not on PATH";
  }
  auto& kv = open();
  ratelimit::window_hit hit{"rl:test:flush", 10, seconds(1), t0};
  ASSERT_TRUE(run(kv.admit(hit)).ok());
  ASSERT_TRUE(run(kv.incr("c:flush", 1, seconds(5))).ok());
  EXPECT_EQ(kv.stats().script_reloads, 0u);

  raw({"SCRIPT", "FLUSH"});
  hit.now += ms(1);
  auto v = run(kv.admit(hit));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->allowed);
  EXPECT_EQ(v->remaining, 8);
  EXPECT_EQ(kv.stats().script_reloads, 1u);

  raw({"SCRIPT", "FLUSH"});
  auto n = run(kv.incr("c:flush", 1, seconds(5)));
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(kv.stats().script_reloads, 2u);
}

TEST_F(redis_kv_test, a_stalled_server_answers_timeout_then_recovers) {
  if (!use_private_server()) {
    GTEST_SKIP() << "redis-server not on PATH";
  }
  rt::redis::redis_kv_options o;
  o.connection.op_timeout = ms(50);
  auto& kv = open(o);
  ASSERT_TRUE(run(kv.set("k:stall", "before", seconds(10))).ok());  // connected

  // CLIENT PAUSE stalls every other client's commands for 250 ms.
  EXPECT_EQ(raw({"CLIENT", "PAUSE", "250", "ALL"}).kind, reply_kind::status);
  const auto started = std::chrono::steady_clock::now();
  auto slow = run(kv.get("k:stall"));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, kv_errc::timeout);
  EXPECT_GE(waited, 45ms);
  EXPECT_LT(waited, 200ms);
  EXPECT_EQ(kv.stats().connection.timeouts, 1u);

  // After the pause the late reply is dropped and the same connection serves again.
  turn_for(io_, 300ms);
  auto after = run(kv.get("k:stall"));
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->value_or(""), "before");
  const auto stats = kv.stats().connection;
  EXPECT_EQ(stats.late_replies_dropped, 1u);
  EXPECT_EQ(stats.connections_opened, 1u);
}

TEST_F(redis_kv_test, a_connection_stalled_past_the_limit_is_dropped_and_reopened) {
  if (!use_private_server()) {
    GTEST_SKIP() << "redis-server not on PATH";
  }
  rt::redis::redis_kv_options o;
  o.connection.op_timeout = ms(30);
  o.connection.stall_limit = ms(100);
  auto& kv = open(o);
  ASSERT_TRUE(run(kv.set("k:stuck", "v", seconds(10))).ok());
  EXPECT_EQ(raw({"CLIENT", "PAUSE", "400", "ALL"}).kind, reply_kind::status);
  int timeouts = 0;
  int unavailable = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = run(kv.get("k:stuck"));
    if (!r.ok()) {
      (r.error().code == kv_errc::timeout ? timeouts : unavailable) += 1;
    }
  }
  EXPECT_GE(timeouts, 2);
  EXPECT_GE(kv.stats().connection.connections_lost, 1u);
  // Once Redis answers again, a new connection does.
  turn_for(io_, 450ms);
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    recovered = run(kv.get("k:stuck")).ok();
    if (!recovered) {
      turn_for(io_, 20ms);
    }
  }
  EXPECT_TRUE(recovered);
  EXPECT_GE(kv.stats().connection.connections_opened, 2u);
}

TEST_F(redis_kv_test, an_unreachable_server_fails_fast_with_unavailable) {
  const std::string closed = "redis://127.0.0.1:" + std::to_string(free_port());
  auto& kv = open({}, closed);
  const auto started = std::chrono::steady_clock::now();
  auto r = run(kv.get("k"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kv_errc::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 40ms);
  // During the backoff, calls fail at once without touching the network.
  auto v = run(kv.admit({"rl:x", 1, seconds(1), t0}));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, kv_errc::unavailable);
  const auto stats = kv.stats().connection;
  EXPECT_EQ(stats.connect_failures, 1u);
  EXPECT_EQ(stats.rejected_down, 1u);
  EXPECT_EQ(stats.pending, 0u);
}

TEST_F(redis_kv_test, a_full_queue_refuses_at_once) {
  rt::redis::redis_kv_options o;
  o.connection.max_pending = 4;
  o.connection.op_timeout = seconds(5);
  auto& kv = open(o);
  ASSERT_TRUE(run(kv.set("k:q", "1", seconds(10))).ok());
  std::vector<std::int64_t> values(10, 0);
  bool failed = false;
  task_scope scope;
  for (auto& v : values) {
    ASSERT_TRUE(scope.spawn(incr_into(kv, v, failed)));
  }
  EXPECT_EQ(kv.stats().connection.rejected_full, 6u);
  while (scope.live() > 0) {
    turn_for(io_, 5ms);
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(std::count(values.begin(), values.end(), 0), 6);
}

TEST_F(redis_kv_test, a_reply_over_the_size_bound_drops_the_connection) {
  rt::redis::redis_kv_options o;
  o.connection.max_reply_bytes = 1000;
  o.connection.read_chunk_bytes = 256;  // the reply arrives in pieces, as a big one would
  auto& kv = open(o);
  raw({"SET", "k:big", std::string(5000, 'x')});
  auto big = run(kv.get("k:big"));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, kv_errc::unavailable);
  EXPECT_NE(big.error().message.find("over 1000 bytes"), std::string::npos) << big.error().message;
  // Small replies still come through, on a new connection.
  ASSERT_TRUE(run(kv.set("k:small", "x", seconds(5))).ok());
  EXPECT_EQ(run(kv.get("k:small"))->value_or(""), "x");
}

TEST_F(redis_kv_test, close_lets_issued_commands_finish_and_refuses_new_ones) {
  auto& kv = open();
  ASSERT_TRUE(run(kv.set("k:close", "1", seconds(10))).ok());
  std::int64_t value = 0;
  bool failed = false;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(incr_into(kv, value, failed)));
  kv.close();
  auto refused = run(kv.get("k:close"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kv_errc::unavailable);
  while (scope.live() > 0) {
    turn_for(io_, 5ms);
  }
  EXPECT_FALSE(failed);
  EXPECT_EQ(value, 1);
  EXPECT_FALSE(kv.stats().connection.connected);
}

TEST_F(redis_kv_test, a_restarted_server_is_reconnected_and_gets_the_scripts_again) {
  if (!private_redis::available()) {
    GTEST_SKIP() << "redis-server not on PATH";
  }
  private_redis server;
  ASSERT_TRUE(server.start());
  rt::redis::redis_kv_options o;
  o.connection.op_timeout = ms(200);
  auto& kv = open(o, server.url());
  ratelimit::window_hit hit{"rl:restart", 100, seconds(10), t0};
  ASSERT_TRUE(run(kv.admit(hit)).ok());

  server.stop();
  auto down = run(kv.get("k"));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, kv_errc::unavailable);

  ASSERT_TRUE(server.start());
  bool back = false;
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (!back && std::chrono::steady_clock::now() < give_up) {
    hit.now += ms(1);
    auto v = run(kv.admit(hit));
    back = v.ok();
    if (!back) {
      EXPECT_EQ(v.error().code, kv_errc::unavailable) << v.error().message;
      turn_for(io_, 20ms);
    }
  }
  ASSERT_TRUE(back);
  // The new server got the scripts at connect: no NOSCRIPT round trip was needed.
  EXPECT_EQ(kv.stats().script_reloads, 0u);
  EXPECT_GE(kv.stats().connection.connections_opened, 2u);
}

TEST_F(redis_kv_test, auth_with_the_url_password_and_a_wrong_one_never_echoed) {
  if (!private_redis::available()) {
    GTEST_SKIP() << "redis-server not on PATH";
  }
  const std::string password = "s3cret-pass-for-the-test";
  private_redis server("--requirepass " + password);
  ASSERT_TRUE(server.start());
  const std::string base = "127.0.0.1:" + std::to_string(server.port());
  auto& kv = open({}, "redis://:" + password + "@" + base + "/2");
  ASSERT_TRUE(run(kv.set("k:auth", "yes", seconds(5))).ok());
  EXPECT_EQ(run(kv.get("k:auth"))->value_or(""), "yes");

  const std::string wrong = "wrong-password-zzz";
  auto& bad = open({}, "redis://:" + wrong + "@" + base);
  auto r = run(bad.get("k:auth"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kv_errc::unavailable);
  EXPECT_EQ(r.error().message.find(wrong), std::string::npos) << r.error().message;
  EXPECT_EQ(bad.where().find(wrong), std::string::npos);
}

// The reference: verdict.hpp's algorithm, written the plainest way.
struct reference_log {
  std::deque<time_point> admitted;  // sorted

  ratelimit::verdict admit(time_point now, duration window, std::int64_t limit) {
    std::deque<time_point> kept;
    for (auto t : admitted) {
      if (t > now - window) {
        kept.push_back(t);
      }
    }
    admitted = kept;
    ratelimit::verdict v;
    v.limit = limit;
    if (static_cast<std::int64_t>(admitted.size()) < limit) {
      admitted.insert(std::upper_bound(admitted.begin(), admitted.end(), now), now);
      v.allowed = true;
      v.remaining = limit - static_cast<std::int64_t>(admitted.size());
    }
    v.reset_after = admitted.front() + window - now;
    return v;
  }
};

// Decides one random arrival sequence over three keys by Redis, the reference, the sliding_log
// the simulator's kv uses and (when with_limiter) memory_limiter, which must all agree.
// Arrivals come in bursts (same microsecond), small gaps and exact window edges; with
// steps_back the clock now and then goes back a little (a skewed replica).
void expect_agreement(redis_kv_test& t, std::uint64_t seed, bool steps_back, bool with_limiter) {
  std::mt19937_64 rng(seed);
  std::map<std::string, reference_log> model;
  std::map<std::string, ratelimit::sliding_log> logs;
  ratelimit::memory_limiter limiter;
  const std::vector<std::string> keys{"rl:agree:a", "rl:agree:b", "rl:agree:c"};
  const std::vector<std::int64_t> limits{1, 3, 10};
  const duration window = ms(200);
  time_point now = t0;
  int allowed = 0;
  constexpr int arrivals = 3000;
  for (int i = 0; i < arrivals; ++i) {
    const auto pick = rng() % 10;
    if (pick < 3) {
      // same instant
    } else if (pick < 8) {
      now += duration(static_cast<std::int64_t>(rng() % 40'000));
    } else if (pick < 9 || !steps_back) {
      now += window;
    } else {
      now -= duration(static_cast<std::int64_t>(rng() % 5'000));
    }
    const auto k = rng() % keys.size();
    const ratelimit::window_hit hit{keys[k], limits[k], window, now};
    const auto expected = model[hit.key].admit(now, window, hit.limit);
    std::vector<ratelimit::verdict> others{logs.try_emplace(hit.key, hit.limit).first->second.admit(now, window, hit.limit)};
    if (with_limiter) {
      others.push_back(limiter.admit(hit));
    }
    auto got = t.run(t.kv().admit(hit));
    ASSERT_TRUE(got.ok()) << got.error().message;
    others.push_back(*got);
    for (const auto& v : others) {
      ASSERT_EQ(v.allowed, expected.allowed) << "arrival " << i;
      ASSERT_EQ(v.remaining, expected.remaining) << "arrival " << i;
      ASSERT_EQ(v.reset_after, expected.reset_after) << "arrival " << i;
      ASSERT_EQ(v.limit, expected.limit);
    }
    allowed += expected.allowed ? 1 : 0;
  }
  // The sequence exercised both outcomes.
  EXPECT_GT(allowed, arrivals / 10);
  EXPECT_LT(allowed, arrivals);
}

TEST_F(redis_kv_test, the_lua_sliding_log_agrees_with_the_reference_sliding_log_and_memory_limiter) {
  open();
  expect_agreement(*this, 20261125, false, true);
}

// memory_limiter drops a log once its newest entry has left the window, so a clock that goes
// back afterwards finds it empty where Redis (which removes entries only when the key is
// called) still counts them: with steps back only the exact logs are compared.
TEST_F(redis_kv_test, the_lua_sliding_log_agrees_with_the_reference_when_the_clock_steps_back) {
  open();
  expect_agreement(*this, 777, true, false);
}

}  // namespace
}  // namespace qm::test
