// The HTTP server's normal behaviour over real loopback sockets: keep-alive, pipelining,
// routing answers, handler failures, graceful shutdown.

#include <boost/json/parse.hpp>

#include "tests/integration/server/server_fixture.hpp"

namespace qm::test {
namespace {

using namespace std::chrono_literals;

std::string error_code_of(const raw_response& r) {
  const auto doc = boost::json::parse(r.body);
  return std::string(doc.at("error").at("code").as_string());
}

std::string request_id_of(const raw_response& r) {
  const auto doc = boost::json::parse(r.body);
  return std::string(doc.at("error").at("request_id").as_string());
}

TEST(http_server, keep_alive_serves_two_requests_on_one_connection) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/hello")));
  auto first = c->read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "hello");
  EXPECT_FALSE(first->connection_close);
  ASSERT_TRUE(c->send(get_request("/items/42")));
  auto second = c->read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "42");
  EXPECT_EQ(f.counter("http_server_connections_accepted_total"), 1);
}

TEST(http_server, post_body_reaches_the_handler) {
  server_fixture f(test_options());
  auto r =
      exchange(f.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
}

TEST(http_server, chunked_body_within_the_limit_is_accepted) {
  server_fixture f(test_options());
  auto r = exchange(f.port(),
                    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
}

TEST(http_server, expect_100_continue_is_honoured) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c->read_response();
  ASSERT_TRUE(interim) << "no 100 Continue: a client that waits for it would stall";
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c->send("ping"));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ping");
}

TEST(http_server, pipelined_requests_are_answered_in_order) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  // The slow one first: a server answering out of order would answer /items/2 before it.
  ASSERT_TRUE(c->send(get_request("/slow?ms=150") + get_request("/items/1") + get_request("/items/2")));
  auto a = c->read_response();
  auto b = c->read_response();
  auto d = c->read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "slow");
  EXPECT_EQ(b->body, "1");
  EXPECT_EQ(d->body, "2");
}

TEST(http_server, unknown_path_is_404_and_wrong_method_is_405_in_the_error_shape) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/nowhere", "X-Request-ID: req-404\r\n")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code_of(*r), "not_found");
  EXPECT_EQ(request_id_of(*r), "req-404");
  EXPECT_EQ(r->header("content-type").value_or(""), "application/json");
  ASSERT_TRUE(c->send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto m = c->read_response();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(error_code_of(*m), "method_not_allowed");
  EXPECT_FALSE(m->connection_close);
}

TEST(http_server, unsupported_method_is_501) {
  server_fixture f(test_options());
  auto r = exchange(f.port(), "PROPFIND /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  EXPECT_EQ(error_code_of(*r), "not_implemented");
}

TEST(http_server, handler_exception_is_a_logged_500_in_the_error_shape) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/throw", "X-Request-ID: abc-123\r\n")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(error_code_of(*r), "internal");
  EXPECT_EQ(request_id_of(*r), "abc-123");
  EXPECT_EQ(r->body.find("boom"), std::string::npos) << "internals leak into the answer";

  // A malformed client id is replaced by a generated one; the connection still serves.
  ASSERT_TRUE(c->send(get_request("/throw", "X-Request-ID: bad id with spaces!\r\n")));
  auto again = c->read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 500);
  const auto generated = request_id_of(*again);
  EXPECT_FALSE(generated.empty());
  EXPECT_EQ(generated.find(' '), std::string::npos);

  EXPECT_EQ(f.counter("http_server_handler_exceptions_total"), 2);
  bool logged = false;
  for (const auto& line : f.log_lines()) {
    logged = logged || (line.find("handler threw") != std::string::npos &&
                        line.find("boom in handler") != std::string::npos);
  }
  EXPECT_TRUE(logged);
}

