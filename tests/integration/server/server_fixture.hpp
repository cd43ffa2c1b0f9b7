#pragma once
// A running http_server on 127.0.0.1 (ephemeral port), its loop on a thread of the test, with
// a router holding the test handlers:
//   GET  /hello        -> 200 "hello"
//   POST /echo         -> 200, the request body
//   GET  /items/{id}   -> 200, the id
//   GET  /slow?ms=N    -> sleeps N ms on the runtime clock, then 200 "slow"
//   GET  /deadline     -> 200, the handler's deadline in unix microseconds
//   GET  /odd          -> 200 "odd" with a framing header and a header value with CRLF
//   GET  /throw        -> the handler throws (the server answers 500)

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/asio/asio_clock.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/asio/http_server.hpp"
#include "runtime/asio/stderr_logger.hpp"
#include "tests/integration/server/test_client.hpp"

namespace qm::test {

class server_fixture {
 public:
  explicit server_fixture(rt::asio::server_options options) {
    options.host = "127.0.0.1";
    options.port = 0;
    add_routes();
    server_ = std::make_unique<rt::asio::http_server>(loop_, routes_, options, metrics_, log_);
    auto bound = server_->start();
    if (!bound) {
      ADD_FAILURE() << bound.error();
      return;
    }
    port_ = bound->port;
    thread_ = std::thread([this] {
      loop_.run();
      loop_returned_.set_value();
    });
  }

  ~server_fixture() {
    if (thread_.joinable()) {
      stop();
    }
    server_.reset();
  }

  server_fixture(const server_fixture&) = delete;
  server_fixture& operator=(const server_fixture&) = delete;

  std::uint16_t port() const { return port_; }

  // Runs fn on the loop thread and returns its result (the test fails after 5 s).
  template <typename F>
  auto on_loop(F fn) -> decltype(fn()) {
    using value_type = decltype(fn());
    auto promise = std::make_shared<std::promise<value_type>>();
    auto future = promise->get_future();
    loop_.post([promise, fn] { promise->set_value(fn()); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "the event loop did not answer within 5 s";
      return value_type{};
    }
    return future.get();
  }

  double counter(const std::string& name, const metrics::labels& l = {}) {
    return on_loop([this, name, l] { return metrics_.get_counter(name, "", l).value(); });
  }
  double gauge(const std::string& name) {
    return on_loop([this, name] { return metrics_.get_gauge(name, "").value(); });
  }
  std::size_t series_count() {
    return on_loop([this] { return metrics_.series_count(); });
  }
  std::string exposition() {
    return on_loop([this] { return metrics_.expose_text(); });
  }

  // Asks for a graceful shutdown (on the loop thread); run() returning is awaited separately.
  void begin_shutdown(duration grace) {
    loop_.post([this, grace] { server_->shutdown(grace, [this] { loop_.stop(); }); });
  }
  // True when the loop thread has left run() within timeout.
  bool wait_loop_returned(std::chrono::milliseconds timeout) {
    return loop_returned_future_.wait_for(timeout) == std::future_status::ready;
  }
  bool shutting_down() {
    return on_loop([this] { return server_->shutting_down(); });
  }

  // Graceful shutdown and join, bounded: a stuck shutdown fails the test, then forces a stop.
  void stop() {
    begin_shutdown(ms(500));
    if (!wait_loop_returned(std::chrono::seconds(5))) {
      ADD_FAILURE() << "run() did not return after shutdown";
      loop_.stop();
    }
    thread_.join();
  }

  std::atomic<int> slow_started{0};

  std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex_);
    return lines_;
  }

 private:
  void add_routes() {
    routes_.add(http::method::get, "/hello", [](http::request_context) -> task<http::response> {
      http::response r;
      r.body = "hello";
      co_return r;
    });
    routes_.add(http::method::post, "/echo", [](http::request_context ctx) -> task<http::response> {
      http::response r;
      r.body = std::move(ctx.request.body);
      co_return r;
    });
    routes_.add(http::method::get, "/items/{id}", [](http::request_context ctx) -> task<http::response> {
      http::response r;
      r.body = std::string(ctx.param("id"));
      co_return r;
    });
    routes_.add(http::method::get, "/slow", [this](http::request_context ctx) -> task<http::response> {
      const auto wait = http::query_param(ctx.request.query(), "ms").value_or("200");
      ++slow_started;
      co_await clock_.sleep(ms(std::stoll(wait)));
      http::response r;
      r.body = "slow";
      co_return r;
    });
    routes_.add(http::method::get, "/deadline", [](http::request_context ctx) -> task<http::response> {
      http::response r;
      r.body = std::to_string(to_unix_us(ctx.deadline));
      co_return r;
    });
    routes_.add(http::method::get, "/odd", [](http::request_context) -> task<http::response> {
      http::response r;
      r.headers.add("Content-Length", "999");
      r.headers.add("X-Evil", "a\r\nInjected: yes");
      r.headers.add("X-Fine", "ok");
      r.body = "odd";
      co_return r;
    });
    routes_.add(http::method::get, "/throw", [](http::request_context) -> task<http::response> {
      throw std::runtime_error("boom in handler");
      co_return http::response{};
    });
  }

  rt::asio::event_loop loop_;
  metrics::registry metrics_;
  std::mutex log_mutex_;
  std::vector<std::string> lines_;
  rt::asio::stderr_logger log_{"test", rt::log_level::info, [this](std::string_view line) {
                                 std::lock_guard lock(log_mutex_);
                                 lines_.emplace_back(line);
                               }};
  rt::asio::asio_clock clock_{loop_};
  http::router routes_;
  std::unique_ptr<rt::asio::http_server> server_;
  std::uint16_t port_ = 0;
  std::promise<void> loop_returned_;
  std::future<void> loop_returned_future_ = loop_returned_.get_future();
  std::thread thread_;
};

inline rt::asio::server_options test_options() {
  rt::asio::server_options o;
  o.header_timeout = seconds(5);
  o.shutdown_grace = seconds(2);
  return o;
}

}  // namespace qm::test
