#include "runtime/asio/client/http_call.hpp"

#include <optional>
#include <string>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/base/assert.hpp"
#include "runtime/asio/client/upstream.hpp"

namespace qm::rt::client_detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::optional<bhttp::verb> to_verb(http::method m) {
  switch (m) {
    case http::method::get: return bhttp::verb::get;
    case http::method::head: return bhttp::verb::head;
    case http::method::post: return bhttp::verb::post;
    case http::method::put: return bhttp::verb::put;
    case http::method::patch: return bhttp::verb::patch;
    case http::method::del: return bhttp::verb::delete_;
    case http::method::options: return bhttp::verb::options;
    case http::method::unknown: return std::nullopt;
  }
  return std::nullopt;
}

bhttp::request<bhttp::string_body> to_wire(const upstream& up, http::request req) {
  bhttp::request<bhttp::string_body> msg;
  msg.version(11);
  msg.method(to_verb(req.verb).value_or(bhttp::verb::get));
  std::string target = up.url.path_prefix;
  target += req.target.empty() ? std::string_view("/") : std::string_view(req.target);
  msg.target(target);
  for (const auto& [name, value] : req.headers.fields()) {
    msg.insert(name, value);
  }
  if (msg.find(bhttp::field::host) == msg.end()) {
    msg.set(bhttp::field::host, up.url.host_header);
  }
  // The body length is ours to state; a caller's framing header could contradict it.
  msg.erase(bhttp::field::content_length);
  msg.erase(bhttp::field::transfer_encoding);
  msg.body() = std::move(req.body);
  msg.prepare_payload();
  return msg;
}

std::string describe(std::string_view what, const upstream& up, const error_code& ec) {
  std::string out(what);
  out += " (upstream ";
  out += up.name;
  out += "): ";
  out += ec.message();
  return out;
}

}  // namespace

struct http_call::impl {
  impl(asio::io_context& io_ref, std::shared_ptr<upstream> up_ref, http::request req,
       steady_clock::time_point deadline_at)
      : io(io_ref),
        up(std::move(up_ref)),
        method(req.verb),
        wire(to_wire(*up, std::move(req))),
        deadline(deadline_at),
        timer(io_ref) {}

  asio::io_context& io;
  std::shared_ptr<upstream> up;
  http::method method;
  bhttp::request<bhttp::string_body> wire;
  steady_clock::time_point deadline;
  asio::steady_timer timer;
  std::optional<tcp::resolver> resolver;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  std::shared_ptr<const endpoint_list> endpoints;  // kept alive while a connect runs
  std::unique_ptr<pooled_connection> conn;
  std::unique_ptr<pooled_connection> retired;  // a closed connection a handler may still touch
  bool holds_slot = false;  // conn (or the slot it is being opened in) counts against the pool
  bool reused = false;      // conn came from the idle list
  bool retried = false;     // one retry on a fresh connection, see on_io_error
  std::uint64_t ticket = 0;
};

http_call::http_call(asio::io_context& io, std::shared_ptr<upstream> up, http::request req,
                     steady_clock::time_point deadline)
    : impl_(std::make_unique<impl>(io, std::move(up), std::move(req), deadline)) {
  ++impl_->up->counters.live_calls;
}

http_call::~http_call() {
  QM_ASSERT(!impl_->holds_slot);
  --impl_->up->counters.live_calls;
}

void http_call::start() {
  upstream& up = *impl_->up;
  ++up.counters.calls;
  if (!to_verb(impl_->method)) {
    fail(call_errc::connection_reset, "cannot send an unknown method to " + up.name);
    return;
  }
  if (impl_->deadline <= steady_clock::now()) {
    ++up.counters.timeouts;
    finish(make_unexpected(call_error{call_errc::timeout, "deadline already past calling " + up.name}), false);
    return;
  }
  impl_->timer.expires_at(impl_->deadline);
  impl_->timer.async_wait([self = shared_from_this()](error_code ec) {
    if (ec != asio::error::operation_aborted) {
      self->on_deadline();
    }
  });
  acquire_slot();
}

void http_call::abandon() {
  if (settled_) {
    return;
  }
  ++impl_->up->counters.abandoned;
  settle(false);
}

// The pool hands over an idle connection, or a slot to open a new one (conn null).
void http_call::on_grant(std::unique_ptr<pooled_connection> conn) {
  impl_->ticket = 0;
  impl_->holds_slot = true;
  if (settled_) {
    // Granted from a queue we have already left: cannot happen, the ticket is cancelled first.
    QM_ASSERT_MSG(false, "a settled call was granted a connection");
  }
  if (conn) {
    impl_->conn = std::move(conn);
    impl_->reused = true;
    do_write();
    return;
  }
  impl_->conn = std::make_unique<pooled_connection>(impl_->io);
  impl_->reused = false;
  if (impl_->up->endpoints) {
    do_connect();
  } else {
    do_resolve();
  }
}

void http_call::on_deadline() {
  if (settled_) {
    return;
  }
  upstream& up = *impl_->up;
  ++up.counters.timeouts;
  finish(make_unexpected(call_error{call_errc::timeout, "deadline exceeded calling " + up.name}), false);
}

