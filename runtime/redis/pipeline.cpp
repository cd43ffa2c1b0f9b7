#include "runtime/redis/pipeline.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "core/base/assert.hpp"
#include "core/task/completion.hpp"

// g++ 12 at -O2 reports the reply inside a result<reply, kv_error> that holds the error as
// "maybe uninitialized" when the result is moved (a known false positive with std::variant).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace qm::rt::redis {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using steady_clock = std::chrono::steady_clock;

namespace pipeline_detail {

// One issued command: its bytes until written, its deadline, and the caller's rendezvous.
struct pending_op {
  explicit pending_op(std::string w) : wire(std::move(w)) {}
  std::string wire;
  completion<reply_result> done;
  steady_clock::time_point deadline{};
  bool settled = false;  // answered, timed out, failed or abandoned: a later reply is dropped
};

// A place in a connection's reply FIFO; op is null for a setup command.
struct slot {
  std::shared_ptr<pending_op> op;
  steady_clock::time_point sent_at;
};

// Why a connection ends; decides whether the next connect waits.
enum class ending : std::uint8_t { connect_failed, lost, stalled, closed };

}  // namespace pipeline_detail

namespace {

using pipeline_detail::ending;
using pipeline_detail::pending_op;
using pipeline_detail::slot;

std::string millis(duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms"; }

kv_error unavailable(std::string message) { return kv_error{kv_errc::unavailable, std::move(message)}; }

// Settles op and hands back its rendezvous, to fulfil once bookkeeping is done.
completion<reply_result> settle(pending_op& op) {
  QM_ASSERT(!op.settled);
  op.settled = true;
  op.wire = std::string();
  return op.done;
}

}  // namespace

namespace pipeline_detail {

// One TCP connection and what travels on it. A new connection is a new object, so handlers of
// an old one (which see dead == true) never touch the new one's buffers.
struct connection {
  connection(asio::io_context& io, std::size_t read_chunk_bytes)
      : socket(io), connect_timer(io), read_buffer(read_chunk_bytes) {}
  tcp::socket socket;
  asio::steady_timer connect_timer;  // covers connect and the setup replies
  std::optional<tcp::resolver> resolver;
  reply_reader reader;
  std::deque<slot> in_flight;  // written (or about to be), in reply order
  std::size_t setup_left = 0;  // setup replies still expected
  std::string outbox;          // bytes to write after the current write
  std::string writing;         // bytes of the current write
  bool write_active = false;
  bool open = false;           // TCP connected
  bool dead = false;
  std::vector<char> read_buffer;

  bool ready() const { return open && setup_left == 0; }

  // Closes the socket and cancels the timer and resolver: pending handlers see dead and stop.
  void shut() {
    dead = true;
    error_code ignored;
    socket.close(ignored);
    connect_timer.cancel();
    if (resolver) {
      resolver->cancel();
    }
  }
};

}  // namespace pipeline_detail

using pipeline_detail::connection;

struct pipeline::state : std::enable_shared_from_this<pipeline::state> {
  enum class phase : std::uint8_t { running, closing, closed };

  state(asio::io_context& io_ref, redis_url u, std::vector<std::vector<std::string>> setup, pipeline_options o)
      : io(io_ref), url(std::move(u)), opts(o), backoff(o.backoff_first), deadline_timer(io_ref) {
    for (const auto& cmd : setup) {
      std::vector<std::string_view> args(cmd.begin(), cmd.end());
      append_command(setup_wire, args);
    }
    setup_count = setup.size();
    error_code ec;
    const auto address = asio::ip::make_address(url.host, ec);
    if (!ec) {
      numeric_endpoint = tcp::endpoint(address, url.port);
    }
  }

  asio::io_context& io;
  redis_url url;
  pipeline_options opts;
  std::string setup_wire;
  std::size_t setup_count = 0;
  std::optional<tcp::endpoint> numeric_endpoint;
  phase ph = phase::running;
  std::shared_ptr<connection> current;
  std::deque<std::shared_ptr<pending_op>> waiting;  // issued while current is connecting
  steady_clock::time_point down_until{};
  duration backoff;
  pipeline_stats counters;
  // Every unsettled command in issue order, which is deadline order (one op_timeout for all),
  // watched by one timer: no timer per command. Settled ones are dropped from the front.
  std::deque<std::shared_ptr<pending_op>> by_deadline;
  asio::steady_timer deadline_timer;
  bool deadline_armed = false;

  std::size_t pending() const { return waiting.size() + (current ? current->in_flight.size() : 0); }

  std::string where() const { return "redis " + describe(url); }

