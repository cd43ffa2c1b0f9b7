#pragma once
// connection_pool: the bounded set of keep-alive connections to one upstream, for the loop
// thread only. Every open connection (idle, busy or still connecting) counts against
// max_connections; a caller that finds none free waits in a bounded FIFO queue, and is handed a
// connection (or the right to open one) as soon as another call gives its own back.
//
// Internal to the HTTP client; included by its .cpp files only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace qm::rt::client_detail {

using steady_clock = std::chrono::steady_clock;

struct pooled_connection {
  explicit pooled_connection(boost::asio::io_context& io) : socket(io) {}
  boost::asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;  // bytes read past a response stay with their connection
  steady_clock::time_point idle_since{};
  std::uint64_t requests_done = 0;
};

// A caller queued for a connection. conn is null when the caller is granted a slot instead:
// it opens the connection itself (the slot is already counted as open).
class pool_waiter {
 public:
  virtual void on_grant(std::unique_ptr<pooled_connection> conn) = 0;

 protected:
  ~pool_waiter() = default;
};

struct pool_limits {
  std::size_t max_connections = 32;
  std::size_t max_idle = 32;
  steady_clock::duration idle_timeout = std::chrono::seconds(30);
  std::size_t max_waiters = 1024;
};

struct pool_counters {
  std::uint64_t opened = 0;       // slots granted for a new connection
  std::uint64_t reused = 0;       // idle connections handed out again
  std::uint64_t closed = 0;       // connections closed (errors, abandoned calls, idle expiry)
  std::uint64_t overloaded = 0;   // acquisitions refused because the queue was full
  std::uint64_t stale_idle = 0;   // idle connections found closed by the peer
};

class connection_pool : public std::enable_shared_from_this<connection_pool> {
 public:
  connection_pool(boost::asio::io_context& io, pool_limits limits);
  ~connection_pool();
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  enum class outcome : std::uint8_t { reused, new_slot, queued, overloaded };
  struct acquisition {
    outcome kind = outcome::overloaded;
    std::unique_ptr<pooled_connection> conn;  // set when reused
    std::uint64_t ticket = 0;                 // set when queued: pass to cancel_wait
  };

  // A live idle connection, a slot for a new one, a place in the queue (waiter is called
  // later), or overloaded when the queue is full.
  acquisition acquire(std::shared_ptr<pool_waiter> waiter);
  // Leaves the queue (the caller timed out or went away). Unknown tickets are ignored.
  void cancel_wait(std::uint64_t ticket);
  // Gives back a connection that finished a response and may carry another request.
  void release(std::unique_ptr<pooled_connection> conn);
  // A connection (or a granted slot) is gone: the caller has closed the socket.
  void discard();
  // Closes the idle connections; from now on released connections are closed too.
  void shutdown();

  std::size_t open() const { return open_; }
  std::size_t idle() const { return idle_.size(); }
  std::size_t waiting() const { return waiters_.size(); }
  const pool_counters& counters() const { return counters_; }
  const pool_limits& limits() const { return limits_; }

 private:
  bool usable(pooled_connection& conn) const;
  void close(pooled_connection& conn);
  void prune_expired(steady_clock::time_point now);
  void arm_sweep();
  void grant_slot_to_next_waiter();

  boost::asio::io_context& io_;
  pool_limits limits_;
  std::vector<std::unique_ptr<pooled_connection>> idle_;  // oldest first, reuse from the back
  std::map<std::uint64_t, std::shared_ptr<pool_waiter>> waiters_;  // ticket order is FIFO
  std::uint64_t next_ticket_ = 1;
  std::size_t open_ = 0;
  boost::asio::steady_timer sweep_timer_;
  bool sweep_armed_ = false;
  bool shut_down_ = false;
  pool_counters counters_;
};

}  // namespace qm::rt::client_detail
