// What every server does around a routed request: the request id and span it opens, and the
// metrics and access log line it writes when the answer goes out.

#include <gtest/gtest.h>

#include "runtime/request_observer.hpp"
#include "sim/engine/prng.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

struct observer_fixture : ::testing::Test {
  metrics::registry registry;
  recording_logger log;
  sim::prng ids{sim::prng::derive(7, "observer")};
  rt::request_observer observer{registry, log};

  http::request request(std::optional<std::string> request_id = std::nullopt,
                        std::optional<std::string> traceparent = std::nullopt) {
    http::request r;
    r.verb = http::method::post;
    r.target = "/orders/checkout";
    if (request_id) {
      r.headers.set("X-Request-ID", *request_id);
    }
    if (traceparent) {
      r.headers.set("traceparent", *traceparent);
    }
    return r;
  }
};

TEST_F(observer_fixture, keeps_a_well_formed_request_id_and_continues_the_callers_trace) {
  auto req = request("client-7", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const auto scope = observer.open(req, "/orders/checkout", ids);
  EXPECT_EQ(scope->request_id, "client-7");
  EXPECT_EQ(scope->span.trace_id_view(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(scope->span.parent_id_view(), "00f067aa0ba902b7");
  EXPECT_EQ(scope->method, "POST");
  EXPECT_EQ(scope->route, "/orders/checkout");
}

TEST_F(observer_fixture, finds_the_fields_whatever_the_case_of_their_names) {
  http::request req;
  req.verb = http::method::get;
  req.target = "/orders";
  req.headers.add("Content-Type", "application/json");  // as long as X-Request-ID
  req.headers.add("x-request-id", "lower-1");
  req.headers.add("TraceParent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const auto scope = observer.open(req, "/orders", ids);
  EXPECT_EQ(scope->request_id, "lower-1");
  EXPECT_EQ(scope->span.parent_id_view(), "00f067aa0ba902b7");
}

TEST_F(observer_fixture, replaces_a_malformed_request_id_in_the_request_and_starts_a_trace) {
  auto req = request("bad id\r\nX-Evil: 1", "00-not-a-traceparent");
  const auto scope = observer.open(req, "/orders/checkout", ids);
  EXPECT_TRUE(observe::is_well_formed_request_id(scope->request_id));
  EXPECT_EQ(req.headers.get("X-Request-ID"), scope->request_id) << "handlers and onward calls see the same id";
  EXPECT_FALSE(scope->span.has_parent());
  auto again = request();
  EXPECT_NE(observer.open(again, "/orders/checkout", ids)->span.trace_id_view(), scope->span.trace_id_view());
}

TEST_F(observer_fixture, counts_times_and_logs_each_answer) {
  auto req = request("r-1");
  auto scope = observer.open(req, "/orders/checkout", ids);
  scope->user_id = 42;
  observer.handler_started();
  EXPECT_EQ(registry.get_gauge("http_requests_in_flight", "").value(), 1);
  observer.handler_ended();
  observer.answered(*scope, 201, ms(12));
  auto other = request();
  observer.answered(*observer.open(other, "/orders/checkout", ids), 503, ms(40));

  EXPECT_EQ(registry.get_gauge("http_requests_in_flight", "").value(), 0);
  EXPECT_EQ(registry.get_counter("http_requests_total", "",
                                 {{"method", "POST"}, {"route", "/orders/checkout"}, {"status", "201"}})
                .value(),
            1);
  EXPECT_EQ(registry.get_counter("http_request_errors_total", "", {{"route", "/orders/checkout"}}).value(), 1);
  const auto& h = registry.get_histogram("http_request_duration_seconds", "", {{"route", "/orders/checkout"}});
  EXPECT_EQ(h.count(), 2u);
  EXPECT_NEAR(h.sum(), 0.052, 1e-9);

  ASSERT_EQ(log.lines().size(), 2u);
  EXPECT_TRUE(log.lines()[0].starts_with("info request request_id=r-1")) << log.lines()[0];
  EXPECT_NE(log.lines()[0].find("user_id=42"), std::string::npos);
  EXPECT_NE(log.lines()[0].find("status=201"), std::string::npos);
  EXPECT_NE(log.lines()[0].find("duration_ms=12.000"), std::string::npos);
  EXPECT_TRUE(log.lines()[1].starts_with("warn request")) << "a 5xx is logged at warn";
}

TEST_F(observer_fixture, random_paths_cannot_grow_the_series) {
  // The server labels every request no route matched "unmatched": whatever the path and
  // method, the set of series stays what it was after the first one.
  auto first = request();
  observer.answered(*observer.open(first, observe::unmatched_route, ids), 404, ms(1));
  const std::size_t series = registry.series_count();
  for (int i = 0; i < 2000; ++i) {
    http::request r;
    r.verb = i % 2 == 0 ? http::method::get : http::method::post;
    r.target = "/random/" + std::to_string(ids.next_u64());
    auto s = observer.open(r, observe::unmatched_route, ids);
    observer.answered(*s, i % 2 == 0 ? 404 : 405, ms(1));
  }
  EXPECT_LE(registry.series_count(), series + 3) << "one more method and one more status at most";
  EXPECT_NE(registry.expose_text().find("route=\"unmatched\""), std::string::npos);
}

TEST_F(observer_fixture, operators_can_turn_the_access_log_and_the_metrics_off) {
  rt::request_observer quiet(registry, log, rt::observer_options{false, false});
  auto req = request();
  quiet.answered(*quiet.open(req, "/x", ids), 200, ms(1));
  EXPECT_TRUE(log.lines().empty());
  EXPECT_EQ(registry.expose_text().find("http_requests_total"), std::string::npos);
}

}  // namespace
}  // namespace qm::test
