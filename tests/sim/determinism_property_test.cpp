// Determinism over random seeds and random fault schedules: the same scenario and seed give
// the same trace hash and report; a different seed gives a different trace.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/scenario/runner.hpp"

namespace qm::sim {
namespace {

scenario base_scenario() {
  scenario s;
  s.file = "(generated)";
  s.name = "determinism";
  s.length = seconds(6);
  s.services = {"gateway", "auth"};
  s.network.latency = latency_spec{"uniform", ms(1), ms(4)};
  s.workload.clients = 8;
  s.workload.arrival_rate_per_s = 20;
  s.workload.request_timeout = ms(500);
  s.workload.flows = {{"register_login_me", 1}, {"me", 1}, {"full_session", 1}};
  check_spec c;
  c.kind = check_kind::no_handler_exceptions;
  c.name = "no_handler_exceptions";
  s.checks = {c};
  return s;
}

rc::Gen<fault_spec> random_fault() {
  return rc::gen::exec([] {
    fault_spec f;
    const int kind = *rc::gen::inRange(0, 9);
    f.kind = static_cast<fault_kind>(kind);
    f.at = ms(*rc::gen::inRange(0, 5000));
    const auto length = ms(*rc::gen::inRange(1, 3000));
    f.target = "auth";
    switch (f.kind) {
      case fault_kind::partition:
        f.target = "gateway";
        f.peer = "auth";
        f.one_way = *rc::gen::arbitrary<bool>();
        f.length = length;
        break;
      case fault_kind::crash:
        if (*rc::gen::arbitrary<bool>()) {
          f.restart_after = length;
        }
        break;
      case fault_kind::db_unavailable:
        f.length = length;
        break;
      case fault_kind::db_slow:
        f.slow = latency_spec{"uniform", ms(0), ms(*rc::gen::inRange(1, 800))};
        f.length = length;
        break;
      case fault_kind::db_errors:
        f.rate = *rc::gen::inRange(0, 101) / 100.0;
        f.length = length;
        break;
      case fault_kind::clock_skew:
        f.skew = ms(*rc::gen::inRange(-60000, 60000));
        f.length = length;
        break;
      case fault_kind::latency:
        f.target = "client";
        f.peer = "gateway";
        f.slow = latency_spec{"exponential", ms(*rc::gen::inRange(1, 300)), ms(0)};
        f.rate = *rc::gen::inRange(0, 50) / 100.0;
        f.length = length;
        break;
      case fault_kind::kv_unavailable:
        f.target = "redis";
        f.length = length;
        break;
      case fault_kind::kv_slow:
        f.target = "redis";
        f.slow = latency_spec{"constant", ms(*rc::gen::inRange(1, 800)), ms(0)};
        f.length = length;
        break;
    }
    return f;
  });
}

RC_GTEST_PROP(determinism, same_seed_and_faults_give_the_same_trace, ()) {
  auto s = base_scenario();
  s.seed = *rc::gen::arbitrary<std::uint64_t>();
  s.faults = *rc::gen::container<std::vector<fault_spec>>(*rc::gen::inRange(0, 4), random_fault());
  const auto a = run_scenario(s, {});
  const auto b = run_scenario(s, {});
  RC_ASSERT(a.trace_hash == b.trace_hash);
  RC_ASSERT(a.summary == b.summary);
  RC_ASSERT(a.all_passed);  // no handler may end by an exception, whatever the faults
}

RC_GTEST_PROP(determinism, different_seeds_give_different_traces, ()) {
  auto s = base_scenario();
  s.seed = *rc::gen::arbitrary<std::uint64_t>();
  run_options other;
  other.seed = s.seed ^ (1ULL + *rc::gen::inRange<std::uint64_t>(0, 1'000'000));
  const auto a = run_scenario(s, {});
  const auto b = run_scenario(s, other);
  RC_ASSERT(a.trace_hash != b.trace_hash);
}

}  // namespace
}  // namespace qm::sim
