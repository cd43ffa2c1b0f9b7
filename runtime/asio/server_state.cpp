#include "runtime/asio/server_state.hpp"

#include "core/base/assert.hpp"

namespace qm::rt::asio::detail {

namespace {
constexpr std::array<std::string_view, limit_kind_count> limit_names{
    "header_size", "body_size", "header_timeout", "body_timeout", "malformed", "not_implemented",
    "deadline"};
constexpr std::array<std::string_view, 5> class_names{"1xx", "2xx", "3xx", "4xx", "5xx"};
}  // namespace

server_counters::server_counters(metrics::registry& registry)
    : accepted(registry.get_counter("http_server_connections_accepted_total",
                                    "Connections accepted and served.")),
      refused(registry.get_counter("http_server_connections_refused_total",
                                   "Connections closed at once because the limit was reached.")),
      accept_errors(registry.get_counter("http_server_accept_errors_total",
                                         "Accept failures (descriptor exhaustion and the like).")),
      open(registry.get_gauge("http_server_connections_open", "Connections open now.")),
      handler_exceptions(registry.get_counter("http_server_handler_exceptions_total",
                                              "Handlers that ended by an exception (answered 500).")) {
  for (std::size_t i = 0; i < class_names.size(); ++i) {
    responses_by_class[i] = &registry.get_counter(
        "http_server_responses_total", "Responses written, by status class.",
        {{"class", std::string(class_names[i])}});
  }
  for (std::size_t i = 0; i < limit_names.size(); ++i) {
    limit_hits[i] = &registry.get_counter(
        "http_server_limit_hits_total",
        "Requests answered or connections closed by a server limit, by limit.",
        {{"limit", std::string(limit_names[i])}});
  }
}

void server_counters::response_sent(int status) {
  const int index = status / 100 - 1;
  if (index >= 0 && index < static_cast<int>(responses_by_class.size())) {
    responses_by_class[static_cast<std::size_t>(index)]->inc();
  }
}

server_state::server_state(event_loop& l, http::router& r, server_options o,
                           metrics::registry& m, rt::logger& lg)
    : loop(l),
      routes(r),
      options(std::move(o)),
      log(lg),
      counters(m),
      handlers(options.max_connections + 1),
      ids(),
      observer(m, lg, options.observe) {}

std::list<tracked_connection*>::iterator server_state::add_connection(tracked_connection* c) {
  QM_ASSERT(alive);
  counters.open.add(1);
  return connections.insert(connections.end(), c);
}

void server_state::remove_connection(std::list<tracked_connection*>::iterator position) {
  QM_ASSERT(alive);
  connections.erase(position);
  counters.open.add(-1);
  if (shutting_down && connections.empty() && on_drained) {
    // Posted: this runs inside a connection's destructor.
    loop.post(std::exchange(on_drained, {}));
  }
}

std::string server_state::request_id_for(std::string_view client_value) {
  if (observe::is_well_formed_request_id(client_value)) {
    return std::string(client_value);
  }
  const std::uint64_t a = ids.next_u64();
  const std::uint64_t b = ids.next_u64();
  return observe::new_request_id(a, b);
}

}  // namespace qm::rt::asio::detail
