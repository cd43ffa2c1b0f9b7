// The production HTTP client on loopback, against test_server (its own thread). The client
// runs on an io_context driven by the test thread; every wait is bounded by run_until.

#include <time.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "core/task/task_scope.hpp"
#include "runtime/asio/client/asio_http_client.hpp"
#include "test_server.hpp"

namespace qm::rt {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

time_point wall_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }
time_point deadline_in(std::chrono::milliseconds d) { return wall_now() + d; }

http::request get(std::string target) {
  http::request req;
  req.verb = http::method::get;
  req.target = std::move(target);
  return req;
}

// One call's outcome as seen by the awaiting coroutine.
struct outcome {
  std::optional<call_result> result;
  int resumed = 0;
  steady::time_point finished_at{};
};

task<void> call_into(asio_http_client& client, std::string upstream, http::request req, time_point deadline,
                     outcome* out) {
  call_result r = co_await client.request(upstream, std::move(req), deadline);
  ++out->resumed;
  out->finished_at = steady::now();
  out->result.emplace(std::move(r));
}

task<void> sequential_calls(asio_http_client& client, int count, std::vector<call_result>* out) {
  for (int i = 0; i < count; ++i) {
    http::request req = get("/ok");
    call_result r = co_await client.request("backend", std::move(req), deadline_in(2000ms));
    out->push_back(std::move(r));
  }
}

class http_client_test : public ::testing::Test {
 protected:
  void make_client(asio_http_client_options options = {}) {
    asio_http_client::upstream_urls urls;
    urls.emplace("backend", "http://127.0.0.1:" + std::to_string(server.port()));
    urls.emplace("nobody", "http://127.0.0.1:" + std::to_string(closed_port()));
    urls.emplace("by-name", "http://localhost:" + std::to_string(server.port()));
    urls.emplace("nobody-by-name", "http://localhost:" + std::to_string(closed_port()));
    auto made = asio_http_client::create(io, urls, options);
    ASSERT_TRUE(made.ok()) << made.error();
    client = std::move(made).value();
  }

  // A loopback port with no listener: bound once to learn a free number, then closed.
  static std::uint16_t closed_port() {
    asio::io_context scratch;
    asio::ip::tcp::acceptor a(scratch, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
  }

  // Runs the client's loop until pred holds or bound passes. True when pred holds.
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds bound = 5000ms) {
    auto guard = asio::make_work_guard(io);
    const auto stop_at = steady::now() + bound;
    while (!pred()) {
      if (steady::now() >= stop_at) {
        return false;
      }
      if (io.stopped()) {
        io.restart();
      }
      io.run_one_for(5ms);
    }
    return true;
  }

  // Runs the loop for a fixed time (to let late events arrive).
  void run_for(std::chrono::milliseconds d) {
    const auto stop_at = steady::now() + d;
    run_until([&] { return steady::now() >= stop_at; }, d + 1000ms);
  }

  void spawn(std::string upstream, http::request req, time_point deadline, outcome& out) {
    ASSERT_TRUE(scope.spawn(call_into(*client, std::move(upstream), std::move(req), deadline, &out)));
  }

  test::test_server server;
  asio::io_context io;
  std::unique_ptr<asio_http_client> client;
  task_scope scope;  // declared last: its frames go before the client and the loop
};

TEST_F(http_client_test, sequential_requests_reuse_one_connection) {
  make_client();
  std::vector<call_result> results;
  ASSERT_TRUE(scope.spawn(sequential_calls(*client, 100, &results)));
  ASSERT_TRUE(run_until([&] { return results.size() == 100; }));
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok:GET:");
  }
  EXPECT_EQ(server.accepted.load(), 1);
  EXPECT_EQ(server.requests.load(), 100);
  const auto s = client->stats();
  EXPECT_EQ(s.connections_opened, 1u);
  EXPECT_EQ(s.connections_reused, 99u);
  EXPECT_EQ(s.idle_connections, 1u);
  EXPECT_EQ(s.open_connections, 1u);
}

