#pragma once
// What both servers (Asio and the simulator's nodes) do around every request they route, so
// the two worlds log and count requests the same way:
//   open    the request's scope: its X-Request-ID (the client's when well formed, else a new
//           one, written back into the request so handlers and onward calls see it), and this
//           hop's span (a child of a valid traceparent, else a new trace);
//   close   http_requests_total{method,route,status}, http_request_duration_seconds{route},
//           http_request_errors_total{route} for 5xx, http_requests_in_flight, and the access
//           log line ("request", with status and duration_ms) at info (warn for a 5xx).
// Series are keyed by the route template ("unmatched" when no route matched), the method and
// the status code, all bounded sets: a client choosing paths cannot add series.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/address_memo.hpp"
#include "core/base/text_hash.hpp"
#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/metrics/registry.hpp"
#include "core/observe/request_scope.hpp"
#include "runtime/logger.hpp"
#include "runtime/random.hpp"

namespace qm::rt {

struct observer_options {
  bool access_log = true;      // one info line per request
  bool request_metrics = true;  // the http_request* families
};

class request_observer {
 public:
  request_observer(metrics::registry& registry, rt::logger& log, observer_options options = {});

  // The scope of a request that has just been routed (route: the template, or
  // observe::unmatched_route). Normalizes req's X-Request-ID. ids: where new ids come from
  // (seeded in the simulator; a fast generator in production, since ids are not secrets).
  std::shared_ptr<observe::request_scope> open(http::request& req, std::string_view route,
                                               rt::random& ids);

  // The request's handler starts / has ended (http_requests_in_flight).
  void handler_started();
  void handler_ended();

  // The answer is being sent: counts and logs it once.
  void answered(const observe::request_scope& scope, int status, duration elapsed);

  const observer_options& options() const { return options_; }

 private:
  // http_requests_total of one (method, status) on a route; method names are static strings.
  struct status_series {
    std::string_view method;
    int status = 0;
    metrics::counter* requests = nullptr;
  };
  struct route_series {
    metrics::histogram* duration = nullptr;
    metrics::counter* errors = nullptr;
    // A route sees a handful of (method, status) pairs: a short scan beats a tree.
    std::vector<status_series> requests;
  };
  using route_map = std::unordered_map<std::string, route_series, text_hash, std::equal_to<>>;
  // The route's entry, made on first sight: its key is the label the scopes point to.
  route_map::value_type& known_route(std::string_view route);
  route_series& series_for(std::string_view route);
  metrics::counter& requests_for(route_series& s, std::string_view method, std::string_view route, int status);

  metrics::registry& registry_;
  rt::logger& log_;
  observer_options options_;
  metrics::gauge& in_flight_;
  // Every route label seen, with its registry series once it has been answered (lookups by
  // label sets cost a lock and a map search); bounded because routes, methods and statuses are.
  // Never erased: scopes point to the keys.
  // Hashed: route templates share long prefixes ("/orders/..."), which made every ordered
  // lookup a chain of string comparisons.
  route_map routes_;
  // routes_' entries by the address of the label last seen with them: the router's template
  // as a request is opened, routes_' own key (a scope's route) as it is answered.
  address_memo<route_map::value_type, 64> recent_routes_;
};

}  // namespace qm::rt
