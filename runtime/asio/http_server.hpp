#pragma once
// The production HTTP server: HTTP/1.1 over TCP on the process's event loop, dispatching
// every request through a qm::http::router, each handler a qm::task in the server's
// task_scope with deadline = now + request_timeout.
//
// Behaviour at the limits (server_options); every server answer uses the project's error
// shape {"error":{"code","message","request_id"}}, the request id being the client's
// X-Request-ID when well formed, else a generated one:
//   request line + headers over max_header_bytes -> 431, then close
//   body over max_body_bytes (Content-Length or chunked) -> 413, then close
//   malformed request -> 400, then close; a method the server does not know -> 501, then close
//   no route -> 404; known path, other method -> 405; handler exception -> 500 (logged)
//   no complete header within header_timeout (slowloris, idle keep-alive) -> closed
//   (I/O timeouts are checked by a sweep every 250 ms, so they fire up to that much late)
//   a handler still running 500 ms past its deadline -> 503 deadline_exceeded, then close (the
//     handler runs on, its late answer dropped; the connection counts until it ends)
//   beyond max_connections -> a 503 written without reading, and closed (counted as refused)
// Pipelining: requests on one connection are read and answered strictly in order, one at a
// time; the next request is not read until the previous response is written, so a client
// that pipelines gets its answers in order and costs at most one handler at a time.
//
// Threading: construct, start(), shutdown() and destroy on the loop thread (or before run()).
// Beast stays in the .cpp files; this header is cheap to include.
//
// Typical use in a process:
//   http_server server(loop, routes, options, metrics, log);
//   auto bound = server.start();            // error: print it, exit non-zero
//   loop.on_shutdown_signal([&](int) { server.shutdown([&] { loop.stop(); }); });
//   loop.run();                             // returns after a graceful shutdown
//
// Metrics (in the registry given): http_server_connections_accepted_total,
// http_server_connections_refused_total, http_server_connections_open,
// http_requests_in_flight, http_server_responses_total{class}, and per routed request
// (rt::request_observer) http_requests_total, http_request_duration_seconds,
// http_request_errors_total and an access log line;
// http_server_limit_hits_total{limit}, http_server_handler_exceptions_total,
// http_server_accept_errors_total.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/asio/server_options.hpp"
#include "runtime/logger.hpp"

namespace qm::rt::asio {

struct bound_endpoint {
  std::string address;
  std::uint16_t port = 0;
};

class http_server {
 public:
  // The router, registry and logger must outlive the server.
  http_server(event_loop& loop, http::router& routes, server_options options,
              metrics::registry& metrics, rt::logger& log);
  // Closes every connection and drops handlers still running.
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds, listens and starts accepting. Returns the bound address and port (the real one
  // when options.port was 0), or why it could not listen. Call once.
  result<bound_endpoint, std::string> start();

  // Graceful shutdown: stops accepting (new connections are refused by the OS), closes idle
  // connections, lets requests in flight finish and answers them with Connection: close;
  // after `grace` whatever is left is closed and its handlers are dropped. Then on_done runs
  // on the loop thread (typically: loop.stop()). Later calls are ignored.
  void shutdown(duration grace, std::function<void()> on_done);
  // The same with options.shutdown_grace.
  void shutdown(std::function<void()> on_done);

  bool shutting_down() const;
  std::size_t open_connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace qm::rt::asio
