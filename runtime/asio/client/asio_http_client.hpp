#pragma once
// asio_http_client: the production rt::http_client. One bounded keep-alive connection pool per
// upstream, on the process's single-threaded io_context.
//
// Usage (on the loop thread):
//
//   auto client = qm::rt::asio_http_client::create(io, {{"auth", "http://127.0.0.1:8001"}});
//   if (!client) { /* client.error() names the bad URL */ }
//   qm::rt::call_result r = co_await (*client)->request("auth", std::move(req), deadline);
//
// Semantics, mirroring the simulator's client:
//  - An unknown upstream answers call_errc::unknown_upstream at once, without I/O.
//  - The deadline (wall clock) is converted once, when the call starts, to a steady-clock
//    deadline that covers everything: waiting for a pooled connection, name resolution,
//    connect, write and read. When it passes, the socket is closed and the caller gets
//    call_errc::timeout; whatever the upstream answers later is never seen.
//  - Each upstream has at most max_connections_per_upstream open connections. A call that
//    finds none free waits in a FIFO queue of at most max_waiters_per_upstream (a full queue
//    answers call_errc::overloaded at once).
//  - A connection goes back to the pool after a complete response when both sides allow
//    keep-alive. A connection that failed, timed out, or whose caller went away is closed and
//    never reused: it may still carry the reply to the old request.
//  - Connect errors (refused, unreachable, name not found) answer connect_failed; a connection
//    that breaks mid-request, a malformed response or a response over the header or body
//    limit answers connection_reset (with a message saying which).
//  - Destroying the awaiting coroutine frame (task_scope::cancel_all) abandons the call: its
//    socket is closed at once, its timer cancelled, and nothing resumes the dead frame.
//  - The request's headers are sent as given; Host is added when absent (the upstream's
//    host:port), Content-Length is computed from the body, Connection is left alone.
//
// Threading: every member function, and the awaiting coroutine, runs on the io_context's one
// thread. The client must outlive the coroutines that await it and be destroyed before the
// io_context.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "runtime/asio/client/base_url.hpp"
#include "runtime/http_client.hpp"

namespace boost::asio {
class io_context;
}

namespace qm::rt {

namespace client_detail {
struct upstream;
}

struct asio_http_client_options {
  std::size_t max_connections_per_upstream = 32;
  std::size_t max_idle_per_upstream = 32;  // at most max_connections_per_upstream
  std::chrono::milliseconds idle_timeout_ms{30'000};
  std::size_t max_waiters_per_upstream = 1024;
  std::size_t max_header_bytes = 64 * 1024;        // status line and headers of a response
  std::size_t max_body_bytes = 8 * 1024 * 1024;    // body of a response
};

// Totals over every upstream since construction, and the current state.
struct asio_http_client_stats {
  std::uint64_t calls = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t connections_closed = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t overloaded = 0;
  std::uint64_t abandoned = 0;      // calls whose awaiting frame was destroyed first
  std::size_t open_connections = 0;
  std::size_t idle_connections = 0;
  std::size_t waiting_calls = 0;
  std::size_t live_calls = 0;       // call states still allocated (pending I/O included)
};

class asio_http_client final : public http_client {
 public:
  using upstream_urls = std::map<std::string, std::string, std::less<>>;  // name -> base URL

  // Validates every URL; the error names the upstream and what is wrong with its URL.
  static result<std::unique_ptr<asio_http_client>, std::string> create(
      boost::asio::io_context& io, const upstream_urls& upstreams,
      asio_http_client_options options = {});

  asio_http_client(boost::asio::io_context& io, const std::map<std::string, base_url, std::less<>>& upstreams,
                   asio_http_client_options options = {});
  ~asio_http_client() override;
  asio_http_client(const asio_http_client&) = delete;
  asio_http_client& operator=(const asio_http_client&) = delete;

  task<call_result> request(std::string_view upstream, http::request req, time_point deadline) override;

  asio_http_client_stats stats() const;

 private:
  boost::asio::io_context& io_;
  asio_http_client_options options_;
  std::map<std::string, std::shared_ptr<client_detail::upstream>, std::less<>> upstreams_;
};

}  // namespace qm::rt
