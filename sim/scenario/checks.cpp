#include "sim/scenario/checks.hpp"

#include <cstdio>

#include "sim/scenario/resilience_checks.hpp"
#include "sim/scenario/shop_checks.hpp"
#include "sim/scenario/workload.hpp"

namespace qm::sim {

namespace {

std::string format_ms(duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string format_rate(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", r);
  return buf;
}

std::string format_s(time_point t, time_point origin) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>((t - origin).count()) / 1e6);
  return buf;
}

bool step_selected(const check_spec& c, const request_record& r, const std::vector<std::string>& steps) {
  return c.step.empty() || steps[r.step] == c.step;
}

bool overlaps(const request_record& r, time_point begin, time_point end) {
  return r.start < end && r.end >= begin;
}

check_result no_server_errors(const run_observations& obs) {
  std::uint64_t bad = 0;
  const request_record* first = nullptr;
  for (const auto& r : obs.log.records()) {
    if (is_server_error(r)) {
      ++bad;
      first = first == nullptr ? &r : first;
    }
  }
  check_result out;
  out.passed = bad == 0;
  out.detail = std::to_string(bad) + " server errors (5xx other than 503/504)";
  if (first != nullptr) {
    out.detail += ", first: " + outcome_word(*first) + " at " + format_s(first->start, obs.run_start);
  }
  return out;
}

check_result success_rate(const check_spec& c, const run_observations& obs,
                          const std::vector<std::string>& steps) {
  std::uint64_t total = 0;
  std::uint64_t ok = 0;
  for (const auto& r : obs.log.records()) {
    if (!step_selected(c, r, steps)) {
      continue;
    }
    if (c.outside_faults) {
      bool near_fault = false;
      // A fault's effects last until requests that started during it have timed out.
      for (const auto& w : obs.fault_windows) {
        near_fault = near_fault || overlaps(r, w.begin, w.end + obs.request_timeout);
      }
      if (near_fault) {
        continue;
      }
    }
    ++total;
    ok += is_success(r) ? 1 : 0;
  }
  check_result out;
  const double rate = total == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(total);
  out.passed = total > 0 && rate >= c.min_rate;
  out.detail = std::to_string(ok) + "/" + std::to_string(total) + " succeeded (" + format_rate(rate) +
               ", needed " + format_rate(c.min_rate) + ")";
  if (total == 0) {
    out.detail = "no requests to judge";
  }
  return out;
}

check_result status_during_fault(const check_spec& c, const run_observations& obs,
                                 const std::vector<std::string>& steps) {
  const auto& w = obs.fault_windows[c.fault_index];
  std::uint64_t judged = 0;
  std::map<std::string, std::uint64_t> unexpected_outcomes;
  for (const auto& r : obs.log.records()) {
    // Only requests wholly inside the window: one that began before the fault may rightly succeed.
    if (!step_selected(c, r, steps) || r.start < w.begin || r.end > w.end) {
      continue;
    }
    ++judged;
    bool allowed = false;
    for (const auto& word : c.allowed) {
      allowed = allowed || outcome_matches(r, word);
    }
    if (!allowed) {
      ++unexpected_outcomes[outcome_word(r)];
    }
  }
  check_result out;
  out.passed = judged > 0 && unexpected_outcomes.empty();
  out.detail = std::to_string(judged) + " requests inside faults[" + std::to_string(c.fault_index) + "] (" +
               format_s(w.begin, obs.run_start) + ".." + format_s(w.end, obs.run_start) + ")";
  if (judged == 0) {
    out.detail += ": none to judge";
  }
  for (const auto& [word, n] : unexpected_outcomes) {
    out.detail += ", " + std::to_string(n) + " got " + word;
  }
  return out;
}

check_result recovers_after_fault(const check_spec& c, const run_observations& obs,
                                  const std::vector<std::string>& steps) {
  const auto& w = obs.fault_windows[c.fault_index];
  const time_point from = w.end + c.within;
  std::uint64_t total = 0;
  std::uint64_t ok = 0;
  for (const auto& r : obs.log.records()) {
    if (!step_selected(c, r, steps) || r.start < from) {
      continue;
    }
    ++total;
    ok += is_success(r) ? 1 : 0;
  }
  check_result out;
  const double rate = total == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(total);
  out.passed = total > 0 && rate >= c.min_rate;
  out.detail = "after " + format_s(from, obs.run_start) + ": " + std::to_string(ok) + "/" +
               std::to_string(total) + " succeeded (" + format_rate(rate) + ", needed " +
               format_rate(c.min_rate) + ")";
  return out;
}

check_result latency_p99_below(const check_spec& c, const run_observations& obs,
                               const std::vector<std::string>& steps) {
  std::vector<duration> lat;
  for (const auto& r : obs.log.records()) {
    if (step_selected(c, r, steps) && r.outcome == call_outcome::answered) {
      lat.push_back(r.end - r.start);
    }
  }
  const duration p99 = latency_quantile(lat, 0.99);
  check_result out;
  out.passed = !lat.empty() && p99 < c.bound;
  out.detail = "p99 " + format_ms(p99) + " over " + std::to_string(lat.size()) + " answers (bound " +
               format_ms(c.bound) + ")";
  return out;
}

check_result database_isolation(const run_observations& obs) {
  std::uint64_t foreign = 0;
  std::string first;
  std::uint64_t statements = 0;
  for (const auto& [database, by_node] : obs.statements_by_database) {
    const auto owner = obs.database_owner.find(database);
    for (const auto& [node, n] : by_node) {
      statements += n;
      if (owner == obs.database_owner.end() || owner->second != node) {
        foreign += n;
        if (first.empty()) {
          first = node + " on " + database;
        }
      }
    }
  }
  check_result out;
  out.passed = foreign == 0 && obs.access_denied == 0 && statements > 0;
  out.detail = std::to_string(statements) + " statements, " + std::to_string(foreign) +
               " from a foreign node, " + std::to_string(obs.access_denied) + " access denied";
  if (!first.empty()) {
    out.detail += " (first: " + first + ")";
  }
  return out;
}

}  // namespace

std::vector<check_result> evaluate_checks(const scenario& s, const run_observations& obs) {
  const auto steps = known_step_names();
  std::vector<check_result> results;
  for (const auto& c : s.checks) {
    check_result r;
    switch (c.kind) {
      case check_kind::no_server_errors: r = no_server_errors(obs); break;
      case check_kind::success_rate: r = success_rate(c, obs, steps); break;
      case check_kind::status_during_fault: r = status_during_fault(c, obs, steps); break;
      case check_kind::recovers_after_fault: r = recovers_after_fault(c, obs, steps); break;
      case check_kind::latency_p99_below: r = latency_p99_below(c, obs, steps); break;
      case check_kind::database_isolation: r = database_isolation(obs); break;
      case check_kind::no_handler_exceptions:
        r.passed = obs.handler_exceptions == 0;
        r.detail = std::to_string(obs.handler_exceptions) + " handlers ended by an exception";
        break;
      case check_kind::no_oversell:
      case check_kind::no_duplicate_orders:
      case check_kind::acknowledged_orders_exist:
      case check_kind::money_adds_up:
      case check_kind::carts_cleared:
      case check_kind::no_dangling_reservations:
        r = evaluate_shop_check(c, obs);
        break;
      default:
        r = evaluate_resilience_check(c, s, obs);
        break;
    }
    r.name = c.name + (c.step.empty() ? "" : "(" + c.step + ")");
    r.line = c.line;
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace qm::sim
