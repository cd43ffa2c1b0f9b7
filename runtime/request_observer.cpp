#include "runtime/request_observer.hpp"

#include <ratio>
#include <type_traits>

#include "core/base/assert.hpp"

namespace qm::rt {

namespace {
// Routes x methods x statuses is small in practice; this is the backstop if a bug made the
// key unbounded (the registry's own per-family cap is the second one).
constexpr std::size_t max_cached_series = 4096;

// Whether a field's name is the header spelled canonical, in any case. Our own servers and
// clients spell names as the constants do: one memcmp before folding case.
bool names_header(std::string_view name, std::string_view canonical) {
  return name.size() == canonical.size() && (name == canonical || http::iequals(name, canonical));
}
}  // namespace

request_observer::request_observer(metrics::registry& registry, rt::logger& log,
                                   observer_options options)
    : registry_(registry),
      log_(log),
      options_(options),
      in_flight_(registry.get_gauge("http_requests_in_flight", "Requests whose handler is running.")) {}

std::shared_ptr<observe::request_scope> request_observer::open(http::request& req,
                                                               std::string_view route,
                                                               rt::random& ids) {
  auto scope = std::make_shared<observe::request_scope>();
  // One pass finds both fields (the first of each name, as headers::get would).
  std::optional<std::string_view> client_id;
  std::optional<std::string_view> parent_text;
  for (const auto& [name, value] : req.headers.fields()) {
    if (!client_id && names_header(name, observe::request_id_header)) {
      client_id = value;
    } else if (!parent_text && names_header(name, observe::traceparent_header)) {
      parent_text = value;
    }
  }
  // Parsed before the request id is written back, which may move the fields.
  std::optional<observe::traceparent> parent;
  if (parent_text) {
    parent = observe::parse_traceparent(*parent_text);
  }
  if (client_id && observe::is_well_formed_request_id(*client_id)) {
    scope->request_id = std::string(*client_id);
  } else {
    const std::uint64_t a = ids.next_u64();
    const std::uint64_t b = ids.next_u64();
    scope->request_id = observe::new_request_id(a, b);
    req.headers.set(std::string(observe::request_id_header), scope->request_id);
  }
  const std::uint64_t span_bits = ids.next_u64();
  const std::uint64_t trace_hi = parent ? 0 : ids.next_u64();
  const std::uint64_t trace_lo = parent ? 0 : ids.next_u64();
  scope->span = observe::open_span(parent, span_bits, trace_hi, trace_lo);
  scope->method = http::to_string(req.verb);
  scope->route = known_route(route).first;
  return scope;
}

request_observer::route_map::value_type& request_observer::known_route(std::string_view route) {
  if (auto* known = recent_routes_.find(route)) {
    return *known;
  }
  auto it = routes_.find(route);
  if (it == routes_.end()) {
    QM_ASSERT_MSG(routes_.size() < max_cached_series, "unbounded route labels");
    it = routes_.emplace(std::string(route), route_series{}).first;
  }
  recent_routes_.remember(route, &*it);
  return *it;
}

void request_observer::handler_started() { in_flight_.add(1); }

void request_observer::handler_ended() { in_flight_.add(-1); }

// Both lookups find an existing series without allocating (the answer path runs per request).
// A route's series are made at its first answer, so a server with metrics off registers none.
request_observer::route_series& request_observer::series_for(std::string_view route) {
  route_series& s = known_route(route).second;
  if (s.duration == nullptr) {
    s.duration = &registry_.get_histogram("http_request_duration_seconds",
                                          "Time from a routed request to its answer, by route.",
                                          {{"route", std::string(route)}});
    s.errors = &registry_.get_counter("http_request_errors_total",
                                      "Requests answered with a 5xx status, by route.",
                                      {{"route", std::string(route)}});
  }
  return s;
}

metrics::counter& request_observer::requests_for(route_series& s, std::string_view method,
                                                 std::string_view route, int status) {
  for (const status_series& known : s.requests) {
    if (known.status == status && known.method == method) {
      return *known.requests;
    }
  }
  QM_ASSERT_MSG(s.requests.size() < max_cached_series, "unbounded request labels");
  auto& c = registry_.get_counter("http_requests_total", "Requests answered, by method, route and status.",
                                  {{"method", std::string(method)},
                                   {"route", std::string(route)},
                                   {"status", std::to_string(status)}});
  s.requests.push_back(status_series{method, status, &c});
  return c;
}

// duration_ms is written from whole microseconds (fixed, 3 places).
static_assert(std::is_same_v<duration::period, std::micro>);

void request_observer::answered(const observe::request_scope& scope, int status, duration elapsed) {
  const double elapsed_s = static_cast<double>(elapsed.count()) / 1e6;
  if (options_.request_metrics) {
    route_series& s = series_for(scope.route);
    requests_for(s, scope.method, scope.route, status).inc();
    s.duration->observe(elapsed_s);
    if (status >= 500) {
      s.errors->inc();
    }
  }
  const log::level level = status >= 500 ? log::level::warn : log::level::info;
  if (options_.access_log && log_.enabled(level)) {
    log_.write(level, "request", &scope,
               {log::field::number("status", status), log::field::fixed("duration_ms", elapsed.count(), 3)});
  }
}

}  // namespace qm::rt
