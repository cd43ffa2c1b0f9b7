#include "runtime/asio/http_connection.hpp"

#include "core/resilience/deadline.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "core/base/assert.hpp"
#include "core/base/exception_text.hpp"
#include "core/task/task.hpp"
#include "runtime/asio/asio_clock.hpp"

namespace qm::rt::asio::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After an error answer the client may still be sending (a body we refused); reading and
// discarding it for a moment lets the answer arrive instead of being lost to a reset.
constexpr auto linger_time = std::chrono::seconds(1);
constexpr std::size_t linger_max_bytes = 16 * 1024 * 1024;
constexpr std::size_t linger_chunk_bytes = 64 * 1024;
// Read-ahead beyond the header limit: room for pipelined requests and body bytes in transit.
constexpr std::size_t read_buffer_slack_bytes = 64 * 1024;

http::method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return http::method::get;
    case bhttp::verb::head: return http::method::head;
    case bhttp::verb::post: return http::method::post;
    case bhttp::verb::put: return http::method::put;
    case bhttp::verb::patch: return http::method::patch;
    case bhttp::verb::delete_: return http::method::del;
    case bhttp::verb::options: return http::method::options;
    default: return http::method::unknown;
  }
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// Header fields a handler may not set: the server owns framing and connection management.
bool is_framing_field(std::string_view name) {
  return http::iequals(name, "content-length") || http::iequals(name, "transfer-encoding") ||
         http::iequals(name, "connection");
}

// One pass over s (find_first_of would call memchr on the two-byte set for every character).
bool has_line_break(std::string_view s) {
  for (const char c : s) {
    if (c == '\r' || c == '\n') {
      return true;
    }
  }
  return false;
}

// Appends n in decimal without a temporary string.
void append_decimal(std::string& out, std::size_t n) {
  char digits[20];
  std::size_t len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (len != 0) {
    out += digits[--len];
  }
}

}  // namespace

