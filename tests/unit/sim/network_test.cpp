// The simulated network and HTTP client: latency, loss, partitions, refusals, deadlines.
#include <gtest/gtest.h>

#include "tests/unit/sim/toy_service.hpp"
#include "tests/unit/sim/world.hpp"

namespace qm::sim {
namespace {

using testing::call_probe;
using testing::constant_link;
using testing::start_call;
using testing::toy_factory;
using testing::toy_probe;
using testing::world;
using http::method;

struct network_fixture : ::testing::Test {
  network_fixture() : w(1, constant_link(ms(2))) {
    w.add_service("echo", toy_factory(probe)).start();
    w.run_for(ms(1));
  }
  node& client() {
    if (client_ == nullptr) {
      client_ = &w.add_client("client");
    }
    return *client_;
  }
  bool traced_line_ends_with(std::string_view tail) const {
    for (const std::string& line : w.events.lines()) {
      if (line.ends_with(tail)) {
        return true;
      }
    }
    return false;
  }
  toy_probe probe;
  world w;
  node* client_ = nullptr;
};

TEST_F(network_fixture, a_call_takes_one_latency_each_way) {
  const time_point t0 = w.sched.now();
  auto c = start_call(w, client(), "echo", method::get, "/echo");
  w.run_for(seconds(1));
  ASSERT_TRUE(c->done());
  EXPECT_EQ(c->status(), 200);
  EXPECT_EQ(c->finished_at, t0 + ms(4));
  EXPECT_EQ(w.net.stats().delivered, 2u);
  EXPECT_EQ(w.net.stats().timeouts, 0u);
}

TEST_F(network_fixture, per_link_config_overrides_the_default_in_one_direction) {
  w.net.set_link("client", "echo", constant_link(ms(10)));
  const time_point t0 = w.sched.now();
  auto c = start_call(w, client(), "echo", method::get, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(c->finished_at, t0 + ms(12));
  w.net.clear_link("client", "echo");
  const time_point t1 = w.sched.now();
  auto d = start_call(w, client(), "echo", method::get, "/echo");
  w.run_for(seconds(1));
  EXPECT_EQ(d->finished_at, t1 + ms(4));
}

TEST_F(network_fixture, unknown_upstream_fails_at_once) {
  const time_point t0 = w.sched.now();
  auto c = start_call(w, client(), "nobody", method::get, "/echo");
  EXPECT_TRUE(c->done());
  EXPECT_EQ(c->error(), rt::call_errc::unknown_upstream);
  EXPECT_EQ(c->finished_at, t0);
  // A client node is no upstream either.
  auto d = start_call(w, client(), "client", method::get, "/echo");
  EXPECT_EQ(d->error(), rt::call_errc::unknown_upstream);
  EXPECT_EQ(w.net.stats().sent, 0u);
}

TEST_F(network_fixture, a_deadline_already_past_times_out_at_once_without_sending) {
  auto c = start_call(w, client(), "echo", method::get, "/echo", ms(-1));
  EXPECT_TRUE(c->done());
  EXPECT_EQ(c->error(), rt::call_errc::timeout);
  EXPECT_EQ(w.net.stats().sent, 0u);
}

TEST_F(network_fixture, a_node_that_is_down_refuses_after_one_latency) {
  w.nodes[0]->crash();
  const time_point t0 = w.sched.now();
  auto c = start_call(w, client(), "echo", method::get, "/echo");
  w.run_for(seconds(1));
  ASSERT_TRUE(c->done());
  EXPECT_EQ(c->error(), rt::call_errc::connect_failed);
  EXPECT_EQ(c->finished_at, t0 + ms(2));
  EXPECT_EQ(w.net.stats().refused, 1u);
}

TEST_F(network_fixture, slow_handler_times_out_and_its_late_reply_is_dropped_and_counted) {
  const time_point t0 = w.sched.now();
  auto c = start_call(w, client(), "echo", method::get, "/sleep/500", ms(100));
  w.run_for(seconds(2));
  ASSERT_TRUE(c->done());
  EXPECT_EQ(c->error(), rt::call_errc::timeout);
  EXPECT_EQ(c->finished_at, t0 + ms(100));
  // The handler still finished and answered; the answer found the call over.
  EXPECT_EQ(probe.sleeps_resumed, 1);
  EXPECT_EQ(w.net.stats().timeouts, 1u);
  EXPECT_EQ(w.net.stats().late_replies_dropped, 1u);
  bool traced = false;
  for (const auto& line : w.events.lines()) {
    traced = traced || line.find("late_reply_dropped") != std::string::npos;
  }
  EXPECT_TRUE(traced);
}

TEST_F(network_fixture, the_deadline_follows_the_callers_skewed_clock) {
  client().clock().set_skew(seconds(30));
  const time_point t0 = w.sched.now();
  // 100 ms on the caller's clock is 100 ms of scheduler time, whatever the skew.
  auto c = start_call(w, client(), "echo", method::get, "/sleep/500", ms(100));
  w.run_for(seconds(2));
  EXPECT_EQ(c->finished_at, t0 + ms(100));
  // The server sees the same instant on its own clock.
  w.nodes[0]->clock().set_skew(seconds(-1));
  const time_point t1 = w.sched.now();
  auto d = start_call(w, client(), "echo", method::get, "/deadline", ms(50));
  w.run_for(seconds(1));
  EXPECT_EQ(d->status(), 200);
  EXPECT_EQ(probe.last_deadline, t1 + ms(50) - seconds(1));
}

TEST_F(network_fixture, a_partition_loses_messages_both_ways_until_healed) {
  w.net.partition("client", "echo", false);
  EXPECT_TRUE(w.net.blocked("client", "echo"));
  EXPECT_TRUE(w.net.blocked("echo", "client"));
  auto c = start_call(w, client(), "echo", method::get, "/echo", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(c->error(), rt::call_errc::timeout);
  EXPECT_EQ(w.net.stats().dropped_partition, 1u);
  EXPECT_TRUE(traced_line_ends_with(" client drop req#1 client->echo partition"));
  w.net.heal("echo", "client");
  auto d = start_call(w, client(), "echo", method::get, "/echo", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(d->status(), 200);
}

TEST_F(network_fixture, a_one_way_partition_blocks_one_direction_only) {
  // echo -> client blocked: requests arrive and are handled, replies are lost.
  w.net.partition("echo", "client", true);
  EXPECT_TRUE(w.net.blocked("echo", "client"));
  EXPECT_FALSE(w.net.blocked("client", "echo"));
  auto c = start_call(w, client(), "echo", method::get, "/hits", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(c->error(), rt::call_errc::timeout);
  EXPECT_EQ(w.nodes[0]->stats().requests_handled, 1u);
  EXPECT_TRUE(traced_line_ends_with(" echo drop rep#1 echo->client partition"));
  // Between two services, echo -> other blocked: other's call to echo gets its request
  // through (echo handles it) but loses the reply; echo's call to other never arrives.
  node& other = w.add_service("other", toy_factory(probe));
  other.start();
  w.run_for(ms(1));
  w.net.heal_all();
  w.net.partition("echo", "other", true);
  const auto echo_handled = w.nodes[0]->stats().requests_handled;
  auto d = start_call(w, client(), "other", method::get, "/call/echo", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(w.nodes[0]->stats().requests_handled, echo_handled + 1);
  EXPECT_EQ(d->status(), 502);
  const auto other_received = other.stats().requests_received;
  auto e = start_call(w, client(), "echo", method::get, "/call/other", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(other.stats().requests_received, other_received);
  EXPECT_EQ(e->status(), 502);
  // Healed, the same call goes through.
  w.net.heal("other", "echo");
  auto f = start_call(w, client(), "echo", method::get, "/call/other", ms(100));
  w.run_for(seconds(1));
  EXPECT_EQ(f->status(), 200);
  EXPECT_EQ(f->body(), "\"inner\"");
}

TEST(network, drop_rate_loses_the_expected_share_of_messages) {
  testing::toy_probe probe;
  link_config lossy = constant_link(ms(1));
  lossy.drop_rate = 0.2;
  world w(11, lossy);
  w.add_service("echo", toy_factory(probe)).start();
  node& client = w.add_client("client");
  w.run_for(ms(1));
  std::vector<std::shared_ptr<call_probe>> calls;
  for (int i = 0; i < 2000; ++i) {
    calls.push_back(start_call(w, client, "echo", method::get, "/echo", ms(50)));
    w.run_for(ms(1));
  }
  w.run_for(seconds(1));
  int ok = 0;
  for (const auto& c : calls) {
    ASSERT_TRUE(c->done());
    ok += c->status() == 200 ? 1 : 0;
  }
  // Both the request and the reply must survive: 0.8 * 0.8.
  EXPECT_NEAR(ok / 2000.0, 0.64, 0.04);
  const auto& s = w.net.stats();
  EXPECT_NEAR(static_cast<double>(s.dropped_random) / static_cast<double>(s.sent), 0.2, 0.025);
  EXPECT_EQ(s.timeouts, 2000u - static_cast<std::uint64_t>(ok));
}

TEST(network, in_flight_messages_per_link_are_bounded) {
  testing::toy_probe probe;
  scheduler sched;
  trace events;
  network net(sched, events, 1, constant_link(ms(10)), 3);
  node_config sc;
  sc.name = "echo";
  sc.factory = toy_factory(probe);
  node echo(std::move(sc), sched, events, net, 1);
  node_config cc;
  cc.name = "client";
  cc.kind = node_kind::client;
  node client(std::move(cc), sched, events, net, 1);
  echo.start();
  sched.run_until(sched.now() + ms(1));
  std::vector<std::shared_ptr<call_probe>> calls;
  http::request req;
  req.target = "/echo";
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<call_probe>();
    client.scope().spawn(testing::run_call(client, "echo", req, client.clock().now() + ms(100), p, &sched));
    calls.push_back(p);
  }
  EXPECT_EQ(net.stats().dropped_overflow, 2u);
  sched.run_until(sched.now() + seconds(1));
  int ok = 0;
  for (const auto& c : calls) {
    ok += c->status() == 200 ? 1 : 0;
  }
  EXPECT_EQ(ok, 3);
}

}  // namespace
}  // namespace qm::sim