  // Removes the password from a message that might quote it (a server error, say).
  std::string redacted(std::string message) const {
    if (url.password.empty()) {
      return message;
    }
    for (auto at = message.find(url.password); at != std::string::npos; at = message.find(url.password, at + 3)) {
      message.replace(at, url.password.size(), "***");
    }
    return message;
  }

  // Issues op: fails it at once, queues it for the connection being opened, or writes it.
  void submit(const std::shared_ptr<pending_op>& op) {
    ++counters.commands;
    if (ph != phase::running) {
      settle(*op).fulfil(make_unexpected(unavailable(where() + ": client closed")));
      return;
    }
    if (pending() >= opts.max_pending) {
      ++counters.rejected_full;
      settle(*op).fulfil(make_unexpected(unavailable(where() + ": " + std::to_string(opts.max_pending) +
                                                     " commands pending, queue full")));
      return;
    }
    if (!current) {
      if (steady_clock::now() < down_until) {
        ++counters.rejected_down;
        settle(*op).fulfil(make_unexpected(unavailable(where() + ": unreachable, next connect attempt pending")));
        return;
      }
      start_connect();
    }
    watch_deadline(op);
    if (current->open) {
      send(current, op);
    } else {
      waiting.push_back(op);
    }
  }

  void watch_deadline(const std::shared_ptr<pending_op>& op) {
    while (!by_deadline.empty() && by_deadline.front()->settled) {
      by_deadline.pop_front();
    }
    op->deadline = steady_clock::now() + opts.op_timeout;
    by_deadline.push_back(op);
    if (!deadline_armed) {
      arm_deadline_timer(by_deadline.front()->deadline);
    }
  }

  void arm_deadline_timer(steady_clock::time_point at) {
    deadline_armed = true;
    deadline_timer.expires_at(at);
    deadline_timer.async_wait([self = shared_from_this()](error_code ec) {
      self->deadline_armed = false;
      if (ec != asio::error::operation_aborted) {
        self->on_deadline();
      }
    });
  }

  // Fails the commands whose deadline passed with timeout; their FIFO slots stay, so a late
  // reply is matched and dropped. Drops a connection whose oldest reply is overdue by the
  // stall limit.
  void on_deadline() {
    if (ph == phase::closed) {
      return;
    }
    const auto now = steady_clock::now();
    std::vector<completion<reply_result>> expired;
    while (!by_deadline.empty() && (by_deadline.front()->settled || by_deadline.front()->deadline <= now)) {
      if (!by_deadline.front()->settled) {
        expired.push_back(settle(*by_deadline.front()));
      }
      by_deadline.pop_front();
    }
    counters.timeouts += expired.size();
    // Bookkeeping first: fulfil() resumes the callers inline, and they may issue more at once.
    if (current && current->open && !current->in_flight.empty() &&
        now - current->in_flight.front().sent_at >= opts.stall_limit) {
      end_connection(current, ending::stalled, where() + ": no reply for " + millis(opts.stall_limit) +
                                                   ", connection dropped");
    }
    if (!by_deadline.empty() && !deadline_armed) {
      arm_deadline_timer(by_deadline.front()->deadline);
    }
    const std::string message = where() + ": no reply within " + millis(opts.op_timeout);
    for (auto& done : expired) {
      done.fulfil(make_unexpected(kv_error{kv_errc::timeout, message}));
    }
    finish_close_if_drained();
  }

  void send(const std::shared_ptr<connection>& c, const std::shared_ptr<pending_op>& op) {
    if (op->settled) {
      return;  // timed out or abandoned while waiting for the connection: never sent
    }
    c->outbox += op->wire;
    op->wire = std::string();
    c->in_flight.push_back(slot{op, steady_clock::now()});
    if (!c->write_active) {
      start_write(c);
    }
  }

  void start_connect() {
    auto c = std::make_shared<connection>(io, opts.read_chunk_bytes);
    current = c;
    c->connect_timer.expires_after(opts.connect_timeout);
    c->connect_timer.async_wait([self = shared_from_this(), c](error_code ec) {
      if (ec != asio::error::operation_aborted && !c->dead) {
        self->end_connection(c, ending::connect_failed,
                             self->where() + ": connect and setup took over " + millis(self->opts.connect_timeout));
      }
    });
    if (numeric_endpoint) {
      do_connect(c, std::vector<tcp::endpoint>{*numeric_endpoint});
      return;
    }
    c->resolver.emplace(io);
    c->resolver->async_resolve(url.host, std::to_string(url.port),
                               [self = shared_from_this(), c](error_code ec, tcp::resolver::results_type results) {
                                 if (c->dead) {
                                   return;
                                 }
                                 if (ec || results.empty()) {
                                   self->end_connection(c, ending::connect_failed,
                                                        self->where() + ": cannot resolve host: " + ec.message());
                                   return;
                                 }
                                 std::vector<tcp::endpoint> endpoints;
                                 for (const auto& entry : results) {
                                   endpoints.push_back(entry.endpoint());
                                 }
                                 self->do_connect(c, std::move(endpoints));
                               });
  }

