#pragma once
// pipeline: one Redis connection carrying many commands at once, for the loop thread only.
//
//  - Commands are written as soon as they are issued (a loop turn's commands leave in one
//    write) and replies are matched to them in FIFO order, which is what Redis guarantees
//    on one connection.
//  - Connecting is lazy: the first command opens the connection; commands issued while it
//    is being opened wait for it (within their own timeout). Every new connection first sends
//    the setup commands (AUTH, SELECT, SCRIPT LOAD, ...); an error reply to one of them drops
//    the connection.
//  - Bounded: at most max_pending commands are waiting or unanswered; one more fails with
//    kv_errc::unavailable at once.
//  - Each command has a timeout (op_timeout, short: the gateway falls back to memory when
//    Redis is slow). A timed-out command fails with kv_errc::timeout; its slot in the FIFO
//    stays, so its late reply is still matched to it and dropped, and the stream stays in
//    sync. When the oldest unanswered command has waited stall_limit, the connection is
//    considered stuck (Redis hung, a black-holed peer) and is dropped.
//  - A failed connect, a failed setup or a stuck connection puts the pipeline in backoff:
//    commands fail with unavailable at once until the backoff ends, then the next command
//    tries to connect again (capped exponential backoff, reset by a good connection). A
//    connection lost after it worked is reopened by the next command without waiting.
//  - Lost connections fail their unanswered commands with unavailable.
//
// Lifetime: the pipeline must outlive the coroutines awaiting it (as the HTTP client must);
// destroying it closes the socket and resumes nobody. close() is the graceful way out.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/kv.hpp"
#include "runtime/redis/redis_url.hpp"
#include "runtime/redis/resp.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qm::rt::redis {

struct pipeline_options {
  duration op_timeout = ms(50);          // per command, from issue to reply
  duration connect_timeout = ms(500);    // TCP connect plus the setup commands' replies
  std::size_t max_pending = 8192;        // waiting for a connection or for a reply
  duration backoff_first = ms(25);       // after a failed connect, first wait
  duration backoff_max = seconds(1);     // the longest wait between connect attempts
  duration stall_limit = ms(500);        // no reply to the oldest command for this long: drop
  std::size_t read_chunk_bytes = 64 * 1024;
  std::size_t max_reply_bytes = 8 * 1024 * 1024;  // a reply still incomplete beyond this: drop

};

struct pipeline_stats {
  std::uint64_t commands = 0;             // issued (refused ones included)
  std::uint64_t connections_opened = 0;   // connections whose setup completed
  std::uint64_t connect_failures = 0;     // connects or setups that failed
  std::uint64_t connections_lost = 0;     // working connections that broke or stalled
  std::uint64_t timeouts = 0;
  std::uint64_t late_replies_dropped = 0; // replies whose command had timed out or was abandoned
  std::uint64_t rejected_full = 0;        // refused: max_pending reached
  std::uint64_t rejected_down = 0;        // refused: in backoff after a failure
  std::size_t pending = 0;                // now: waiting or unanswered
  bool connected = false;                 // now: a connection is open
};

using reply_result = result<reply, kv_error>;

class pipeline {
 public:
  // setup: commands sent first on every new connection; none may answer an error.
  pipeline(boost::asio::io_context& io, redis_url url, std::vector<std::vector<std::string>> setup,
           pipeline_options options = {});
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  // Formats the command now; it is issued when the task is awaited. An error reply from
  // Redis is a successful result holding reply_kind::error (the caller decides what it means).
  task<reply_result> call(const std::vector<std::string_view>& args);

  // Refuses new commands, lets the issued ones finish (each within its timeout), then closes
  // the connection. Idempotent.
  void close();

  pipeline_stats stats() const;
  const pipeline_options& options() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace qm::rt::redis
