#pragma once
// Internal to the HTTP server: what the server and its connections share. Connections hold it
// by shared_ptr, so it outlives the http_server object when Asio still holds their handlers;
// once `alive` is false, a connection touches nothing but its own socket and this state.

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>

#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/asio/id_random.hpp"
#include "runtime/asio/server_options.hpp"
#include "runtime/logger.hpp"
#include "runtime/request_observer.hpp"

namespace qm::rt::asio::detail {

// A connection as the server sees it when shutting down.
class tracked_connection {
 public:
  // Closes now when waiting for a request; otherwise after the response in progress.
  virtual void begin_shutdown() = 0;
  // Closes now, whatever it is doing.
  virtual void force_close() = 0;
  // Answers 503 for a request whose handler has run past its deadline plus the grace.
  virtual void check_deadline(time_point now) = 0;
  // Closes a connection whose read or write has run past its timeout (header, body, write,
  // linger). Checked by the sweep instead of a timer armed per operation.
  virtual void check_io_timeout(std::chrono::steady_clock::time_point now) = 0;

 protected:
  ~tracked_connection() = default;
};

// Why the server answered (or closed) without asking a handler.
enum class limit_kind : std::uint8_t {
  header_size,     // 431
  body_size,       // 413
  header_timeout,  // closed
  body_timeout,    // closed
  malformed,       // 400
  not_implemented,  // 501: a method the server does not know
  deadline         // 503: the handler did not answer by its deadline (plus the grace)
};
inline constexpr std::size_t limit_kind_count = 7;

// How long past its deadline a handler may still answer before the server answers for it.
inline constexpr duration handler_overrun_grace = ms(500);
// How often the server looks for handlers past their deadline and I/O past its timeout, so a
// timeout fires up to this much late.
inline constexpr duration deadline_sweep_interval = ms(250);

struct server_counters {
  explicit server_counters(metrics::registry& registry);

  metrics::counter& accepted;
  metrics::counter& refused;
  metrics::counter& accept_errors;
  metrics::gauge& open;
  metrics::counter& handler_exceptions;
  std::array<metrics::counter*, 5> responses_by_class{};  // 1xx .. 5xx
  std::array<metrics::counter*, limit_kind_count> limit_hits{};

  void response_sent(int status);
  void limit_hit(limit_kind k) { limit_hits[static_cast<std::size_t>(k)]->inc(); }
};

struct server_state {
  server_state(event_loop& l, http::router& r, server_options o, metrics::registry& m,
               rt::logger& lg);

  event_loop& loop;
  http::router& routes;
  const server_options options;
  rt::logger& log;
  server_counters counters;
  // Handler tasks; at most one per connection, so the bound is the connection limit.
  task_scope handlers;
  // Request, trace and span ids (not secrets: see id_random).
  id_random ids;
  // Every routed request is counted and logged through it.
  rt::request_observer observer;

  // False once the http_server is destroyed: references above may dangle from then on.
  bool alive = true;
  bool shutting_down = false;
  // Set by shutdown: called (posted to the loop) when the last connection has closed.
  std::function<void()> on_drained;

  std::list<tracked_connection*> connections;
  std::list<tracked_connection*>::iterator add_connection(tracked_connection* c);
  void remove_connection(std::list<tracked_connection*>::iterator position);

  // For answers about a request that was never routed: the client's X-Request-ID when well
  // formed, else a fresh one.
  std::string request_id_for(std::string_view client_value);
};

}  // namespace qm::rt::asio::detail