  void do_connect(const std::shared_ptr<connection>& c, std::vector<tcp::endpoint> endpoints) {
    auto list = std::make_shared<std::vector<tcp::endpoint>>(std::move(endpoints));
    asio::async_connect(c->socket, *list, [self = shared_from_this(), c, list](error_code ec, const tcp::endpoint&) {
      if (c->dead) {
        return;
      }
      if (ec) {
        self->end_connection(c, ending::connect_failed, self->where() + ": connect failed: " + ec.message());
        return;
      }
      self->on_connected(c);
    });
  }

  // Setup commands go first, then whatever waited for the connection, all in one write.
  void on_connected(const std::shared_ptr<connection>& c) {
    error_code ignored;
    c->socket.set_option(tcp::no_delay(true), ignored);
    c->open = true;
    c->setup_left = setup_count;
    const auto now = steady_clock::now();
    for (std::size_t i = 0; i < setup_count; ++i) {
      c->in_flight.push_back(slot{nullptr, now});
    }
    c->outbox = setup_wire;
    auto queued = std::move(waiting);
    waiting.clear();
    for (const auto& op : queued) {
      send(c, op);
    }
    if (setup_count == 0) {
      on_ready(*c);
    }
    if (!c->write_active && !c->outbox.empty()) {
      start_write(c);
    }
    do_read(c);
  }

  void on_ready(connection& c) {
    c.connect_timer.cancel();
    ++counters.connections_opened;
    backoff = opts.backoff_first;
  }

  void start_write(const std::shared_ptr<connection>& c) {
    QM_ASSERT(!c->write_active);
    c->writing.swap(c->outbox);
    c->outbox.clear();
    c->write_active = true;
    asio::async_write(c->socket, asio::buffer(c->writing), [self = shared_from_this(), c](error_code ec, std::size_t) {
      c->write_active = false;
      if (c->dead) {
        return;
      }
      if (ec) {
        self->end_connection(c, c->ready() ? ending::lost : ending::connect_failed,
                             self->where() + ": write failed: " + ec.message());
        return;
      }
      if (!c->outbox.empty()) {
        self->start_write(c);
      }
    });
  }

  void do_read(const std::shared_ptr<connection>& c) {
    c->socket.async_read_some(asio::buffer(c->read_buffer), [self = shared_from_this(), c](error_code ec, std::size_t n) {
      if (c->dead) {
        return;
      }
      const ending why = c->ready() ? ending::lost : ending::connect_failed;
      if (ec) {
        const std::string what = ec == asio::error::eof ? std::string("redis closed the connection")
                                                        : "read failed: " + ec.message();
        self->end_connection(c, why, self->where() + ": " + what);
        return;
      }
      if (!c->reader.feed(c->read_buffer.data(), n)) {
        self->end_connection(c, why, self->where() + ": reply parser failed");
        return;
      }
      // Each reply may resume a caller that issues more commands, closes the pipeline or
      // drops this connection; c->dead says so.
      while (!c->dead) {
        auto next = c->reader.next();
        if (!next) {
          self->end_connection(c, why, self->where() + ": " + next.error());
          return;
        }
        if (!next->has_value()) {
          break;
        }
        self->on_reply(c, std::move(**next));
      }
      if (!c->dead && c->reader.buffered() > self->opts.max_reply_bytes) {
        self->end_connection(c, why, self->where() + ": a reply over " + std::to_string(self->opts.max_reply_bytes) +
                                         " bytes; connection dropped");
        return;
      }
      if (!c->dead) {
        self->do_read(c);
      }
    });
  }

  void on_reply(const std::shared_ptr<connection>& c, reply r) {
    if (c->in_flight.empty()) {
      end_connection(c, ending::lost, where() + ": a reply nobody asked for; connection dropped");
      return;
    }
    slot s = std::move(c->in_flight.front());
    c->in_flight.pop_front();
    if (!s.op) {
      if (r.is_error()) {
        end_connection(c, ending::connect_failed, where() + ": connection setup refused: " + redacted(r.text));
        return;
      }
      QM_ASSERT(c->setup_left > 0);
      if (--c->setup_left == 0) {
        on_ready(*c);
      }
      return;
    }
    if (s.op->settled) {
      ++counters.late_replies_dropped;
      finish_close_if_drained();
      return;
    }
    settle(*s.op).fulfil(std::move(r));
    finish_close_if_drained();
  }

