#include "sim/scenario/scenario.hpp"

#include <cstdio>

namespace qm::sim {

std::string_view to_string(fault_kind k) {
  switch (k) {
    case fault_kind::partition: return "partition";
    case fault_kind::crash: return "crash";
    case fault_kind::db_unavailable: return "db_unavailable";
    case fault_kind::db_slow: return "db_slow";
    case fault_kind::db_errors: return "db_errors";
    case fault_kind::clock_skew: return "clock_skew";
    case fault_kind::latency: return "latency";
    case fault_kind::kv_unavailable: return "kv_unavailable";
    case fault_kind::kv_slow: return "kv_slow";
  }
  return "unknown";
}

std::string_view to_string(check_kind k) {
  switch (k) {
    case check_kind::no_server_errors: return "no_server_errors";
    case check_kind::success_rate: return "success_rate";
    case check_kind::status_during_fault: return "status_during_fault";
    case check_kind::recovers_after_fault: return "recovers_after_fault";
    case check_kind::latency_p99_below: return "latency_p99_below";
    case check_kind::database_isolation: return "database_isolation";
    case check_kind::no_handler_exceptions: return "no_handler_exceptions";
    case check_kind::no_oversell: return "no_oversell";
    case check_kind::no_duplicate_orders: return "no_duplicate_orders";
    case check_kind::acknowledged_orders_exist: return "acknowledged_orders_exist";
    case check_kind::money_adds_up: return "money_adds_up";
    case check_kind::carts_cleared: return "carts_cleared";
    case check_kind::no_dangling_reservations: return "no_dangling_reservations";
    case check_kind::never_outcomes: return "never_outcomes";
    case check_kind::only_outcomes: return "only_outcomes";
    case check_kind::success_rate_during_fault: return "success_rate_during_fault";
    case check_kind::breaker_opens: return "breaker_opens";
    case check_kind::breaker_blocks_calls: return "breaker_blocks_calls";
    case check_kind::breaker_closes: return "breaker_closes";
    case check_kind::breaker_stays_closed: return "breaker_stays_closed";
    case check_kind::stale_served: return "stale_served";
    case check_kind::retry_amplification: return "retry_amplification";
    case check_kind::no_attempt_past_deadline: return "no_attempt_past_deadline";
    case check_kind::rate_limit_holds: return "rate_limit_holds";
    case check_kind::rate_limit_headers: return "rate_limit_headers";
    case check_kind::no_forged_writes: return "no_forged_writes";
    case check_kind::metric_at_least: return "metric_at_least";
  }
  return "unknown";
}

namespace {
std::string seconds_text(duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(d.count()) / 1e6);
  return buf;
}
}  // namespace

std::string fault_spec::describe() const {
  std::string out(to_string(kind));
  out += " " + target;
  if (!peer.empty()) {
    out += (one_way ? " -> " : " <-> ") + peer;
  }
  out += " at " + seconds_text(at);
  if (length) {
    out += " for " + seconds_text(*length);
  }
  if (restart_after) {
    out += ", restart after " + seconds_text(*restart_after);
  }
  return out;
}

}  // namespace qm::sim
