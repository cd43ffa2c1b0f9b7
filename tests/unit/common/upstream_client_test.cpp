// services::upstream_client on the in-process host: what reaches the upstream (bulkhead,
// breaker, retries, deadline, identity) and what comes back, attempt by attempt.

#include <gtest/gtest.h>

#include "core/identity/user_context.hpp"
#include "core/resilience/deadline.hpp"
#include "core/resilience/dependency_down.hpp"
#include "services/common/upstream_client.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
const std::string secret = "upstream-client-test-context-0123456789";

class upstream_client_test : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{3};
  in_process_http http;
  service_host host{"caller", clock, random, http, nullptr};
  http::router upstream;
  std::vector<http::request> received;
  std::vector<int> answers;  // statuses to answer in turn; 200 once they run out
  std::optional<std::string> retry_after;
  std::optional<std::string> dependency_down;  // marks the upstream's 503s

  void SetUp() override {
    const auto handler = [this](http::request_context rc) -> task<http::response> {
      received.push_back(rc.request);
      int status = 200;
      if (!answers.empty()) {
        status = answers.front();
        answers.erase(answers.begin());
      }
      http::response r;
      r.status = status;
      if (retry_after && status == 503) {
        r.headers.set("Retry-After", *retry_after);
      }
      if (dependency_down && status == 503) {
        r.headers.set(std::string(resilience::dependency_down_header), *dependency_down);
      }
      co_return r;
    };
    upstream.add(http::method::get, "/things", handler);
    upstream.add(http::method::post, "/things", handler);
    upstream.add(http::method::get, "/internal/things", handler);
    http.attach("up", upstream);
  }

  services::upstream_policy policy() {
    services::upstream_policy p;
    p.attempt_timeout = ms(300);
    return p;
  }

  static services::call_options options(time_point deadline, const observe::request_scope* origin = nullptr,
                                        bool idempotent = false) {
    services::call_options o;
    o.deadline = deadline;
    o.origin = origin;
    o.idempotent = idempotent;
    return o;
  }

  rt::call_result call(services::upstream_client& client, http::method verb, std::string target,
                       services::call_options opts = {}) {
    http::request req;
    req.verb = verb;
    req.target = std::move(target);
    return run_now(client.call("up", std::move(req), opts));
  }
};

TEST_F(upstream_client_test, a_get_is_retried_on_5xx_and_connection_errors_a_post_is_not) {
  services::upstream_client client(host.runtime(), secret, policy());
  answers = {503, 502};
  auto r = call(client, http::method::get, "/things");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(received.size(), 3U);
  answers = {503};
  r = call(client, http::method::post, "/things");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(received.size(), 4U);
  // Unless the caller says it is safe to repeat (an idempotency key).
  answers = {503};
  r = call(client, http::method::post, "/things", options({}, nullptr, true));
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(received.size(), 6U);
  // 4xx is an answer, not a failure: never retried.
  answers = {404};
  r = call(client, http::method::get, "/things");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(received.size(), 7U);
}

TEST_F(upstream_client_test, retries_stop_at_max_attempts_and_honour_retry_after) {
  services::upstream_client client(host.runtime(), secret, policy());
  answers = {503, 503, 503, 503};
  retry_after = "2";
  const time_point start = clock.now();
  auto r = call(client, http::method::get, "/things", options(t0 + seconds(10)));
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(received.size(), 3U);  // max_attempts 3
  EXPECT_GE(clock.now() - start, seconds(4));  // two waits of at least Retry-After
}

TEST_F(upstream_client_test, no_attempt_starts_that_cannot_finish_before_the_deadline) {
  services::upstream_client client(host.runtime(), secret, policy());
  answers = {503, 503, 503};
  retry_after = "2";
  auto r = call(client, http::method::get, "/things", options(t0 + seconds(1)));
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(received.size(), 1U);  // waiting 2 s would pass the deadline
  ASSERT_EQ(http.deadlines.size(), 1U);
  EXPECT_EQ(http.deadlines[0], t0 + ms(300));  // the attempt timeout comes first
  EXPECT_EQ(received[0].headers.get(resilience::deadline_header), "300");
}

TEST_F(upstream_client_test, the_breaker_opens_after_five_failures_and_fails_fast) {
  auto p = policy();
  p.retry.max_attempts = 1;
  services::upstream_client client(host.runtime(), secret, p);
  answers = {500, 500, 500, 500, 500};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call(client, http::method::get, "/things")->status, 500);
  }
  auto r = call(client, http::method::get, "/things");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rt::call_errc::circuit_open);
  EXPECT_EQ(received.size(), 5U);
  EXPECT_EQ(client.breaker("up").state(), resilience::breaker_state::open);
  EXPECT_EQ(host.metrics().get_gauge("circuit_breaker_state", "", {{"upstream", "up"}}).value(), 1.0);
  EXPECT_EQ(host.metrics()
                .get_counter("circuit_breaker_transitions_total", "",
                             {{"upstream", "up"}, {"from", "closed"}, {"to", "open"}})
                .value(),
            1.0);
  EXPECT_TRUE(host.log().saw("circuit breaker changed state"));
  // After the wait, probes find the upstream back and close it.
  clock.advance(seconds(6));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call(client, http::method::get, "/things")->status, 200);
  }
  EXPECT_EQ(client.breaker("up").state(), resilience::breaker_state::closed);
}

TEST_F(upstream_client_test, an_open_breaker_ends_retries_at_once) {
  auto p = policy();
  p.breaker.consecutive_failure_threshold = 2;
  services::upstream_client client(host.runtime(), secret, p);
  answers = {503, 503, 503};
  auto r = call(client, http::method::get, "/things");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rt::call_errc::circuit_open);
  EXPECT_EQ(received.size(), 2U);
}

