#pragma once
// http_call: one request on its way through an upstream's pool, as a chain of asynchronous
// steps (acquire, resolve, connect, write, read) raced by one deadline timer. The first of
// {response, error, deadline, abandonment} settles the call; everything after is ignored.
// Internal to the HTTP client; kept alive by its pending handlers and its awaiting frame.

#include <memory>

#include "core/http/message.hpp"
#include "core/task/completion.hpp"
#include "runtime/asio/client/connection_pool.hpp"
#include "runtime/http_client.hpp"

namespace qm::rt::client_detail {

struct upstream;

class http_call final : public pool_waiter, public std::enable_shared_from_this<http_call> {
 public:
  http_call(boost::asio::io_context& io, std::shared_ptr<upstream> up, http::request req,
            steady_clock::time_point deadline);
  ~http_call();
  http_call(const http_call&) = delete;
  http_call& operator=(const http_call&) = delete;

  // Arms the deadline and asks the pool for a connection. May settle at once.
  void start();
  // The awaiting frame is gone: close the socket, cancel the timer, answer nobody.
  void abandon();
  bool settled() const { return settled_; }

  completion<call_result> done;

 private:
  struct impl;

  void on_grant(std::unique_ptr<pooled_connection> conn) override;
  void on_deadline();
  void do_resolve();
  void do_connect();
  void do_write();
  void do_read();
  void on_response();
  void fail(call_errc code, std::string message);
  void acquire_slot();
  // Releases the timer, the queue place and the connection (kept only when keep_connection).
  void settle(bool keep_connection);
  void finish(call_result r, bool keep_connection);

  std::unique_ptr<impl> impl_;
  bool settled_ = false;
};

}  // namespace qm::rt::client_detail
