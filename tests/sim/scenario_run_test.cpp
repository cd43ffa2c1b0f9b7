// Whole scenarios in the simulator: the shipped ones pass, runs are reproducible, and the
// checks can fail.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/forged_credentials.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"

namespace qm::sim {
namespace {

scenario load_shipped(const std::string& name) {
  auto r = load_scenario_file(std::string(QM_SOURCE_DIR) + "/scenarios/" + name);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return std::move(r).value();
}

std::string failed_checks(const run_report& r) {
  std::string out;
  for (const auto& c : r.checks) {
    if (!c.passed) {
      out += c.name + ": " + c.detail + "\n";
    }
  }
  return out;
}

TEST(scenario_run, auth_smoke_passes) {
  const auto report = run_scenario(load_shipped("auth_smoke.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
  EXPECT_GT(report.requests, 1000u);
}

TEST(scenario_run, auth_db_outage_answers_503_then_recovers) {
  const auto report = run_scenario(load_shipped("auth_db_outage.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, same_seed_same_trace_and_report) {
  auto s = load_shipped("auth_db_outage.yaml");
  s.length = seconds(40);
  const auto a = run_scenario(s, {});
  const auto b = run_scenario(s, {});
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.summary, b.summary);
  run_options other;
  other.seed = s.seed + 1;
  const auto c = run_scenario(s, other);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(scenario_run, an_impossible_check_fails) {
  auto s = load_shipped("auth_smoke.yaml");
  s.length = seconds(10);
  check_spec tight;
  tight.kind = check_kind::latency_p99_below;
  tight.name = "latency_p99_below";
  tight.bound = duration(1);  // 1 us: no request through two hops can be that fast
  s.checks = {tight};
  const auto report = run_scenario(s, {});
  EXPECT_FALSE(report.all_passed);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_FALSE(report.checks[0].passed);
}

TEST(scenario_run, outage_without_its_fault_fails_the_fault_check_shape) {
  // The same outage checks against a run where logins succeed throughout must fail:
  // status_during_fault admits only 503, and logins inside the window got 200.
  auto s = load_shipped("auth_db_outage.yaml");
  s.length = seconds(60);
  s.faults[0].kind = fault_kind::clock_skew;  // a harmless fault in the same window
  s.faults[0].skew = ms(5);
  const auto report = run_scenario(s, {});
  EXPECT_FALSE(report.checks.at(0).passed) << report.summary;
}

TEST(scenario_run, crash_and_restart_of_auth_recovers) {
  auto s = load_shipped("auth_smoke.yaml");
  s.length = seconds(40);
  fault_spec crash;
  crash.kind = fault_kind::crash;
  crash.target = "auth";
  crash.at = seconds(10);
  crash.restart_after = seconds(5);
  s.faults = {crash};
  check_spec during;
  during.kind = check_kind::status_during_fault;
  during.name = "status_during_fault";
  during.fault_index = 0;
  during.step = "login";
  // The gateway cannot reach a crashed auth: 503 (connection refused) or 504 (timeout).
  during.allowed = {"503", "504"};
  check_spec after;
  after.kind = check_kind::recovers_after_fault;
  after.name = "recovers_after_fault";
  after.fault_index = 0;
  after.within = seconds(3);
  after.min_rate = 0.99;
  check_spec no5xx;
  no5xx.kind = check_kind::no_server_errors;
  no5xx.name = "no_server_errors";
  s.checks = {during, after, no5xx};
  const auto report = run_scenario(s, {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

// --- the resilience scenarios: each passes, and each fails with its property broken --------

const check_result* check_named(const run_report& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

TEST(scenario_run, auth_outage_serves_valid_tokens_and_refuses_the_rest) {
  const auto report = run_scenario(load_shipped("auth_outage.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, auth_outage_fails_when_the_gateway_trusts_the_attackers_key) {
  // The gateway verifying with the attacker's key (a leaked or wrong secret) lets the forged
  // tokens in during the partition and refuses the genuine ones.
  auto s = load_shipped("auth_outage.yaml");
  s.settings["gateway"]["token_secret"] = std::string(attacker_key);
  const auto report = run_scenario(s, {});
  ASSERT_NE(check_named(report, "never_outcomes(impostor)"), nullptr);
  EXPECT_FALSE(check_named(report, "never_outcomes(impostor)")->passed) << report.summary;
  EXPECT_FALSE(check_named(report, "success_rate_during_fault(notifications)")->passed) << report.summary;
}

TEST(scenario_run, product_down_breaker_opens_blocks_and_closes) {
  const auto report = run_scenario(load_shipped("product_down.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, product_down_fails_without_a_breaker) {
  auto s = load_shipped("product_down.yaml");
  s.settings["gateway"]["breaker_failures"] = "0";
  s.settings["gateway"]["breaker_failure_rate_percent"] = "101";
  const auto report = run_scenario(s, {});
  EXPECT_FALSE(check_named(report, "breaker_opens")->passed) << report.summary;
  EXPECT_FALSE(check_named(report, "breaker_blocks_calls")->passed) << report.summary;
}

TEST(scenario_run, retry_storm_stays_within_the_retry_budget) {
  const auto report = run_scenario(load_shipped("retry_storm.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, rate_limit_abuse_limits_only_the_abusers) {
  const auto report = run_scenario(load_shipped("rate_limit_abuse.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, rate_limit_abuse_fails_without_rate_limits) {
  auto s = load_shipped("rate_limit_abuse.yaml");
  s.settings["gateway"]["rate_limit_enabled"] = "0";
  const auto report = run_scenario(s, {});
  EXPECT_FALSE(check_named(report, "rate_limit_holds")->passed) << report.summary;
  EXPECT_FALSE(check_named(report, "rate_limit_headers")->passed) << report.summary;
}

TEST(scenario_run, spoofed_identity_is_refused_everywhere) {
  const auto report = run_scenario(load_shipped("spoofed_identity.yaml"), {});
  EXPECT_TRUE(report.all_passed) << failed_checks(report) << report.summary;
}

TEST(scenario_run, spoofed_identity_fails_when_the_attacker_holds_the_context_key) {
  // The cluster signing contexts with the attacker's key (a leaked secret): the shop works as
  // before, and the contexts forged around the gateway are now believed.
  auto s = load_shipped("spoofed_identity.yaml");
  for (const auto& name : s.services) {
    s.settings[name]["context_secret"] = std::string(attacker_key);
  }
  const auto report = run_scenario(s, {});
  EXPECT_FALSE(check_named(report, "only_outcomes(bypass)")->passed) << report.summary;
  EXPECT_FALSE(check_named(report, "no_forged_writes")->passed) << report.summary;
}

}  // namespace
}  // namespace qm::sim