  // Ends c: closes it, fails its unanswered commands (and, while it was connecting, the
  // commands waiting for it) with unavailable, and decides when the next connect may start.
  void end_connection(const std::shared_ptr<connection>& c, ending why, const std::string& message) {
    if (c->dead) {
      return;
    }
    c->shut();
    std::vector<std::shared_ptr<pending_op>> victims;
    for (auto& s : c->in_flight) {
      if (s.op && !s.op->settled) {
        victims.push_back(std::move(s.op));
      }
    }
    c->in_flight.clear();
    if (current == c) {
      current.reset();
      for (auto& op : waiting) {
        if (!op->settled) {
          victims.push_back(std::move(op));
        }
      }
      waiting.clear();
      if (why == ending::lost) {
        ++counters.connections_lost;
        down_until = steady_clock::time_point{};  // it worked a moment ago: try again at once
      } else if (why != ending::closed) {
        if (why == ending::stalled) {
          ++counters.connections_lost;
        } else {
          ++counters.connect_failures;
        }
        down_until = steady_clock::now() + backoff;
        backoff = std::min(backoff * 2, opts.backoff_max);
      }
    }
    std::vector<completion<reply_result>> dones;
    dones.reserve(victims.size());
    for (auto& op : victims) {
      dones.push_back(settle(*op));
    }
    for (auto& done : dones) {
      done.fulfil(make_unexpected(unavailable(message)));
    }
  }

  void finish_close_if_drained() {
    if (ph != phase::closing || !waiting.empty()) {
      return;
    }
    if (current) {
      for (const auto& s : current->in_flight) {
        if (s.op && !s.op->settled) {
          return;
        }
      }
      end_connection(current, ending::closed, where() + ": client closed");
    }
    ph = phase::closed;
  }

  // Destruction: nothing is resumed (the awaiting frames belong to someone else, who
  // destroys them); timers and the socket are cancelled so no handler finds work to do.
  void abort_all() {
    ph = phase::closed;
    for (auto& op : by_deadline) {
      op->settled = true;
    }
    by_deadline.clear();
    deadline_timer.cancel();
    waiting.clear();
    if (current) {
      current->in_flight.clear();
      current->shut();
      current.reset();
    }
  }
};

namespace {

// Marks the command abandoned when the awaiting frame dies before an answer.
class abandon_guard {
 public:
  explicit abandon_guard(std::shared_ptr<pending_op> op) : op_(std::move(op)) {}
  ~abandon_guard() {
    op_->settled = true;
  }
  abandon_guard(const abandon_guard&) = delete;
  abandon_guard& operator=(const abandon_guard&) = delete;

 private:
  std::shared_ptr<pending_op> op_;
};

task<reply_result> run_command(std::shared_ptr<pipeline::state> s, std::string wire) {
  auto op = std::make_shared<pending_op>(std::move(wire));
  abandon_guard guard(op);
  s->submit(op);
  reply_result r = co_await op->done;
  co_return r;
}

}  // namespace

pipeline::pipeline(asio::io_context& io, redis_url url, std::vector<std::vector<std::string>> setup,
                   pipeline_options options)
    : state_(std::make_shared<state>(io, std::move(url), std::move(setup), options)) {
  QM_ASSERT(options.op_timeout > duration::zero());
  QM_ASSERT(options.connect_timeout > duration::zero());
  QM_ASSERT(options.max_pending > 0);
  QM_ASSERT(options.backoff_first > duration::zero() && options.backoff_first <= options.backoff_max);
  QM_ASSERT(options.read_chunk_bytes > 0 && options.max_reply_bytes > 0);
}

pipeline::~pipeline() { state_->abort_all(); }

task<reply_result> pipeline::call(const std::vector<std::string_view>& args) {
  std::string wire;
  append_command(wire, args);
  return run_command(state_, std::move(wire));
}

void pipeline::close() {
  if (state_->ph != state::phase::running) {
    return;
  }
  state_->ph = state::phase::closing;
  state_->finish_close_if_drained();
}

pipeline_stats pipeline::stats() const {
  pipeline_stats out = state_->counters;
  out.pending = state_->pending();
  out.connected = state_->current && state_->current->ready();
  return out;
}

const pipeline_options& pipeline::options() const { return state_->opts; }

}  // namespace qm::rt::redis
