// The HTTP server at its limits over real loopback sockets: oversized headers and bodies,
// garbage, a slowloris client, a flood of connections. Each answer is checked, and the server
// must go on serving a well-behaved client.

#include <sys/resource.h>

#include <boost/json/parse.hpp>

#include "tests/integration/server/server_fixture.hpp"

namespace qm::test {
namespace {

using namespace std::chrono_literals;

std::string error_code_of(const raw_response& r) {
  const auto doc = boost::json::parse(r.body);
  return std::string(doc.at("error").at("code").as_string());
}

void expect_still_serving(std::uint16_t port) {
  auto c = test_client::connect(port);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send(get_request("/hello")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(http_server_limits, headers_over_8_kib_are_431_then_closed) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  const std::string big(9 * 1024, 'a');
  ASSERT_TRUE(c->send(get_request("/hello", "X-Big: " + big + "\r\n")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(error_code_of(*r), "header_too_large");
  EXPECT_TRUE(r->connection_close);
  EXPECT_TRUE(c->wait_closed(3s));
  EXPECT_EQ(f.counter("http_server_limit_hits_total", {{"limit", "header_size"}}), 1);
  expect_still_serving(f.port());
}

TEST(http_server_limits, headers_just_under_the_limit_are_served) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  const std::string value(7 * 1024, 'a');
  ASSERT_TRUE(c->send(get_request("/hello", "X-Big: " + value + "\r\n")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(http_server_limits, declared_body_over_the_limit_is_413) {
  auto options = test_options();
  options.max_body_bytes = 1024 * 1024;
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n"));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(error_code_of(*r), "body_too_large");
  EXPECT_TRUE(c->wait_closed(3s));
  expect_still_serving(f.port());
}

TEST(http_server_limits, chunked_body_over_the_limit_is_413) {
  auto options = test_options();
  options.max_body_bytes = 1024 * 1024;
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // 18 chunks of 64 KiB (1.125 MiB), each within the limit on its own.
  const std::string chunk = "10000\r\n" + std::string(64 * 1024, 'x') + "\r\n";
  for (int i = 0; i < 18; ++i) {
    if (!c->send(chunk)) {
      break;  // the server may close its side once it has answered
    }
  }
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(f.counter("http_server_limit_hits_total", {{"limit", "body_size"}}), 1);
  expect_still_serving(f.port());
}

TEST(http_server_limits, garbage_is_400_then_closed) {
  server_fixture f(test_options());
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("\x01\x02 this is not http\r\n\r\n"));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_code_of(*r), "bad_request");
  EXPECT_TRUE(c->wait_closed(3s));

  auto bad_length = test_client::connect(f.port());
  ASSERT_TRUE(bad_length);
  ASSERT_TRUE(bad_length->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: banana\r\n\r\n"));
  auto r2 = bad_length->read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 400);
  expect_still_serving(f.port());
}

TEST(http_server_limits, truncated_request_is_dropped_without_harm) {
  server_fixture f(test_options());
  {
    auto c = test_client::connect(f.port());
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly a part"));
  }  // closed mid-body
  expect_still_serving(f.port());
}

TEST(http_server_limits, slowloris_is_closed_after_the_header_timeout) {
  auto options = test_options();
  options.header_timeout = ms(300);
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("GET /hello HTTP/1.1\r\nHost: t\r\n"));
  // One header byte every 50 ms never completes the header; the server must give up.
  bool closed = false;
  for (int i = 0; i < 60 && !closed; ++i) {
    if (!c->send("X")) {
      closed = true;
      break;
    }
    closed = c->wait_closed(50ms);
  }
  EXPECT_TRUE(closed) << "the slow client was still connected after 3 s";
  EXPECT_EQ(f.counter("http_server_limit_hits_total", {{"limit", "header_timeout"}}), 1);
  expect_still_serving(f.port());
}

TEST(http_server_limits, slow_body_is_closed_after_the_body_timeout) {
  auto options = test_options();
  options.body_timeout = ms(300);
  server_fixture f(options);
  auto c = test_client::connect(f.port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"));
  bool closed = false;
  for (int i = 0; i < 60 && !closed; ++i) {
    if (!c->send("x")) {
      closed = true;
      break;
    }
    closed = c->wait_closed(50ms);
  }
  EXPECT_TRUE(closed) << "the slow body was still being read after 3 s";
  EXPECT_EQ(f.counter("http_server_limit_hits_total", {{"limit", "body_timeout"}}), 1);
}

TEST(http_server_limits, a_thousand_connections_are_bounded_and_others_still_served) {
  auto options = test_options();
  options.max_connections = 200;
  options.header_timeout = seconds(20);  // the flood holds its connections while we look
  // Both ends of up to 1,000 connections live in this process.
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  if (files.rlim_cur < 2500 && files.rlim_max >= 2500) {
    files.rlim_cur = 2500;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &files), 0);
  }
  server_fixture f(options);

  auto regular = test_client::connect(f.port());
  ASSERT_TRUE(regular);
  int served = 0;
  std::vector<test_client> flood;
  flood.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    auto c = test_client::connect(f.port());
    if (c) {
      flood.push_back(std::move(*c));
    }
    if (i % 100 == 0) {
      ASSERT_TRUE(regular->send(get_request("/items/" + std::to_string(i))));
      auto r = regular->read_response();
      ASSERT_TRUE(r) << "the regular client was not served during the flood";
      EXPECT_EQ(r->body, std::to_string(i));
      ++served;
    }
  }
  EXPECT_EQ(served, 10);

  // Every flood connection is either held (up to the limit) or refused.
  double accepted = 0;
  double refused = 0;
  for (int i = 0; i < 500; ++i) {
    accepted = f.counter("http_server_connections_accepted_total");
    refused = f.counter("http_server_connections_refused_total");
    if (accepted + refused >= 1001) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(accepted + refused, 1001);
  EXPECT_LE(accepted, 200);
  EXPECT_GE(refused, 801);
  EXPECT_LE(f.gauge("http_server_connections_open"), 200);

  // A refused connection gets a 503 in the error shape or, at worst, a close: never a hang.
  auto refused_answer = flood.back().read_response(3s);
  if (refused_answer) {
    EXPECT_EQ(refused_answer->status, 503);
    EXPECT_EQ(error_code_of(*refused_answer), "overloaded");
  }

  ASSERT_TRUE(regular->send(get_request("/hello")));
  auto r = regular->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  // Once the flood goes away, new clients are served again.
  flood.clear();
  bool served_again = false;
  for (int i = 0; i < 100 && !served_again; ++i) {
    auto c = test_client::connect(f.port());
    if (c && c->send(get_request("/hello"))) {
      auto answer = c->read_response(1s);
      served_again = answer && answer->status == 200;
    }
    if (!served_again) {
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_TRUE(served_again);
}

}  // namespace
}  // namespace qm::test
