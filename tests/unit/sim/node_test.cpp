// Nodes: routing answers, handler failures, overload, crash and restart.
#include <gtest/gtest.h>

#include "core/json/json.hpp"
#include "tests/unit/sim/toy_service.hpp"
#include "tests/unit/sim/world.hpp"

namespace qm::sim {
namespace {

using testing::start_call;
using testing::toy_factory;
using testing::toy_probe;
using testing::world;
using http::method;

std::string error_code(const std::string& body) {
  auto v = json::parse_object(body);
  if (!v) {
    return "<not json>";
  }
  return std::string(v.value().at("error").as_object().at("code").as_string());
}

struct node_fixture : ::testing::Test {
  node_fixture() : echo(w.add_service("echo", toy_factory(probe))), client(w.add_client("client")) {}
  toy_probe probe;
  world w;
  node& echo;
  node& client;
};

TEST_F(node_fixture, a_service_answers_once_started) {
  EXPECT_FALSE(echo.up());
  echo.start();
  EXPECT_TRUE(echo.up());
  w.run_for(ms(1));
  EXPECT_TRUE(echo.started());
  EXPECT_EQ(probe.starts, 1);
  auto c = start_call(w, client, "echo", method::post, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(c->status(), 200);
}

TEST_F(node_fixture, a_handler_sees_its_callers_address_as_the_peer) {
  node& other = w.add_client("other");
  echo.start();
  w.run_for(ms(1));
  auto a = start_call(w, client, "echo", method::get, "/peer");
  auto b = start_call(w, other, "echo", method::get, "/peer");
  auto again = start_call(w, client, "echo", method::get, "/peer");
  w.run_for(seconds(1));
  EXPECT_EQ(client.address(), "10.77.0.1");
  EXPECT_EQ(other.address(), "10.77.0.2");
  EXPECT_EQ(a->body(), "\"10.77.0.1\"");
  EXPECT_EQ(b->body(), "\"10.77.0.2\"");
  EXPECT_EQ(again->body(), a->body());
}

TEST_F(node_fixture, unknown_path_is_404_and_wrong_method_is_405_in_the_error_shape) {
  echo.start();
  w.run_for(ms(1));
  auto a = start_call(w, client, "echo", method::get, "/nothing/here");
  auto b = start_call(w, client, "echo", method::put, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(a->status(), 404);
  EXPECT_EQ(error_code(a->body()), "not_found");
  EXPECT_EQ(b->status(), 405);
  EXPECT_EQ(error_code(b->body()), "method_not_allowed");
  EXPECT_EQ(echo.stats().not_found, 1u);
  EXPECT_EQ(echo.stats().method_not_allowed, 1u);
}

TEST_F(node_fixture, a_service_still_starting_answers_503_starting) {
  probe.start_delay = ms(100);
  echo.start();
  w.run_for(ms(10));
  EXPECT_TRUE(echo.up());
  EXPECT_FALSE(echo.started());
  auto c = start_call(w, client, "echo", method::get, "/echo");
  w.run_for(ms(10));
  EXPECT_EQ(c->status(), 503);
  EXPECT_EQ(error_code(c->body()), "starting");
  w.run_for(ms(100));
  EXPECT_TRUE(echo.started());
  auto d = start_call(w, client, "echo", method::get, "/echo");
  w.run_for(ms(10));
  EXPECT_EQ(d->status(), 200);
}

TEST_F(node_fixture, a_handler_exception_becomes_a_500_and_the_run_goes_on) {
  echo.start();
  w.run_for(ms(1));
  auto c = start_call(w, client, "echo", method::post, "/boom");
  w.run_for(seconds(1));
  EXPECT_EQ(c->status(), 500);
  EXPECT_EQ(error_code(c->body()), "internal");
  EXPECT_EQ(echo.stats().handler_exceptions, 1u);
  EXPECT_EQ(echo.log().count(rt::log_level::error), 1u);
  bool traced = false;
  for (const auto& line : w.events.lines()) {
    traced = traced || (line.find("handler_exception") != std::string::npos && line.find("boom") != std::string::npos);
  }
  EXPECT_TRUE(traced);
  auto d = start_call(w, client, "echo", method::get, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(d->status(), 200);
}

TEST(node, requests_beyond_max_in_flight_get_503_overloaded) {
  toy_probe probe;
  world w;
  node& echo = w.add_service("echo", toy_factory(probe), 2);
  node& client = w.add_client("client");
  echo.start();
  w.run_for(ms(1));
  auto a = start_call(w, client, "echo", method::get, "/sleep/50");
  auto b = start_call(w, client, "echo", method::get, "/sleep/50");
  auto c = start_call(w, client, "echo", method::get, "/sleep/50");
  w.run_for(ms(10));
  EXPECT_EQ(echo.in_flight(), 2u);
  EXPECT_EQ(c->status(), 503);
  EXPECT_EQ(error_code(c->body()), "overloaded");
  w.run_for(seconds(1));
  EXPECT_EQ(a->status(), 200);
  EXPECT_EQ(b->status(), 200);
  EXPECT_EQ(echo.in_flight(), 0u);
  EXPECT_EQ(echo.stats().rejected_overloaded, 1u);
}

TEST_F(node_fixture, a_crash_destroys_suspended_handlers_without_resuming_them) {
  echo.start();
  w.run_for(ms(1));
  auto a = start_call(w, client, "echo", method::get, "/sleep/100");
  auto b = start_call(w, client, "echo", method::get, "/sleep/200");
  w.run_for(ms(10));
  EXPECT_EQ(echo.in_flight(), 2u);
  echo.crash();
  EXPECT_FALSE(echo.up());
  EXPECT_EQ(echo.in_flight(), 0u);
  EXPECT_EQ(echo.service(), nullptr);
  // Both frames are gone, neither woke up, and the timers that would have woken them fire
  // into nothing.
  EXPECT_EQ(probe.sleep_frames_gone, 2);
  w.run_for(seconds(1));
  EXPECT_EQ(probe.sleeps_resumed, 0);
  // Their callers heard the connection break.
  EXPECT_EQ(a->error(), rt::call_errc::connection_reset);
  EXPECT_EQ(b->error(), rt::call_errc::connection_reset);
  EXPECT_EQ(w.net.stats().resets, 2u);
  // A new request finds nobody listening.
  auto c = start_call(w, client, "echo", method::get, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(c->error(), rt::call_errc::connect_failed);
}

TEST_F(node_fixture, a_crashed_callers_frame_is_not_resumed_by_the_reply) {
  // echo calls other; echo crashes while waiting; other's reply comes back to nobody.
  toy_probe other_probe;
  node& other = w.add_service("other", toy_factory(other_probe));
  other.start();
  echo.start();
  w.run_for(ms(1));
  w.net.set_link("echo", "other", testing::constant_link(ms(20)));
  auto c = start_call(w, client, "echo", method::get, "/call/other");
  w.run_for(ms(5));
  echo.crash();
  w.run_for(seconds(10));
  EXPECT_EQ(c->error(), rt::call_errc::connection_reset);
  EXPECT_EQ(other.stats().requests_handled, 1u);
  EXPECT_EQ(w.net.stats().orphaned_replies, 1u);
  EXPECT_EQ(w.net.stats().timeouts, 0u);
}

TEST_F(node_fixture, restart_runs_start_again_with_fresh_in_memory_state) {
  echo.start();
  w.run_for(ms(1));
  auto a = start_call(w, client, "echo", method::get, "/hits");
  w.run_for(ms(10));
  auto b = start_call(w, client, "echo", method::get, "/hits");
  w.run_for(ms(10));
  EXPECT_EQ(b->body(), "2");
  const auto gen = echo.generation();
  echo.restart();
  EXPECT_GT(echo.generation(), gen);
  w.run_for(ms(1));
  EXPECT_EQ(probe.starts, 2);
  EXPECT_TRUE(echo.started());
  auto c = start_call(w, client, "echo", method::get, "/hits");
  w.run_for(ms(10));
  EXPECT_EQ(c->body(), "1");
  EXPECT_EQ(echo.stats().crashes, 1u);
  EXPECT_EQ(echo.stats().restarts, 1u);
}

TEST_F(node_fixture, a_failing_start_is_retried_with_capped_exponential_backoff) {
  probe.fail_starts = 3;
  const time_point t0 = w.sched.now();
  echo.start();
  // Attempts at 0, 50 ms, 150 ms, 350 ms (backoff 50, 100, 200).
  w.run_for(ms(349));
  EXPECT_EQ(probe.starts, 3);
  EXPECT_FALSE(echo.started());
  w.run_for(ms(2));
  EXPECT_EQ(probe.starts, 4);
  EXPECT_TRUE(echo.started());
  EXPECT_EQ(w.sched.now(), t0 + ms(351));
  EXPECT_EQ(echo.stats().start_failures, 3u);
}

TEST_F(node_fixture, a_crash_during_start_backoff_cancels_the_retry) {
  probe.fail_starts = 1;
  echo.start();
  w.run_for(ms(10));
  echo.crash();
  w.run_for(seconds(1));
  EXPECT_EQ(probe.starts, 1);
  EXPECT_FALSE(echo.up());
  echo.start();
  w.run_for(ms(1));
  EXPECT_EQ(probe.starts, 2);
  EXPECT_TRUE(echo.started());
}

TEST_F(node_fixture, the_backoff_is_capped) {
  probe.fail_starts = 1'000'000;
  echo.start();
  w.run_for(seconds(60));
  // 50+100+...+1600 = 3150 ms over the first 6 retries, then one every 2 s.
  EXPECT_EQ(probe.starts, 1 + 6 + static_cast<int>((60'000 - 3'150) / 2'000));
}

}  // namespace
}  // namespace qm::sim
