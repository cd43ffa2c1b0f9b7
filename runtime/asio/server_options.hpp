#pragma once
// What an HTTP server listens on and the limits it enforces. Every limit has an answer in the
// project's error shape (see http_server.hpp) and a counter.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/base/time.hpp"
#include "runtime/request_observer.hpp"

namespace qm::rt::asio {

struct server_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;  // 0: an ephemeral port (http_server::start returns it)

  // Request line plus headers; more is answered 431.
  std::size_t max_header_bytes = 8 * 1024;
  // Body after de-chunking; more (declared or received) is answered 413.
  std::size_t max_body_bytes = 1024 * 1024;
  // Open connections; an accepted connection beyond this is answered 503 and closed.
  std::size_t max_connections = 1024;

  // From the start of a request (or the end of the previous response on a keep-alive
  // connection) to its complete header: a slow or idle client is closed after this.
  duration header_timeout = seconds(10);
  // From the complete header to the complete body.
  duration body_timeout = seconds(30);
  // For writing one response: a client that does not read is closed after this.
  duration write_timeout = seconds(10);
  // The deadline handed to a handler: now + request_timeout when its request is complete.
  duration request_timeout = seconds(10);
  // How long shutdown() waits for requests in flight before it closes everything.
  duration shutdown_grace = seconds(10);

  // The access log and the http_request* metrics (both on unless an operator turns them off).
  rt::observer_options observe;
};

}  // namespace qm::rt::asio