// Names are resolved once per upstream; concurrent first calls may each resolve, the first
// answer is kept.
void http_call::do_resolve() {
  impl_->resolver.emplace(impl_->io);
  const base_url& url = impl_->up->url;
  impl_->resolver->async_resolve(
      url.host, std::to_string(url.port), [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
        if (self->settled_) {
          return;
        }
        upstream& up = *self->impl_->up;
        if (ec || results.empty()) {
          self->fail(call_errc::connect_failed, describe("cannot resolve " + up.url.host, up, ec));
          return;
        }
        if (!up.endpoints) {
          endpoint_list list;
          for (const auto& entry : results) {
            list.push_back(entry.endpoint());
          }
          up.endpoints = std::make_shared<const endpoint_list>(std::move(list));
        }
        self->do_connect();
      });
}

void http_call::do_connect() {
  impl_->endpoints = impl_->up->endpoints;
  asio::async_connect(impl_->conn->socket, *impl_->endpoints,
                      [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                        if (self->settled_) {
                          return;
                        }
                        if (ec) {
                          upstream& up = *self->impl_->up;
                          if (!up.numeric_host) {
                            up.endpoints.reset();
                          }
                          self->fail(call_errc::connect_failed, describe("connect failed", up, ec));
                          return;
                        }
                        error_code ignored;
                        self->impl_->conn->socket.set_option(tcp::no_delay(true), ignored);
                        self->do_write();
                      });
}

void http_call::do_write() {
  impl_->parser.emplace();
  impl_->parser->header_limit(static_cast<std::uint32_t>(impl_->up->max_header_bytes));
  impl_->parser->body_limit(impl_->up->max_body_bytes);
  if (impl_->method == http::method::head) {
    impl_->parser->skip(true);
  }
  bhttp::async_write(impl_->conn->socket, impl_->wire, [self = shared_from_this()](error_code ec, std::size_t) {
    if (self->settled_) {
      return;
    }
    if (ec) {
      self->fail(call_errc::connection_reset, describe("write failed", *self->impl_->up, ec));
      return;
    }
    self->do_read();
  });
}

void http_call::do_read() {
  bhttp::async_read(impl_->conn->socket, impl_->conn->buffer, *impl_->parser,
                    [self = shared_from_this()](error_code ec, std::size_t) {
                      if (self->settled_) {
                        return;
                      }
                      upstream& up = *self->impl_->up;
                      if (ec == bhttp::error::header_limit) {
                        self->fail(call_errc::connection_reset,
                                   "response headers over " + std::to_string(up.max_header_bytes) +
                                       " bytes from upstream " + up.name);
                        return;
                      }
                      if (ec == bhttp::error::body_limit) {
                        self->fail(call_errc::connection_reset,
                                   "response body over " + std::to_string(up.max_body_bytes) +
                                       " bytes from upstream " + up.name);
                        return;
                      }
                      if (ec) {
                        self->fail(call_errc::connection_reset, describe("read failed", up, ec));
                        return;
                      }
                      self->on_response();
                    });
}

void http_call::on_response() {
  auto& parser = *impl_->parser;
  const bool keep_alive = parser.keep_alive() && impl_->wire.keep_alive();
  auto msg = parser.release();
  http::response out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(msg.body());
  // Bytes after the response were not asked for: such a connection is not trusted again.
  finish(std::move(out), keep_alive && impl_->conn->buffer.size() == 0);
}

// A pooled connection the server closed while idle fails before any byte of the response.
// An idempotent request is then sent once more on a fresh connection, within the same deadline.
void http_call::fail(call_errc code, std::string message) {
  impl& s = *impl_;
  const bool stale_reuse = code == call_errc::connection_reset && s.reused && !s.retried &&
                           s.parser && !s.parser->got_some() && http::is_idempotent(s.method);
  if (!stale_reuse) {
    finish(make_unexpected(call_error{code, std::move(message)}), false);
    return;
  }
  s.retried = true;
  error_code ignored;
  s.conn->socket.close(ignored);
  s.retired = std::move(s.conn);
  s.holds_slot = false;
  s.up->pool->discard();
  acquire_slot();
}

// Asks the upstream's pool for a connection: reused, a new slot, a place in its queue, or
// overloaded when the queue is full too.
void http_call::acquire_slot() {
  impl& s = *impl_;
  auto got = s.up->pool->acquire(shared_from_this());
  switch (got.kind) {
    case connection_pool::outcome::reused:
      on_grant(std::move(got.conn));
      return;
    case connection_pool::outcome::new_slot:
      on_grant(nullptr);
      return;
    case connection_pool::outcome::queued:
      s.ticket = got.ticket;
      return;
    case connection_pool::outcome::overloaded:
      finish(make_unexpected(call_error{call_errc::overloaded, "connection pool and queue full for upstream " +
                                                                   s.up->name}),
             false);
      return;
  }
}

void http_call::settle(bool keep_connection) {
  QM_ASSERT(!settled_);
  settled_ = true;
  impl& s = *impl_;
  s.timer.cancel();
  if (s.ticket != 0) {
    s.up->pool->cancel_wait(s.ticket);
    s.ticket = 0;
  }
  if (s.resolver) {
    s.resolver->cancel();
  }
  if (!s.holds_slot) {
    return;
  }
  s.holds_slot = false;
  if (keep_connection) {
    s.up->pool->release(std::move(s.conn));
    return;
  }
  // The socket is closed now, but the object stays with the call: an operation still in
  // flight refers to it and completes (aborted) later.
  error_code ignored;
  s.conn->socket.close(ignored);
  s.up->pool->discard();
}

void http_call::finish(call_result r, bool keep_connection) {
  // Pool bookkeeping first: fulfil() resumes the caller inline, and it may call again at once.
  settle(keep_connection);
  done.fulfil(std::move(r));
}

}  // namespace qm::rt::client_detail