TEST(http_server, handler_headers_cannot_break_framing_or_inject_fields) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/odd") + get_request("/hello")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "odd");
  EXPECT_EQ(r->header("content-length").value_or(""), "3");
  EXPECT_EQ(r->header("x-fine").value_or(""), "ok");
  EXPECT_FALSE(r->header("injected").has_value());
  auto next = c->read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST(http_server, handlers_get_a_deadline_of_now_plus_the_request_timeout) {
  auto options = test_options();
  options.request_timeout = seconds(7);
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  const auto before = to_unix_us(rt::asio::asio_clock::wall_now());
  ASSERT_TRUE(c->send(get_request("/deadline")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  const auto after = to_unix_us(rt::asio::asio_clock::wall_now());
  const auto deadline = std::stoll(r->body);
  EXPECT_GE(deadline, before + 7'000'000);
  EXPECT_LE(deadline, after + 7'000'000);
}

TEST(http_server, a_handler_past_its_deadline_gets_a_503_from_the_server) {
  auto options = test_options();
  options.request_timeout = ms(200);
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/slow?ms=60000", "X-Request-ID: late-1\r\n")));
  auto r = c->read_response(5s);
  ASSERT_TRUE(r) << "no answer for a handler that never finishes";
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(error_code_of(*r), "deadline_exceeded");
  EXPECT_EQ(request_id_of(*r), "late-1");
  EXPECT_TRUE(r->connection_close);
  EXPECT_TRUE(c->wait_closed(2s));
  EXPECT_EQ(f.counter("http_server_limit_hits_total", {{"limit", "deadline"}}), 1);
}

TEST(http_server, graceful_shutdown_finishes_in_flight_refuses_new_and_returns) {
  server_fixture f(test_options());
  auto idle = test_client::connect(f.port());
  ASSERT_TRUE(idle);
  ASSERT_TRUE(idle->send(get_request("/hello")));
  ASSERT_TRUE(idle->read_response());

  auto busy = test_client::connect(f.port());
  ASSERT_TRUE(busy);
  ASSERT_TRUE(busy->send(get_request("/slow?ms=400")));
  for (int i = 0; i < 500 && f.slow_started.load() == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(f.slow_started.load(), 1);

  f.begin_shutdown(seconds(5));
  for (int i = 0; i < 500 && !f.shutting_down(); ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_FALSE(test_client::connect(f.port())) << "a new connection was accepted during shutdown";
  EXPECT_TRUE(idle->wait_closed(2s)) << "the idle keep-alive connection was not closed";

  auto r = busy->read_response(5s);
  ASSERT_TRUE(r) << "the request in flight was not answered";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow");
  EXPECT_TRUE(r->connection_close);
  EXPECT_TRUE(f.wait_loop_returned(5s)) << "run() did not return after the drain";
  f.stop();
}

TEST(http_server, a_request_half_received_at_shutdown_is_still_answered) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("GET /hello HTTP/1.1\r\nHost: t\r\n"));
  // Let the server read the first half before shutting down.
  for (int i = 0; i < 200 && f.gauge("http_server_connections_open") < 1; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(50ms);
  f.begin_shutdown(seconds(5));
  for (int i = 0; i < 500 && !f.shutting_down(); ++i) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(c->send("\r\n"));
  auto r = c->read_response(5s);
  ASSERT_TRUE(r) << "the half-received request was dropped by the shutdown";
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->connection_close);
  EXPECT_TRUE(f.wait_loop_returned(5s));
  f.stop();
}

TEST(http_server, shutdown_grace_bounds_a_stuck_handler) {
  server_fixture f(test_options());
  auto busy = test_client::connect(f.port());
  ASSERT_TRUE(busy);
  ASSERT_TRUE(busy->send(get_request("/slow?ms=60000")));
  for (int i = 0; i < 500 && f.slow_started.load() == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(f.slow_started.load(), 1);
  f.begin_shutdown(ms(200));
  EXPECT_TRUE(f.wait_loop_returned(5s)) << "run() did not return after the grace period";
  EXPECT_TRUE(busy->wait_closed(2s));
  f.stop();
}

}  // namespace
}  // namespace qm::test
