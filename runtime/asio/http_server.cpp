#include "runtime/asio/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <utility>

#include "core/base/assert.hpp"
#include "runtime/asio/asio_clock.hpp"
#include "runtime/asio/http_connection.hpp"
#include "runtime/asio/server_state.hpp"

namespace qm::rt::asio {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After descriptor exhaustion (EMFILE and the like) accepting again at once would spin.
constexpr auto accept_retry_delay = std::chrono::milliseconds(50);
// At most one accept-failure log line per this interval: failures can come in storms.
constexpr auto accept_log_interval = std::chrono::seconds(1);

bool is_resource_exhaustion(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec.value() == ENFILE;
}

// The answer to a connection beyond the limit: written once, without reading the request.
std::string refusal_bytes(std::string_view request_id) {
  const http::response r = http::error_response(503, "overloaded", "too many connections", request_id);
  std::string out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n";
  out += "Connection: close\r\nContent-Length: ";
  out += std::to_string(r.body.size());
  out += "\r\n\r\n";
  out += r.body;
  return out;
}

}  // namespace

struct http_server::impl {
  impl(event_loop& loop, http::router& routes, server_options options, metrics::registry& metrics,
       rt::logger& log)
      : state(std::make_shared<detail::server_state>(loop, routes, std::move(options), metrics, log)),
        acceptor(loop.context()),
        retry_timer(loop.context()),
        grace_timer(loop.context()),
        sweep_timer(loop.context()) {}

  std::shared_ptr<detail::server_state> state;
  detail::server_acceptor acceptor;
  net::steady_timer retry_timer;
  net::steady_timer grace_timer;
  net::steady_timer sweep_timer;
  std::function<void()> on_done;
  bool started = false;
  std::chrono::steady_clock::time_point last_accept_log{};

  // Waits for the next connection. Handlers hold the state so they can tell whether the
  // server (and this impl) still exists when they run.
  void do_accept() {
    acceptor.async_accept([this, s = state](boost::system::error_code ec, detail::server_socket socket) {
      if (!s->alive) {
        return;
      }
      on_accept(ec, std::move(socket));
    });
  }

  // Serves, refuses or (after an error) retries.
  void on_accept(boost::system::error_code ec, detail::server_socket socket) {
    if (ec == net::error::operation_aborted || state->shutting_down) {
      return;
    }
    if (ec) {
      state->counters.accept_errors.inc();
      log_accept_error(ec);
      if (is_resource_exhaustion(ec)) {
        retry_timer.expires_after(accept_retry_delay);
        retry_timer.async_wait([this, s = state](boost::system::error_code wait_ec) {
          if (!wait_ec && s->alive && !s->shutting_down) {
            do_accept();
          }
        });
        return;
      }
      do_accept();
      return;
    }
    if (state->connections.size() >= state->options.max_connections) {
      refuse(std::move(socket));
    } else {
      state->counters.accepted.inc();
      detail::start_connection(state, std::move(socket));
    }
    do_accept();
  }

  // Answers 503 with whatever fits in the socket buffer now, and closes.
  void refuse(detail::server_socket socket) {
    state->counters.refused.inc();
    const std::string answer = refusal_bytes(state->request_id_for({}));
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(answer), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // Logs accept failures, at most once per interval.
  void log_accept_error(const boost::system::error_code& ec) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_log < accept_log_interval) {
      return;
    }
    last_accept_log = now;
    state->log.warn("accept failed", {{"error", ec.message()}});
  }

  // Every interval, answers for handlers past their deadline (one timer for the server, not
  // one per request: the hot path arms nothing).
  void do_sweep() {
    sweep_timer.expires_after(detail::deadline_sweep_interval);
    sweep_timer.async_wait([this, s = state](boost::system::error_code ec) {
      if (ec || !s->alive) {
        return;
      }
      const auto now = asio_clock::wall_now();
      const auto steady_now = std::chrono::steady_clock::now();
      auto connections = s->connections;
      for (auto* c : connections) {
        c->check_deadline(now);
        c->check_io_timeout(steady_now);
      }
      do_sweep();
    });
  }

  // Grace is over: close everything, drop handlers still running, report done.
  void force_all() {
    auto connections = state->connections;
    for (auto* c : connections) {
      c->force_close();
    }
    state->handlers.cancel_all();
    finish();
  }

  // Shutdown complete: runs on_done once.
  void finish() {
    grace_timer.cancel();
    sweep_timer.cancel();
    state->on_drained = {};
    if (auto done = std::exchange(on_done, {})) {
      done();
    }
  }
};