TEST_F(http_client_test, sends_host_and_content_length_and_keeps_headers) {
  make_client();
  http::request req;
  req.verb = http::method::post;
  req.target = "/ok";
  req.body = "hello";
  req.headers.set("X-Custom", "kept");
  req.headers.set("Content-Length", "999");  // wrong on purpose: the client states the length
  outcome out;
  spawn("backend", std::move(req), deadline_in(2000ms), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_TRUE(out.result->ok()) << out.result->error().message;
  const http::response& res = out.result->value();
  EXPECT_EQ(res.body, "ok:POST:hello");
  EXPECT_EQ(res.headers.get("X-Seen-Host").value_or(""), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(res.headers.get("X-Seen-Content-Length").value_or(""), "5");
  EXPECT_EQ(res.headers.get("X-Seen-Custom").value_or(""), "kept");
  EXPECT_EQ(res.headers.get("X-Seen-Connection").value_or("absent"), "");
}

TEST_F(http_client_test, resolves_a_host_name) {
  make_client();
  outcome out;
  spawn("by-name", get("/ok"), deadline_in(2000ms), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_TRUE(out.result->ok()) << out.result->error().message;
  EXPECT_EQ(out.result->value().headers.get("X-Seen-Host").value_or(""),
            "localhost:" + std::to_string(server.port()));
}

TEST_F(http_client_test, concurrent_requests_beyond_the_pool_queue_and_succeed) {
  asio_http_client_options options;
  options.max_connections_per_upstream = 4;
  options.max_waiters_per_upstream = 100;
  make_client(options);
  std::vector<outcome> outs(20);
  for (auto& out : outs) {
    spawn("backend", get("/slow?ms=20"), deadline_in(5000ms), out);
  }
  EXPECT_EQ(client->stats().waiting_calls, 16u);
  ASSERT_TRUE(run_until([&] {
    for (const auto& out : outs) {
      if (!out.result) {
        return false;
      }
    }
    return true;
  }));
  for (const auto& out : outs) {
    ASSERT_TRUE(out.result->ok()) << out.result->error().message;
    EXPECT_EQ(out.result->value().body, "slow");
  }
  EXPECT_LE(server.accepted.load(), 4);
  EXPECT_LE(server.max_active_sessions.load(), 4);
  EXPECT_EQ(server.requests.load(), 20);
  EXPECT_EQ(client->stats().waiting_calls, 0u);
  EXPECT_LE(client->stats().open_connections, 4u);
}

TEST_F(http_client_test, full_wait_queue_answers_overloaded_at_once) {
  asio_http_client_options options;
  options.max_connections_per_upstream = 1;
  options.max_idle_per_upstream = 1;
  options.max_waiters_per_upstream = 2;
  make_client(options);
  std::vector<outcome> outs(4);
  for (auto& out : outs) {
    spawn("backend", get("/slow?ms=50"), deadline_in(5000ms), out);
  }
  // The fourth call found one connection busy and two calls queued: refused without I/O.
  ASSERT_TRUE(outs[3].result.has_value());
  ASSERT_FALSE(outs[3].result->ok());
  EXPECT_EQ(outs[3].result->error().code, call_errc::overloaded);
  ASSERT_TRUE(run_until([&] { return outs[0].result && outs[1].result && outs[2].result; }));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(outs[i].result->ok()) << outs[i].result->error().message;
  }
  EXPECT_EQ(server.accepted.load(), 1);
  EXPECT_EQ(client->stats().overloaded, 1u);
}

TEST_F(http_client_test, waiting_for_a_connection_counts_against_the_deadline) {
  asio_http_client_options options;
  options.max_connections_per_upstream = 1;
  options.max_idle_per_upstream = 1;
  make_client(options);
  outcome first;
  outcome second;
  spawn("backend", get("/slow?ms=400"), deadline_in(5000ms), first);
  spawn("backend", get("/ok"), deadline_in(100ms), second);
  ASSERT_TRUE(run_until([&] { return second.result.has_value(); }));
  ASSERT_FALSE(second.result->ok());
  EXPECT_EQ(second.result->error().code, call_errc::timeout);
  EXPECT_EQ(client->stats().waiting_calls, 0u);
  EXPECT_FALSE(first.result.has_value());
  ASSERT_TRUE(run_until([&] { return first.result.has_value(); }));
  EXPECT_TRUE(first.result->ok());
}

TEST_F(http_client_test, slow_answer_times_out_at_the_deadline_and_the_late_reply_is_dropped) {
  make_client();
  outcome out;
  const auto started = steady::now();
  spawn("backend", get("/slow?ms=1000"), deadline_in(200ms), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_FALSE(out.result->ok());
  EXPECT_EQ(out.result->error().code, call_errc::timeout);
  const auto waited = out.finished_at - started;
  EXPECT_GE(waited, 195ms);
  EXPECT_LT(waited, 800ms);  // loose (a shared 2-core machine), but well before the reply
  EXPECT_EQ(client->stats().open_connections, 0u);  // the timed-out connection was closed

  // The server answers at 1000 ms into a closed socket; nothing reaches the caller again.
  ASSERT_TRUE(run_until([&] { return server.late_writes.load() == 1; }));
  run_for(50ms);
  EXPECT_EQ(out.resumed, 1);

  outcome next;
  spawn("backend", get("/ok"), deadline_in(2000ms), next);
  ASSERT_TRUE(run_until([&] { return next.result.has_value(); }));
  ASSERT_TRUE(next.result->ok()) << next.result->error().message;
  EXPECT_EQ(next.result->value().body, "ok:GET:");
  EXPECT_EQ(server.accepted.load(), 2);  // a fresh connection, not the abandoned one
  EXPECT_EQ(client->stats().connections_opened, 2u);
}

TEST_F(http_client_test, deadline_already_past_answers_timeout_without_io) {
  make_client();
  outcome out;
  spawn("backend", get("/ok"), wall_now() - 1ms, out);
  ASSERT_TRUE(out.result.has_value());
  EXPECT_EQ(out.result->error().code, call_errc::timeout);
  run_for(20ms);
  EXPECT_EQ(server.accepted.load(), 0);
}

TEST_F(http_client_test, the_furthest_deadline_does_not_overflow) {
  make_client();
  outcome out;
  spawn("backend", get("/ok"), time_point::max(), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_TRUE(out.result->ok()) << out.result->error().message;
}

TEST_F(http_client_test, closed_port_answers_connect_failed) {
  make_client();
  outcome out;
  spawn("nobody", get("/ok"), deadline_in(2000ms), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_FALSE(out.result->ok());
  EXPECT_EQ(out.result->error().code, call_errc::connect_failed) << out.result->error().message;
  EXPECT_EQ(client->stats().open_connections, 0u);
}

TEST_F(http_client_test, closed_port_by_name_answers_connect_failed_each_time) {
  make_client();
  // The second call resolves the name again (a failed connect forgets the cached addresses).
  for (int i = 0; i < 2; ++i) {
    outcome out;
    spawn("nobody-by-name", get("/ok"), deadline_in(2000ms), out);
    ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
    ASSERT_FALSE(out.result->ok());
    EXPECT_EQ(out.result->error().code, call_errc::connect_failed) << out.result->error().message;
  }
  EXPECT_EQ(client->stats().open_connections, 0u);
}

TEST_F(http_client_test, server_closing_mid_response_answers_connection_reset) {
  make_client();
  for (const char* target : {"/close-mid", "/close"}) {
    outcome out;
    spawn("backend", get(target), deadline_in(2000ms), out);
    ASSERT_TRUE(run_until([&] { return out.result.has_value(); })) << target;
    ASSERT_FALSE(out.result->ok()) << target;
    EXPECT_EQ(out.result->error().code, call_errc::connection_reset) << target;
  }
  EXPECT_EQ(client->stats().open_connections, 0u);
  EXPECT_EQ(server.requests.load(), 2);  // fresh connections: no retry
}

TEST_F(http_client_test, unknown_upstream_answers_at_once) {
  make_client();
  outcome out;
  spawn("nowhere", get("/ok"), deadline_in(2000ms), out);
  ASSERT_TRUE(out.result.has_value());
  ASSERT_FALSE(out.result->ok());
  EXPECT_EQ(out.result->error().code, call_errc::unknown_upstream);
  EXPECT_EQ(client->stats().calls, 0u);
}

TEST_F(http_client_test, no_keep_alive_answer_is_not_reused) {
  make_client();
  outcome first;
  spawn("backend", get("/no-keepalive"), deadline_in(2000ms), first);
  ASSERT_TRUE(run_until([&] { return first.result.has_value(); }));
  ASSERT_TRUE(first.result->ok()) << first.result->error().message;
  EXPECT_EQ(client->stats().open_connections, 0u);
  outcome second;
  spawn("backend", get("/ok"), deadline_in(2000ms), second);
  ASSERT_TRUE(run_until([&] { return second.result.has_value(); }));
  ASSERT_TRUE(second.result->ok()) << second.result->error().message;
  EXPECT_EQ(server.accepted.load(), 2);
}

TEST_F(http_client_test, idle_connection_closed_by_the_server_is_replaced) {
  make_client();
  outcome first;
  spawn("backend", get("/drop-idle"), deadline_in(2000ms), first);
  ASSERT_TRUE(run_until([&] { return first.result.has_value(); }));
  ASSERT_TRUE(first.result->ok()) << first.result->error().message;
  ASSERT_TRUE(run_until([&] { return server.sessions_ended.load() == 1; }));
  run_for(20ms);  // let the FIN reach the client's socket
  outcome second;
  spawn("backend", get("/ok"), deadline_in(2000ms), second);
  ASSERT_TRUE(run_until([&] { return second.result.has_value(); }));
  ASSERT_TRUE(second.result->ok()) << second.result->error().message;
  EXPECT_EQ(server.accepted.load(), 2);
}

TEST_F(http_client_test, idle_connections_are_closed_after_the_idle_timeout) {
  asio_http_client_options options;
  options.idle_timeout_ms = std::chrono::milliseconds(50);
  make_client(options);
  outcome out;
  spawn("backend", get("/ok"), deadline_in(2000ms), out);
  ASSERT_TRUE(run_until([&] { return out.result.has_value(); }));
  ASSERT_TRUE(out.result->ok()) << out.result->error().message;
  EXPECT_EQ(client->stats().idle_connections, 1u);
  // The pool's sweep timer closes it; the server sees the connection end.
  ASSERT_TRUE(run_until([&] { return client->stats().open_connections == 0; }));
  EXPECT_EQ(client->stats().idle_connections, 0u);
  ASSERT_TRUE(run_until([&] { return server.sessions_ended.load() == 1; }));
}

TEST_F(http_client_test, idempotent_request_on_a_stale_connection_is_retried_once) {
  make_client();
  outcome first;
  spawn("backend", get("/ok"), deadline_in(2000ms), first);
  ASSERT_TRUE(run_until([&] { return first.result.has_value(); }));
  // /close on the pooled connection fails before any response byte: one more try on a fresh
  // connection, which fails the same way, and the caller sees the reset.
  outcome second;
  spawn("backend", get("/close"), deadline_in(2000ms), second);
  ASSERT_TRUE(run_until([&] { return second.result.has_value(); }));
  ASSERT_FALSE(second.result->ok());
  EXPECT_EQ(second.result->error().code, call_errc::connection_reset);
  EXPECT_EQ(server.requests.load(), 3);
  EXPECT_EQ(server.accepted.load(), 2);

  // A POST is never sent twice.
  outcome third;
  spawn("backend", get("/ok"), deadline_in(2000ms), third);
  ASSERT_TRUE(run_until([&] { return third.result.has_value(); }));
  http::request post = get("/close");
  post.verb = http::method::post;
  outcome fourth;
  spawn("backend", std::move(post), deadline_in(2000ms), fourth);
  ASSERT_TRUE(run_until([&] { return fourth.result.has_value(); }));
  EXPECT_EQ(fourth.result->error().code, call_errc::connection_reset);
  EXPECT_EQ(server.requests.load(), 5);
}

TEST_F(http_client_test, oversized_responses_answer_an_error) {
  asio_http_client_options options;
  options.max_body_bytes = 1024;
  make_client(options);
  outcome small;
  spawn("backend", get("/big?bytes=1024"), deadline_in(2000ms), small);
  outcome big;
  spawn("backend", get("/big?bytes=4096"), deadline_in(2000ms), big);
  outcome headers;
  spawn("backend", get("/huge-headers"), deadline_in(2000ms), headers);
  ASSERT_TRUE(run_until([&] { return small.result && big.result && headers.result; }));
  ASSERT_TRUE(small.result->ok()) << small.result->error().message;
  EXPECT_EQ(small.result->value().body.size(), 1024u);
  ASSERT_FALSE(big.result->ok());
  EXPECT_EQ(big.result->error().code, call_errc::connection_reset);
  EXPECT_NE(big.result->error().message.find("body"), std::string::npos) << big.result->error().message;
  ASSERT_FALSE(headers.result->ok());
  EXPECT_EQ(headers.result->error().code, call_errc::connection_reset);
  EXPECT_NE(headers.result->error().message.find("headers"), std::string::npos)
      << headers.result->error().message;
}

TEST_F(http_client_test, destroying_the_waiting_frame_closes_the_connection_and_resumes_nobody) {
  asio_http_client_options options;
  options.max_connections_per_upstream = 1;
  options.max_idle_per_upstream = 1;
  make_client(options);
  outcome in_flight;
  outcome queued;
  spawn("backend", get("/slow?ms=300"), deadline_in(5000ms), in_flight);
  spawn("backend", get("/ok"), deadline_in(5000ms), queued);
  ASSERT_TRUE(run_until([&] { return server.requests.load() == 1; }));
  EXPECT_EQ(client->stats().waiting_calls, 1u);

  scope.cancel_all();
  auto s = client->stats();
  EXPECT_EQ(s.abandoned, 2u);
  EXPECT_EQ(s.open_connections, 0u);
  EXPECT_EQ(s.waiting_calls, 0u);
  // Pending handlers complete (aborted) and free the call states; the timers are cancelled.
  ASSERT_TRUE(run_until([&] { return client->stats().live_calls == 0; }));
  ASSERT_TRUE(run_until([&] { return server.sessions_ended.load() == 1; }));
  run_for(50ms);
  EXPECT_EQ(in_flight.resumed, 0);
  EXPECT_EQ(queued.resumed, 0);

  // The client carries on with a fresh connection. (The queued call may have been granted the
  // freed slot, and started a connect, before its own frame went: accepted is 2 or 3.)
  outcome next;
  spawn("backend", get("/ok"), deadline_in(2000ms), next);
  ASSERT_TRUE(run_until([&] { return next.result.has_value(); }));
  ASSERT_TRUE(next.result->ok()) << next.result->error().message;
  EXPECT_EQ(client->stats().connections_reused, 0u);
  EXPECT_EQ(client->stats().open_connections, 1u);
}

TEST_F(http_client_test, create_rejects_a_bad_url_naming_the_upstream) {
  asio_http_client::upstream_urls urls;
  urls.emplace("auth", "https://auth:8001");
  auto made = asio_http_client::create(io, urls);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().find("auth"), std::string::npos);
  EXPECT_NE(made.error().find("https://auth:8001"), std::string::npos);
}

// Throwaway timing of a pooled request on loopback (not part of the suite's verdict):
//   http_client_test --gtest_also_run_disabled_tests --gtest_filter='*pooled_request_cost*'
TEST_F(http_client_test, DISABLED_pooled_request_cost) {
  make_client();
  constexpr int warmup = 200;
  constexpr int count = 20000;
  std::vector<call_result> results;
  results.reserve(warmup + count);
  ASSERT_TRUE(scope.spawn(sequential_calls(*client, warmup, &results)));
  ASSERT_TRUE(run_until([&] { return results.size() == warmup; }));
  const auto started = steady::now();
  const double cpu_started_us = thread_cpu_us();
  ASSERT_TRUE(scope.spawn(sequential_calls(*client, count, &results)));
  ASSERT_TRUE(run_until([&] { return results.size() == warmup + count; }, 120000ms));
  const double cpu_us = thread_cpu_us() - cpu_started_us;
  const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started).count();
  EXPECT_EQ(server.accepted.load(), 1);
  std::printf("pooled GET on loopback: %d sequential requests, %.1f us wall each (round trip incl. server), "
              "%.1f us client-thread CPU each\n",
              count, static_cast<double>(elapsed_us) / count, cpu_us / count);
}

}  // namespace
}  // namespace qm::rt
