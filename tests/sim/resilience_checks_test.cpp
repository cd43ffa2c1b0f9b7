// The resilience checks on made-up observations: each one fails when its property breaks
// (a call leaks through an open breaker, an attempt starts past its deadline, retries exceed
// the budget, a subject is admitted past its limit, a 429 lacks its fields), and holds when
// it does not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/resilience_checks.hpp"
#include "sim/scenario/steps.hpp"

namespace qm::sim {
namespace {

const time_point t0 = from_unix_us(1'000'000'000);

std::string at(std::int64_t ms_after, const std::string& rest) {
  return std::to_string(to_unix_us(t0) + ms_after * 1000) + " " + rest;
}

std::string breaker_line(std::int64_t ms_after, const std::string& from, const std::string& to) {
  return at(ms_after, "gateway log {\"ts\":\"1970-01-01T00:16:40.000Z\",\"level\":\"warn\",\"service\":\"gateway\","
                      "\"msg\":\"circuit breaker changed state\",\"upstream\":\"product\",\"from\":\"" + from +
                          "\",\"to\":\"" + to + "\"}");
}

std::string send_line(std::int64_t ms_after, int id) {
  return at(ms_after, "gateway send req#" + std::to_string(id) + " gateway->product GET /products");
}

struct fixture {
  scenario s;
  outcome_log log;
  std::vector<fault_window> windows{{t0 + seconds(1), t0 + seconds(5)}};
  std::vector<std::string> lines;
  std::string metrics;

  run_observations obs() {
    run_observations o{log, windows, t0, t0 + seconds(20), seconds(2), {}, {}, 0, 0, nullptr, nullptr, {}, nullptr, {}};
    o.trace_lines = &lines;
    o.metrics_text = [this](std::string_view) { return metrics; };
    return o;
  }
  check_result run(const check_spec& c) { return evaluate_resilience_check(c, s, obs()); }
};

check_spec breaker_check(check_kind k) {
  check_spec c;
  c.kind = k;
  c.node = "gateway";
  c.upstream = "product";
  c.max_probes = 2;
  c.fault_index = 0;
  c.within = seconds(1);
  return c;
}

TEST(resilience_checks, parses_trace_lines) {
  const auto e = parse_trace_line("123 gateway log warn \"x y\" a=b");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->t_us, 123);
  EXPECT_EQ(e->node, "gateway");
  EXPECT_EQ(e->kind, "log");
  EXPECT_EQ(e->detail, "warn \"x y\" a=b");
  EXPECT_FALSE(parse_trace_line("x gateway log").has_value());
}

TEST(resilience_checks, breaker_blocks_calls_holds_for_a_clean_trace) {
  fixture f;
  f.lines = {send_line(1000, 1),        breaker_line(1100, "closed", "open"),
             breaker_line(6100, "open", "half_open"), send_line(6100, 2), send_line(6100, 3),
             send_line(6200, 4),        breaker_line(6300, "half_open", "closed"), send_line(6400, 5)};
  const auto r = f.run(breaker_check(check_kind::breaker_blocks_calls));
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_TRUE(f.run(breaker_check(check_kind::breaker_opens)).passed);
  check_spec closes = breaker_check(check_kind::breaker_closes);
  closes.within = seconds(2);  // closed 1.3 s after the fault ended
  EXPECT_TRUE(f.run(closes).passed) << f.run(closes).detail;
  closes.within = seconds(1);
  EXPECT_FALSE(f.run(closes).passed);
}

TEST(resilience_checks, breaker_blocks_calls_fails_on_a_send_while_open) {
  fixture f;
  f.lines = {breaker_line(1100, "closed", "open"), send_line(2000, 1),
             breaker_line(6100, "open", "half_open"), breaker_line(6300, "half_open", "closed")};
  const auto r = f.run(breaker_check(check_kind::breaker_blocks_calls));
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.detail.find("1 sends while open"), std::string::npos) << r.detail;
}

TEST(resilience_checks, breaker_blocks_calls_fails_on_too_many_probes) {
  fixture f;
  // Two probe slots: at most 2 + 2 - 1 = 3 sends in one half-open episode.
  f.lines = {breaker_line(1100, "closed", "open"), breaker_line(6100, "open", "half_open"),
             send_line(6100, 1), send_line(6100, 2), send_line(6101, 3), send_line(6102, 4)};
  EXPECT_FALSE(f.run(breaker_check(check_kind::breaker_blocks_calls)).passed);
}

TEST(resilience_checks, breaker_checks_fail_when_the_breaker_never_opens) {
  fixture f;
  f.lines = {send_line(1000, 1), send_line(2000, 2)};
  EXPECT_FALSE(f.run(breaker_check(check_kind::breaker_blocks_calls)).passed);
  EXPECT_FALSE(f.run(breaker_check(check_kind::breaker_opens)).passed);
  EXPECT_FALSE(f.run(breaker_check(check_kind::breaker_closes)).passed);
}

TEST(resilience_checks, breaker_stays_closed_needs_calls_in_the_fault_and_no_opening) {
  const check_spec stays = breaker_check(check_kind::breaker_stays_closed);
  fixture calm;
  calm.lines = {send_line(500, 1), send_line(2000, 2), send_line(3000, 3)};
  const auto r = calm.run(stays);
  EXPECT_TRUE(r.passed) << r.detail;
  EXPECT_NE(r.detail.find("2 calls sent to product inside faults[0]"), std::string::npos) << r.detail;

  fixture opened;  // opened and closed again: it still opened
  opened.lines = {send_line(2000, 1), breaker_line(2100, "closed", "open"),
                  breaker_line(7100, "open", "half_open"), breaker_line(7200, "half_open", "closed")};
  EXPECT_FALSE(opened.run(stays).passed);

  fixture idle;  // never tried during the fault: nothing to judge
  idle.lines = {send_line(500, 1), send_line(6000, 2)};
  EXPECT_FALSE(idle.run(stays).passed);
}

TEST(resilience_checks, breaker_opens_late_fails) {
  fixture f;
  f.lines = {breaker_line(3000, "closed", "open")};  // 2 s after the fault began; bound 1 s
  EXPECT_FALSE(f.run(breaker_check(check_kind::breaker_opens)).passed);
}

TEST(resilience_checks, no_attempt_past_deadline_fails_on_a_late_attempt) {
  fixture f;
  check_spec c;
  c.kind = check_kind::no_attempt_past_deadline;
  c.node = "gateway";
  f.lines = {send_line(1000, 1)};
  EXPECT_TRUE(f.run(c).passed);
  f.lines.push_back(at(1500, "gateway timeout req#2 gateway->product deadline already past"));
  EXPECT_FALSE(f.run(c).passed);
}

TEST(resilience_checks, retry_amplification_fails_past_the_budget) {
  fixture f;
  check_spec c = breaker_check(check_kind::retry_amplification);
  c.ratio = 0.2;
  c.floor_per_s = 0.1;
  c.window = seconds(1);
  for (int i = 0; i < 100; ++i) {
    f.lines.push_back(send_line(i, i));
  }
  f.metrics = "upstream_retries_total{upstream=\"product\"} 10\nupstream_retries_total{upstream=\"auth\"} 90\n";
  EXPECT_TRUE(f.run(c).passed) << f.run(c).detail;  // 100 <= 1.2 x 90 + 0.1 x 1.1
  f.metrics = "upstream_retries_total{upstream=\"product\"} 40\n";
  EXPECT_FALSE(f.run(c).passed) << f.run(c).detail;  // 100 > 1.2 x 60 + 0.11
}

request_record admitted_by(outcome_log& log, const std::string& subject, std::int64_t ms_after, int status = 200) {
  request_record r;
  r.subject = log.subject_id(subject);
  r.limit_class = limit_class_tag::auth;
  r.status = status;
  r.start = t0 + ms(ms_after);
  r.end = r.start + ms(2);
  if (status == 429) {
    r.limit_header = 20;
    r.remaining_header = 0;
    r.retry_after_s = 3;
    r.flags = flag_rate_fields;
  }
  return r;
}

TEST(resilience_checks, rate_limit_holds_fails_past_the_limit) {
  fixture f;
  f.s.settings["gateway"]["rate_limit_auth"] = "3/1m";
  check_spec c;
  c.kind = check_kind::rate_limit_holds;
  for (int i = 0; i < 3; ++i) {
    f.log.add(admitted_by(f.log, "ip:a", 100 * i));
  }
  f.log.add(admitted_by(f.log, "ip:a", 400, 429));
  EXPECT_TRUE(f.run(c).passed) << f.run(c).detail;
  f.log.add(admitted_by(f.log, "ip:a", 59'000));  // a fourth admission inside the minute
  EXPECT_FALSE(f.run(c).passed);
  f.lines = {at(30'000, "gateway log warn \"rate limiting is back on the kv\" from=half_open to=closed")};
  EXPECT_TRUE(f.run(c).passed) << f.run(c).detail;  // a window across the switch back: 2 x limit
}

TEST(resilience_checks, rate_limit_holds_fails_when_nothing_was_limited) {
  fixture f;
  check_spec c;
  c.kind = check_kind::rate_limit_holds;
  f.log.add(admitted_by(f.log, "ip:a", 0));
  EXPECT_FALSE(f.run(c).passed);
}

TEST(resilience_checks, rate_limit_headers_fail_on_a_wrong_field) {
  fixture f;
  check_spec c;
  c.kind = check_kind::rate_limit_headers;
  f.log.add(admitted_by(f.log, "ip:a", 0, 429));
  EXPECT_TRUE(f.run(c).passed) << f.run(c).detail;
  auto bad = admitted_by(f.log, "ip:a", 10, 429);
  bad.remaining_header = 1;
  f.log.add(bad);
  EXPECT_FALSE(f.run(c).passed);
}

TEST(resilience_checks, outcome_checks_judge_their_steps) {
  fixture f;
  request_record r;
  r.step = step_impostor;
  r.status = 401;
  f.log.add(r);
  check_spec never;
  never.kind = check_kind::never_outcomes;
  never.step = "impostor";
  never.outcomes = {"2xx"};
  check_spec only;
  only.kind = check_kind::only_outcomes;
  only.step = "impostor";
  only.allowed = {"401"};
  EXPECT_TRUE(f.run(never).passed);
  EXPECT_TRUE(f.run(only).passed);
  r.status = 200;
  f.log.add(r);
  EXPECT_FALSE(f.run(never).passed);
  EXPECT_FALSE(f.run(only).passed);
  never.step = "spoof";  // nothing to judge
  EXPECT_FALSE(f.run(never).passed);
}

TEST(resilience_checks, metric_at_least_sums_matching_series) {
  fixture f;
  check_spec c;
  c.kind = check_kind::metric_at_least;
  c.node = "gateway";
  c.metric = "auth_decisions_total";
  c.labels = {{"source", "fallback"}};
  c.min_rate = 5;
  f.metrics = "# TYPE auth_decisions_total counter\n"
              "auth_decisions_total{source=\"fallback\",outcome=\"allowed\"} 3\n"
              "auth_decisions_total{outcome=\"inactive_token\",source=\"fallback\"} 2\n"
              "auth_decisions_total{source=\"cache\",outcome=\"allowed\"} 50\n";
  EXPECT_TRUE(f.run(c).passed) << f.run(c).detail;
  c.min_rate = 6;
  EXPECT_FALSE(f.run(c).passed);
}

}  // namespace
}  // namespace qm::sim
