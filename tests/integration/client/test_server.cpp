#include "test_server.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace qm::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

int query_int(std::string_view target, std::string_view key) {
  const std::size_t at = target.find(key);
  if (at == std::string_view::npos) {
    return 0;
  }
  return std::stoi(std::string(target.substr(at + key.size())));
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

struct test_server::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

namespace {

asio::awaitable<void> session(tcp::socket socket, test_server& counters) {
  const int active = ++counters.active_sessions;
  int seen_max = counters.max_active_sessions.load();
  while (active > seen_max && !counters.max_active_sessions.compare_exchange_weak(seen_max, active)) {
  }
  boost::beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    auto [read_ec, read_n] = co_await bhttp::async_read(socket, buffer, req, use_tuple);
    if (read_ec) {
      break;
    }
    ++counters.requests;
    const std::string target(req.target());
    const std::string_view path = path_of(target);
    if (path == "/close") {
      break;
    }
    if (path == "/close-mid") {
      const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
      co_await asio::async_write(socket, asio::buffer(partial), use_tuple);
      break;
    }
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.keep_alive(req.keep_alive());
    if (path == "/ok") {
      res.body() = "ok:" + std::string(req.method_string()) + ":" + req.body();
      res.set("X-Seen-Host", req[bhttp::field::host]);
      res.set("X-Seen-Content-Length", req[bhttp::field::content_length]);
      res.set("X-Seen-Connection", req[bhttp::field::connection]);
      res.set("X-Seen-Custom", req["X-Custom"]);
    } else if (path == "/slow") {
      asio::steady_timer timer(socket.get_executor(), std::chrono::milliseconds(query_int(target, "ms=")));
      co_await timer.async_wait(use_tuple);
      res.body() = "slow";
      ++counters.late_writes;
    } else if (path == "/no-keepalive") {
      res.keep_alive(false);
      res.body() = "bye";
    } else if (path == "/drop-idle") {
      res.body() = "dropping";
    } else if (path == "/big") {
      res.body() = std::string(static_cast<std::size_t>(query_int(target, "bytes=")), 'b');
    } else if (path == "/huge-headers") {
      // A field value is at most 64 KiB in Beast: ten fields of 7 KiB make 70 KiB.
      for (int i = 0; i < 10; ++i) {
        res.insert("X-Huge-" + std::to_string(i), std::string(7 * 1024, 'h'));
      }
    } else {
      res.result(bhttp::status::not_found);
    }
    res.prepare_payload();
    auto [write_ec, write_n] = co_await bhttp::async_write(socket, res, use_tuple);
    if (write_ec || !res.keep_alive()) {
      break;
    }
    if (path == "/drop-idle") {
      asio::steady_timer timer(socket.get_executor(), std::chrono::milliseconds(50));
      co_await timer.async_wait(use_tuple);
      break;
    }
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  --counters.active_sessions;
  ++counters.sessions_ended;
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, test_server& counters) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      co_return;
    }
    ++counters.accepted;
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), counters), asio::detached);
  }
}

}  // namespace

test_server::test_server() : impl_(std::make_unique<impl>()) {
  const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(local.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(local);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, accept_loop(impl_->acceptor, *this), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

test_server::~test_server() {
  impl_->io.stop();
  thread_.join();
}

}  // namespace qm::test