TEST_F(upstream_client_test, connection_failures_count_and_the_client_s_own_refusals_do_not) {
  auto p = policy();
  p.retry.max_attempts = 1;
  services::upstream_client client(host.runtime(), secret, p);
  http.failures["up"] = rt::call_errc::connect_failed;
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(call(client, http::method::get, "/things").ok());
  }
  EXPECT_EQ(client.breaker("up").state(), resilience::breaker_state::open);
  EXPECT_TRUE(services::is_upstream_failure(make_unexpected(rt::call_error{rt::call_errc::timeout, ""})));
  EXPECT_FALSE(services::is_upstream_failure(make_unexpected(rt::call_error{rt::call_errc::circuit_open, ""})));
  EXPECT_FALSE(services::is_upstream_failure(make_unexpected(rt::call_error{rt::call_errc::overloaded, ""})));
  http::response not_implemented;
  not_implemented.status = 501;
  EXPECT_FALSE(services::is_upstream_failure(not_implemented));
}

// An upstream answering 503 because its own dependency is down is healthy: its caller's breaker
// stays closed and the call is not repeated (it cannot help). Unmarked 503s still count.
TEST_F(upstream_client_test, a_503_marked_with_the_dependency_it_waits_on_does_not_count_against_the_upstream) {
  auto p = policy();
  p.breaker.consecutive_failure_threshold = 3;
  services::upstream_client client(host.runtime(), secret, p);
  dependency_down = "product";
  answers = std::vector<int>(10, 503);
  for (int i = 0; i < 10; ++i) {
    auto r = call(client, http::method::get, "/things");  // a GET: retryable if it counted
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503);
  }
  EXPECT_EQ(received.size(), 10U) << "no retries";
  EXPECT_EQ(client.breaker("up").state(), resilience::breaker_state::closed);
  EXPECT_EQ(host.metrics().get_counter("upstream_retries_total", "", {{"upstream", "up"}}).value(), 0.0);

  dependency_down.reset();
  answers = {503, 503, 503};
  p.retry.max_attempts = 1;
  services::upstream_client unmarked(host.runtime(), secret, p);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call(unmarked, http::method::get, "/things")->status, 503);
  }
  EXPECT_EQ(unmarked.breaker("up").state(), resilience::breaker_state::open);
  http::response marked_500;
  marked_500.status = 500;
  marked_500.headers.set(std::string(resilience::dependency_down_header), "product");
  EXPECT_TRUE(services::is_upstream_failure(marked_500)) << "only a 503 may say it waits";
}

TEST_F(upstream_client_test, internal_calls_carry_this_service_s_signed_context) {
  services::upstream_client client(host.runtime(), secret, policy());
  observe::request_scope origin;
  origin.request_id = "rid-7";
  EXPECT_TRUE(call(client, http::method::get, "/internal/things", options({}, &origin)).ok());
  EXPECT_TRUE(call(client, http::method::get, "/things").ok());
  ASSERT_EQ(received.size(), 2U);
  const auto ctx = received[0].headers.get(identity::context_header);
  ASSERT_TRUE(ctx.has_value());
  auto verified = identity::verify(*ctx, secret, to_unix_seconds(t0));
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->role, identity::role_service);
  EXPECT_EQ(verified->user_id, 0);
  EXPECT_EQ(received[0].headers.get("X-Request-ID"), "rid-7");
  EXPECT_FALSE(received[1].headers.contains(identity::context_header));
}

TEST_F(upstream_client_test, every_attempt_carries_the_request_id_and_a_child_traceparent) {
  services::upstream_client client(host.runtime(), secret, policy());
  observe::request_scope origin;
  origin.request_id = "rid-8";
  origin.span = observe::open_span(
      observe::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), 0x5a, 0, 0);
  answers = {503};
  EXPECT_TRUE(call(client, http::method::get, "/things", options({}, &origin)).ok());
  ASSERT_EQ(received.size(), 2U) << "one retry";
  for (const auto& r : received) {
    EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-8");
    // The parent is the span of the request the call serves, so the upstream's span is its child.
    EXPECT_EQ(r.headers.get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-000000000000005a-01");
  }
}

TEST_F(upstream_client_test, background_calls_start_a_trace_and_a_request_id_of_their_own) {
  services::upstream_client client(host.runtime(), secret, policy());
  EXPECT_TRUE(call(client, http::method::get, "/things").ok());
  EXPECT_TRUE(call(client, http::method::get, "/things").ok());
  ASSERT_EQ(received.size(), 2U);
  const auto first = observe::parse_traceparent(received[0].headers.get("traceparent").value_or(""));
  const auto second = observe::parse_traceparent(received[1].headers.get("traceparent").value_or(""));
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_NE(first->trace_id, second->trace_id);
  const auto id = received[0].headers.get("X-Request-ID");
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(observe::is_well_formed_request_id(*id));
  EXPECT_NE(id, received[1].headers.get("X-Request-ID"));
}

TEST_F(upstream_client_test, settings_are_read_bounded_and_named_in_errors) {
  map_settings config;
  auto p = services::upstream_policy_settings(config, ms(700));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->attempt_timeout, ms(700));
  EXPECT_EQ(p->breaker.consecutive_failure_threshold, 5);
  EXPECT_EQ(p->retry.max_attempts, 3);
  config.set("retry_max_attempts", "11");
  auto bad = services::upstream_policy_settings(config, ms(700));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("retry_max_attempts"), std::string::npos);
}

}  // namespace
}  // namespace qm::test