http_server::http_server(event_loop& loop, http::router& routes, server_options options,
                         metrics::registry& metrics, rt::logger& log)
    : impl_(std::make_unique<impl>(loop, routes, std::move(options), metrics, log)) {
  QM_ASSERT(impl_->state->options.max_connections > 0);
  QM_ASSERT(impl_->state->options.max_header_bytes > 0);
}

http_server::~http_server() {
  auto& s = *impl_->state;
  s.shutting_down = true;
  s.on_drained = {};
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->retry_timer.cancel();
  impl_->grace_timer.cancel();
  impl_->sweep_timer.cancel();
  auto connections = s.connections;
  for (auto* c : connections) {
    c->force_close();
  }
  s.handlers.cancel_all();
  s.alive = false;
  s.connections.clear();
}

result<bound_endpoint, std::string> http_server::start() {
  QM_ASSERT_MSG(!impl_->started, "http_server::start is called once");
  impl_->started = true;
  const auto& options = impl_->state->options;
  boost::system::error_code ec;
  const std::string host = options.host == "localhost" ? std::string("127.0.0.1") : options.host;
  const auto address = net::ip::make_address(host, ec);
  if (ec) {
    return make_unexpected("invalid listen address '" + options.host + "': " + ec.message());
  }
  const tcp::endpoint endpoint(address, options.port);
  auto& acceptor = impl_->acceptor;
  const auto where = options.host + ":" + std::to_string(options.port);
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return make_unexpected("cannot open a socket for " + where + ": " + ec.message());
  }
  if (acceptor.set_option(detail::server_acceptor::reuse_address(true), ec); ec) {
    return make_unexpected("cannot set SO_REUSEADDR for " + where + ": " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return make_unexpected("cannot bind " + where + ": " + ec.message());
  }
  if (acceptor.listen(detail::server_acceptor::max_listen_connections, ec); ec) {
    return make_unexpected("cannot listen on " + where + ": " + ec.message());
  }
  const auto local = acceptor.local_endpoint(ec);
  if (ec) {
    return make_unexpected("cannot read the bound address of " + where + ": " + ec.message());
  }
  impl_->do_accept();
  impl_->do_sweep();
  bound_endpoint bound{local.address().to_string(), local.port()};
  impl_->state->log.debug("http server listening",
                         {{"address", bound.address}, {"port", std::to_string(bound.port)}});
  return bound;
}

void http_server::shutdown(duration grace, std::function<void()> on_done) {
  auto& s = *impl_->state;
  if (s.shutting_down) {
    return;
  }
  s.shutting_down = true;
  impl_->on_done = std::move(on_done);
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->retry_timer.cancel();
  s.log.info("http server shutting down",
             {{"open_connections", std::to_string(s.connections.size())}});
  if (s.connections.empty()) {
    impl_->state->loop.post([this, st = impl_->state] {
      if (st->alive) {
        impl_->finish();
      }
    });
    return;
  }
  s.on_drained = [this, st = impl_->state] {
    if (st->alive) {
      impl_->finish();
    }
  };
  auto connections = s.connections;
  for (auto* c : connections) {
    c->begin_shutdown();
  }
  impl_->grace_timer.expires_after(grace);
  impl_->grace_timer.async_wait([this, st = impl_->state](boost::system::error_code ec) {
    if (ec || !st->alive) {
      return;
    }
    impl_->force_all();
  });
}

void http_server::shutdown(std::function<void()> on_done) {
  shutdown(impl_->state->options.shutdown_grace, std::move(on_done));
}

bool http_server::shutting_down() const { return impl_->state->shutting_down; }

std::size_t http_server::open_connections() const { return impl_->state->connections.size(); }

}  // namespace qm::rt::asio
