#pragma once
// The checks that prove the resilience properties (docs/scenarios.md, "Checks"): what clients
// were answered (never_outcomes, only_outcomes, success_rate_during_fault, stale_served), what
// the trace shows a node did (breaker_opens, breaker_blocks_calls, breaker_closes,
// breaker_stays_closed, retry_amplification, no_attempt_past_deadline), the gateway's rate limits as the clients
// saw them (rate_limit_holds, rate_limit_headers), the databases after forged requests
// (no_forged_writes) and a node's counters (metric_at_least). Each needs something to judge:
// with nothing, it fails.

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/scenario/checks.hpp"

namespace qm::sim {

// True for check kinds evaluated here.
bool is_resilience_check(check_kind k);
// True when the check reads the trace's lines (the runner keeps them for it).
bool needs_trace_lines(check_kind k);

check_result evaluate_resilience_check(const check_spec& c, const scenario& s,
                                       const run_observations& obs);

// One trace line taken apart: "<t_us> <node> <kind> <detail>".
struct trace_entry {
  std::int64_t t_us = 0;
  std::string_view node;
  std::string_view kind;
  std::string_view detail;
};
std::optional<trace_entry> parse_trace_line(std::string_view line);

}  // namespace qm::sim