class connection final : public tracked_connection,
                         public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<server_state> state, server_socket socket)
      : state_(std::move(state)),
        socket_(std::move(socket)),
        buffer_(state_->options.max_header_bytes + read_buffer_slack_bytes) {
    boost::system::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    if (!ec) {
      peer_ = remote.address().to_string();
    }
  }

  ~connection() {
    if (!state_->alive) {
      return;
    }
    if (in_flight_) {
      state_->observer.handler_ended();
    }
    if (registered_) {
      state_->remove_connection(position_);
    }
  }

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Registers with the server and waits for the first request.
  void start() {
    position_ = state_->add_connection(this);
    registered_ = true;
    do_read_header();
  }

  // Idle (or lingering) connections close now; one with part of a request received, or a
  // request in progress, finishes that request (within its timeouts and the grace) first.
  void begin_shutdown() override {
    const bool idle = phase_ == phase::reading && buffer_.size() == 0 && !parser_->got_some();
    if (idle || phase_ == phase::lingering) {
      close();
    }
  }

  // Closes the socket; pending operations end with operation_aborted.
  void force_close() override { close(); }

  // A handler past its deadline and the grace: answer 503 now and close afterwards, because
  // the handler still runs (its late answer is dropped) and a connection has one at a time.
  void check_deadline(time_point now) override {
    if (phase_ != phase::handling || now <= deadline_ + handler_overrun_grace) {
      return;
    }
    state_->counters.limit_hit(limit_kind::deadline);
    close_after_write_ = true;
    state_->log.warn(scope_.get(), "handler overran its deadline");
    send(http::error_response(503, "deadline_exceeded", "the request took too long", request_id()));
  }

  // The read or write in progress has run past its timeout: a read timeout counts as a limit
  // hit; every kind closes the connection (pending operations end with operation_aborted).
  void check_io_timeout(std::chrono::steady_clock::time_point now) override {
    if (io_wait_ == io_wait::none || now < io_deadline_) {
      return;
    }
    if (io_wait_ == io_wait::header) {
      state_->counters.limit_hit(limit_kind::header_timeout);
    } else if (io_wait_ == io_wait::body) {
      state_->counters.limit_hit(limit_kind::body_timeout);
    }
    close();
  }

  // Delivers a handler's answer to the request in progress.
  void handler_done(http::response r) {
    finish_in_flight();
    if (phase_ != phase::handling) {
      return;  // closed meanwhile (forced shutdown)
    }
    send(std::move(r));
  }

  // Answers 500 in the error shape for a handler that threw.
  void handler_failed(const std::string& what) {
    finish_in_flight();
    state_->counters.handler_exceptions.inc();
    const std::string id = request_id();
    state_->log.error(scope_.get(), "handler threw", {{"what", what}});
    if (phase_ != phase::handling) {
      return;
    }
    send(http::error_response(500, "internal", "internal error", id));
  }

 private:
  enum class phase : std::uint8_t { reading, handling, writing, lingering, closed };
  // Which timeout covers the I/O in progress (checked by the server's sweep).
  enum class io_wait : std::uint8_t { none, header, body, write, linger };

  // Starts the timeout for the I/O about to begin.
  void arm(io_wait kind, duration timeout) {
    io_wait_ = kind;
    io_deadline_ = std::chrono::steady_clock::now() + timeout;
  }
  void disarm() { io_wait_ = io_wait::none; }

  // Starts reading the next request's header with a fresh parser and the header timeout.
  void do_read_header() {
    if (state_->shutting_down) {
      close();
      return;
    }
    phase_ = phase::reading;
    close_after_write_ = false;
    linger_after_write_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(state_->options.max_body_bytes));
    arm(io_wait::header, state_->options.header_timeout);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             beast::bind_front_handler(&connection::on_read_header, shared_from_this()));
  }

  // Maps header-read failures to answers; continues with the body or the request.
  void on_read_header(beast::error_code ec, std::size_t) {
    if (!state_->alive || phase_ == phase::closed) {
      return;
    }
    if (ec) {
      fail_read(ec);
      return;
    }
    if (parser_->is_done()) {
      on_request();
      return;
    }
    if (http::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      do_write_continue();
      return;
    }
    do_read_body();
  }

  // Tells a client that waits for permission (Expect: 100-continue) to send its body.
  void do_write_continue() {
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(io_wait::write, state_->options.write_timeout);
    net::async_write(socket_, net::buffer(interim.data(), interim.size()),
                     beast::bind_front_handler(&connection::on_write_continue, shared_from_this()));
  }

  // After 100 Continue: read the body.
  void on_write_continue(beast::error_code ec, std::size_t) {
    if (!state_->alive || phase_ == phase::closed) {
      return;
    }
    if (ec) {
      close();
      return;
    }
    do_read_body();
  }

  // Reads the body under the body limit (enforced by the parser) and the body timeout.
  void do_read_body() {
    arm(io_wait::body, state_->options.body_timeout);
    bhttp::async_read(socket_, buffer_, *parser_,
                      beast::bind_front_handler(&connection::on_read_body, shared_from_this()));
  }

  // Maps body-read failures to answers; a complete request goes to the router.
  void on_read_body(beast::error_code ec, std::size_t) {
    if (!state_->alive || phase_ == phase::closed) {
      return;
    }
    if (ec) {
      fail_read(ec);
      return;
    }
    on_request();
  }

  // A read failed: answer what deserves an answer, close the rest quietly. (Timeouts do not
  // come here: the sweep closes the connection, see check_io_timeout.)
  void fail_read(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      reject(431, limit_kind::header_size, "header_too_large",
             "request line and headers exceed the limit");
    } else if (ec == bhttp::error::body_limit) {
      reject(413, limit_kind::body_size, "body_too_large", "request body exceeds the limit");
    } else if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
               !is_parse_error(ec)) {
      close();  // the client went away (or the socket failed): nobody to answer
    } else {
      reject(400, limit_kind::malformed, "bad_request", "malformed HTTP request");
    }
  }

  // Routes a complete request and starts its handler.
  void on_request() {
    disarm();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;
    const http::method verb = to_method(msg.method());
    if (verb == http::method::unknown) {
      reject(501, limit_kind::not_implemented, "not_implemented", "method not implemented");
      return;
    }
    const auto target = msg.target();
    if (target.empty() || target.front() != '/') {
      reject(400, limit_kind::malformed, "bad_request", "the request target must be a path");
      return;
    }
    http::request req;
    req.verb = verb;
    req.target.assign(target.data(), target.size());
    for (const auto& field : msg) {
      req.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());

    bool method_mismatch = false;
    auto match = state_->routes.find(verb, req.path(), &method_mismatch);
    // From here the request is counted and logged: scope_ is answered exactly once (send).
    const std::string_view route_label = match ? std::string_view(match->route) : observe::unmatched_route;
    scope_ = state_->observer.open(req, route_label, state_->ids);
    started_at_ = std::chrono::steady_clock::now();
    if (!match) {
      if (method_mismatch) {
        send(http::error_response(405, "method_not_allowed", "method not allowed", request_id()));
      } else {
        send(http::error_response(404, "not_found", "no such route", request_id()));
      }
      return;
    }
    const http::handler* target_handler = match->target;
    route_ = match->route;
    const time_point now = asio_clock::wall_now();
    deadline_ = now + state_->options.request_timeout;
    // The handler works to the caller's remaining time when it sent one (deadline
    // propagation); the server's own overrun check stays on its request timeout.
    const time_point handler_deadline =
        resilience::propagated_deadline(req.headers.get(resilience::deadline_header), now, deadline_);
    http::request_context ctx{std::move(req), std::move(match->params), std::move(match->route),
                              handler_deadline, peer_, scope_};
    phase_ = phase::handling;
    in_flight_ = true;
    state_->observer.handler_started();
    const bool spawned = state_->handlers.spawn(run_handler(shared_from_this(), target_handler, std::move(ctx)));
    QM_ASSERT_MSG(spawned, "handler scope full although there is one handler per connection");
  }

  // Runs one handler to its answer; exceptions become a logged 500.
  static task<void> run_handler(std::shared_ptr<connection> self, const http::handler* target,
                                http::request_context ctx) {
    http::handler_outcome outcome = co_await http::run_handler(*target, std::move(ctx));
    // Turning the answer into bytes can fail only on a bug; that must cost this connection,
    // not the process (the scope's failure handler would stop it).
    try {
      if (outcome.threw()) {
        self->handler_failed(outcome.failure);
      } else {
        self->handler_done(std::move(outcome.answer));
      }
    } catch (...) {
      self->internal_failure(describe_current_exception());
    }
  }

  // Logs a failure of the server's own code for this request and drops the connection.
  void internal_failure(const std::string& what) {
    finish_in_flight();
    if (state_->alive) {
      state_->log.error(scope_.get(), "failed to answer a request", {{"what", what}});
    }
    close();
  }

  // Answers without a handler and closes afterwards (the stream may be out of sync).
  void reject(int status, limit_kind kind, std::string_view code, std::string_view message) {
    state_->counters.limit_hit(kind);
    close_after_write_ = true;
    linger_after_write_ = true;
    // Before a complete header the client's version is unknown: answer as HTTP/1.1.
    version_ = parser_->is_header_done() ? parser_->get().version() : 11;
    send(http::error_response(status, code, message, request_id()));
  }

  // Serializes r into the connection's output buffer and writes it with one write. The
  // buffer keeps its capacity across requests, so a keep-alive connection allocates nothing
  // here after its first answer.
  void send(http::response r) {
    if (r.status < 100 || r.status > 599) {
      state_->log.error("handler returned an invalid status",
                        {{"route", route_}, {"status", std::to_string(r.status)}});
      r = http::error_response(500, "internal", "internal error", request_id());
    }
    phase_ = phase::writing;
    status_ = r.status;
    if (scope_) {
      // Every answer names its request, whoever wrote it.
      if (!r.headers.contains(observe::request_id_header)) {
        r.headers.set(std::string(observe::request_id_header), scope_->request_id);
      }
      const auto elapsed = std::chrono::steady_clock::now() - started_at_;
      state_->observer.answered(*scope_, r.status, std::chrono::duration_cast<duration>(elapsed));
      scope_.reset();
    }
    response_keep_alive_ = keep_alive_ && !close_after_write_ && !state_->shutting_down;
    const bool http10 = version_ == 10;
    out_.clear();
    out_ += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_decimal(out_, static_cast<std::size_t>(r.status));
    out_ += ' ';
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
    out_.append(reason.data(), reason.size());
    out_ += "\r\n";
    for (const auto& [name, value] : r.headers.fields()) {
      if (name.empty() || is_framing_field(name) || has_line_break(name) || has_line_break(value)) {
        continue;
      }
      out_ += name;
      out_ += ": ";
      out_ += value;
      out_ += "\r\n";
    }
    const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    if (!bodiless) {
      // For HEAD the length is that of the full answer; the body itself is not sent.
      out_ += "Content-Length: ";
      append_decimal(out_, r.body.size());
      out_ += "\r\n";
    }
    if (http10 && response_keep_alive_) {
      out_ += "Connection: keep-alive\r\n";
    } else if (!http10 && !response_keep_alive_) {
      out_ += "Connection: close\r\n";
    }
    out_ += "\r\n";
    if (!bodiless && !head_) {
      out_ += r.body;
    }
    arm(io_wait::write, state_->options.write_timeout);
    net::async_write(socket_, net::buffer(out_),
                     beast::bind_front_handler(&connection::on_write, shared_from_this()));
  }

  // After a response: next request on keep-alive, else close (lingering after errors).
  void on_write(beast::error_code ec, std::size_t) {
    if (!state_->alive || phase_ == phase::closed) {
      return;
    }
    if (ec) {
      close();
      return;
    }
    state_->counters.response_sent(status_);
    if (response_keep_alive_) {
      do_read_header();
    } else if (linger_after_write_ && !state_->shutting_down) {
      do_linger();
    } else {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      close();
    }
  }

  // Half-closes and starts discarding what the client still sends, for a bounded time.
  void do_linger() {
    phase_ = phase::lingering;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm(io_wait::linger, linger_time);
    lingered_bytes_ = 0;
    do_linger_read();
  }

  // Reads (and drops) one chunk while lingering.
  void do_linger_read() {
    buffer_.clear();
    socket_.async_read_some(buffer_.prepare(linger_chunk_bytes),
                            beast::bind_front_handler(&connection::on_linger_read, shared_from_this()));
  }

  // Ends the linger on EOF, error, timeout or the byte bound.
  void on_linger_read(beast::error_code ec, std::size_t n) {
    if (!state_->alive || phase_ == phase::closed) {
      return;
    }
    lingered_bytes_ += n;
    if (ec || lingered_bytes_ > linger_max_bytes) {
      close();
      return;
    }
    do_linger_read();
  }

  // Closes the socket once; every later callback sees phase closed and stops.
  void close() {
    if (phase_ == phase::closed) {
      return;
    }
    phase_ = phase::closed;
    disarm();
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // The id for the server's own answers about the current request.
  std::string request_id() {
    if (scope_) {
      return scope_->request_id;
    }
    std::string_view client_value;
    if (parser_) {
      client_value = parser_->get()["X-Request-ID"];
    }
    return state_->request_id_for(client_value);
  }

  // The handler of the current request has ended (either way).
  void finish_in_flight() {
    if (in_flight_ && state_->alive) {
      state_->observer.handler_ended();
    }
    in_flight_ = false;
  }

  std::shared_ptr<server_state> state_;
  server_socket socket_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string out_;
  std::list<tracked_connection*>::iterator position_;
  std::string route_;
  // The routed request being served, until its answer is sent (then null).
  std::shared_ptr<observe::request_scope> scope_;
  std::chrono::steady_clock::time_point started_at_{};
  std::string peer_;  // the client's address, read once at accept
  time_point deadline_{};
  std::chrono::steady_clock::time_point io_deadline_{};
  std::size_t lingered_bytes_ = 0;
  int status_ = 0;
  unsigned version_ = 11;
  phase phase_ = phase::reading;
  io_wait io_wait_ = io_wait::none;
  bool registered_ = false;
  bool in_flight_ = false;
  bool keep_alive_ = true;
  bool head_ = false;
  bool response_keep_alive_ = false;
  bool close_after_write_ = false;
  bool linger_after_write_ = false;
};

void start_connection(const std::shared_ptr<server_state>& state, server_socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<connection>(state, std::move(socket))->start();
}

}  // namespace qm::rt::asio::detail
