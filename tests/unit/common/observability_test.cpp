// The health and metrics routes every service installs (services/common/observability.hpp):
// readiness over the database and the required upstreams only, probes that never move a
// breaker and are cached, the detailed report, /metrics quantiles, and the gateway answering
// its metrics only to private clients.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "core/metrics/registry.hpp"
#include "services/common/build_info.hpp"
#include "services/common/observability.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
const std::string secret = "observability-test-secret-0123456789";

json::object parse(const http::response& r) { return boost::json::parse(r.body).as_object(); }

http::request get(std::string target) { return make_request(http::method::get, std::move(target)); }

// A fake upstream that answers GET /health with a status the test sets.
struct fake_upstream {
  int health_status = 200;
  int probes = 0;
  http::router routes;

  fake_upstream() {
    routes.add(http::method::get, "/health", [this](http::request_context) -> task<http::response> {
      ++probes;
      co_return http::json_response(health_status, R"({"status":"ok"})");
    });
  }
};

class cart_health : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{3};
  in_process_http http;
  fake_upstream product;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host cart{"cart", clock, random, http, db.get()};

  void SetUp() override {
    http.attach("product", product.routes);
    cart.config().set("context_secret", secret);
    configure(cart.config());
    ASSERT_TRUE(cart.start());
  }
  virtual void configure(map_settings&) {}

  http::response ready() { return cart.handle(get("/health/ready")); }
};

TEST_F(cart_health, liveness_touches_nothing) {
  db->fail_with = sql::errc::unavailable;
  http.failures["product"] = rt::call_errc::connect_failed;
  const std::uint64_t transactions = db->transactions;
  const std::size_t sent = http.sent.size();
  auto r = cart.handle(get("/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).at("status"), "ok");
  EXPECT_EQ(db->transactions, transactions);
  EXPECT_EQ(http.sent.size(), sent);
}

TEST_F(cart_health, ready_when_the_database_and_product_answer) {
  auto r = ready();
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("status"), "ready");
  EXPECT_TRUE(o.at("checks").at("database").at("ok").as_bool());
  EXPECT_TRUE(o.at("checks").at("product").at("ok").as_bool());
  EXPECT_FALSE(o.contains("failed"));
  EXPECT_EQ(product.probes, 1);
  EXPECT_EQ(db->last_timeout, services::check_timeout);
}

TEST_F(cart_health, unready_while_the_database_is_down) {
  db->fail_with = sql::errc::unavailable;
  auto r = ready();
  ASSERT_EQ(r.status, 503) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("status"), "unready");
  EXPECT_EQ(o.at("failed").as_array(), json::array({"database"}));
  EXPECT_EQ(o.at("checks").at("database").at("error"), "unavailable");
}

TEST_F(cart_health, unready_while_a_required_upstream_is_down) {
  http.failures["product"] = rt::call_errc::connect_failed;
  auto r = ready();
  ASSERT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(parse(r).at("failed").as_array(), json::array({"product"}));
  EXPECT_EQ(parse(r).at("checks").at("product").at("error"), "connect_failed");
  // An upstream that answers, but not 200, is not ready either.
  http.failures.clear();
  product.health_status = 503;
  clock.advance(services::check_cache_ttl);
  r = ready();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(parse(r).at("checks").at("product").at("error"), "status 503");
}

TEST_F(cart_health, results_are_reused_for_a_second) {
  ASSERT_EQ(ready().status, 200);
  const std::uint64_t transactions = db->transactions;
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(ready().status, 200);
  }
  EXPECT_EQ(product.probes, 1);
  EXPECT_EQ(db->transactions, transactions);
  // Down now, but the answer of a moment ago still stands until it is a second old.
  product.health_status = 500;
  clock.advance(services::check_cache_ttl - ms(1));
  EXPECT_EQ(ready().status, 200);
  clock.advance(ms(1));
  EXPECT_EQ(ready().status, 503);
  EXPECT_EQ(product.probes, 2);
  EXPECT_EQ(db->transactions, transactions + 1);
}

TEST_F(cart_health, probes_never_move_the_breaker) {
  http.failures["product"] = rt::call_errc::timeout;
  for (int i = 0; i < 20; ++i) {
    clock.advance(services::check_cache_ttl);
    ASSERT_EQ(ready().status, 503);
  }
  auto o = parse(cart.handle(get("/health/detailed")));
  EXPECT_EQ(o.at("upstreams").at("product").at("breaker"), "closed");
  // Every probe went to product's /health itself, never through the service's own client.
  for (const auto& sent : http.sent) {
    EXPECT_EQ(sent.target, "/health");
  }
}

TEST_F(cart_health, the_detailed_report) {
  clock.advance(seconds(42));
  auto r = cart.handle(get("/health/detailed"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("service"), "cart");
  EXPECT_EQ(o.at("version").as_string(), services::build_version());
  EXPECT_EQ(o.at("commit").as_string(), services::build_commit());
  EXPECT_FALSE(services::build_commit().empty());
  EXPECT_EQ(o.at("uptime_s").as_int64(), 42);
  EXPECT_EQ(o.at("status"), "ready");
  const auto& storage = o.at("storage").as_object();
  EXPECT_EQ(storage.at("engine"), "sqlite");
  EXPECT_TRUE(storage.at("ok").as_bool());
  EXPECT_TRUE(storage.at("latency_ms").is_double());
  const auto& p = o.at("upstreams").at("product").as_object();
  EXPECT_TRUE(p.at("required").as_bool());
  EXPECT_TRUE(p.at("ok").as_bool());
  EXPECT_EQ(p.at("breaker"), "closed");
  EXPECT_EQ(p.at("breaker_mode"), "normal");
}

TEST_F(cart_health, the_detailed_report_shows_what_failed) {
  db->fail_with = sql::errc::timeout;
  http.failures["product"] = rt::call_errc::connect_failed;
  auto o = parse(cart.handle(get("/health/detailed")));
  EXPECT_EQ(o.at("status"), "unready");
  EXPECT_FALSE(o.at("storage").at("ok").as_bool());
  EXPECT_EQ(o.at("storage").at("error"), "timeout");
  EXPECT_FALSE(o.at("upstreams").at("product").at("ok").as_bool());
  EXPECT_EQ(o.at("upstreams").at("product").at("error"), "connect_failed");
}

TEST_F(cart_health, build_info_is_exported) {
  const std::string text = cart.metrics().expose_text();
  const std::string series = "quickmart_build_info{version=\"" + std::string(services::build_version()) +
                             "\",commit=\"" + std::string(services::build_commit()) + "\"} 1";
  EXPECT_NE(text.find(series), std::string::npos) << text;
}

TEST_F(cart_health, metrics_json_has_quantiles_per_route) {
  auto& m = cart.metrics();
  const metrics::labels cart_route = {{"route", "/cart"}};
  auto& h = m.get_histogram("http_request_duration_seconds", "", cart_route);
  for (int i = 0; i < 90; ++i) {
    h.observe(0.004);  // the 5 ms bucket
  }
  for (int i = 0; i < 10; ++i) {
    h.observe(0.8);  // the 1 s bucket
  }
  m.get_counter("http_request_errors_total", "", cart_route).inc(3);
  m.get_histogram("http_request_duration_seconds", "", {{"route", "/health"}}).observe(0.0005);
  auto r = cart.handle(get("/metrics"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("service"), "cart");
  const auto& routes = o.at("routes").as_array();
  ASSERT_EQ(routes.size(), 2U) << r.body;
  const auto& c = routes[0].as_object();  // in route order: "/cart" < "/health"
  EXPECT_EQ(c.at("route"), "/cart");
  EXPECT_EQ(c.at("count").to_number<std::uint64_t>(), 100U);
  EXPECT_EQ(c.at("errors").to_number<std::uint64_t>(), 3U);
  EXPECT_GT(c.at("p50_s").as_double(), 0.0025);
  EXPECT_LE(c.at("p50_s").as_double(), 0.005);
  EXPECT_GT(c.at("p95_s").as_double(), 0.5);
  EXPECT_LE(c.at("p95_s").as_double(), 1.0);
  EXPECT_LE(c.at("p99_s").as_double(), 1.0);
  EXPECT_GE(c.at("p99_s").as_double(), c.at("p95_s").as_double());
  EXPECT_NEAR(c.at("mean_s").as_double(), (90 * 0.004 + 10 * 0.8) / 100, 1e-9);
  EXPECT_EQ(routes[1].at("errors").to_number<std::uint64_t>(), 0U);
  const auto& totals = o.at("totals").as_object();
  EXPECT_EQ(totals.at("count").to_number<std::uint64_t>(), 101U);
  EXPECT_EQ(totals.at("errors").to_number<std::uint64_t>(), 3U);
  EXPECT_NEAR(totals.at("error_ratio").as_double(), 3.0 / 101, 1e-12);
}

TEST_F(cart_health, prometheus_text_with_its_content_type) {
  auto r = cart.handle(get("/metrics/prometheus"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), metrics::text_content_type);
  EXPECT_NE(r.body.find("# TYPE quickmart_build_info gauge"), std::string::npos);
}

class cart_without_required_upstreams : public cart_health {
  void configure(map_settings& s) override { s.set("ready_upstreams", "none"); }
};

TEST_F(cart_without_required_upstreams, ready_while_product_is_down) {
  http.failures["product"] = rt::call_errc::connect_failed;
  auto r = ready();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(parse(r).at("checks").as_object().contains("product"));
  // The detailed report still shows it, as not required.
  auto o = parse(cart.handle(get("/health/detailed")));
  EXPECT_FALSE(o.at("upstreams").at("product").at("required").as_bool());
  EXPECT_FALSE(o.at("upstreams").at("product").at("ok").as_bool());
  EXPECT_EQ(o.at("status"), "ready");
}

TEST(observability_settings, a_ready_upstream_the_service_does_not_call_is_refused) {
  manual_clock clock{t0};
  sim::prng random{4};
  in_process_http http;
  auto db = memory_storage();
  service_host cart{"cart", clock, random, http, db.get()};
  cart.config().set("context_secret", secret);
  cart.config().set("ready_upstreams", "product,prodcut");
  EXPECT_FALSE(cart.start());
  EXPECT_TRUE(cart.log().saw("ready_upstreams: 'prodcut' is not an upstream of cart"));
  EXPECT_FALSE(cart.routes().find(http::method::get, "/health").has_value());
}

TEST(observability_settings, defaults_require_only_hard_dependencies) {
  EXPECT_EQ(services::default_ready_upstreams("gateway"), std::vector<std::string>{"auth"});
  EXPECT_EQ(services::default_ready_upstreams("cart"), std::vector<std::string>{"product"});
  EXPECT_EQ(services::default_ready_upstreams("order"), (std::vector<std::string>{"product", "cart"}));
  EXPECT_EQ(services::default_ready_upstreams("delivery"), std::vector<std::string>{"order"});
  for (const char* s : {"auth", "product", "notification"}) {
    EXPECT_TRUE(services::default_ready_upstreams(s).empty()) << s;
  }
}

TEST(observability_services, every_service_answers_the_five_routes) {
  for (const char* name : {"auth", "product", "cart", "order", "delivery", "notification", "gateway"}) {
    manual_clock clock{t0};
    sim::prng random{5};
    in_process_http http;
    auto db = memory_storage();
    const bool has_db = std::string(name) != "gateway" && std::string(name) != "notification";
    service_host host{name, clock, random, http, has_db ? db.get() : nullptr};
    host.config().set("context_secret", secret);
    host.config().set("token_secret", "observability-token-secret-0123456789abcdef");
    host.config().set("scrypt_n", "1024");
    host.config().set("outbox_interval_ms", "0");  // no background loop on the manual clock
    ASSERT_TRUE(host.start()) << name;
    for (const char* route : {"/health", "/health/ready", "/health/detailed", "/metrics", "/metrics/prometheus"}) {
      EXPECT_TRUE(host.routes().find(http::method::get, route).has_value()) << name << " " << route;
    }
  }
}

// --- The gateway: metrics only for private clients.

class gateway_metrics_access : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{6};
  in_process_http http;
  fake_upstream auth;
  service_host gateway{"gateway", clock, random, http, nullptr};

  void SetUp() override {
    http.attach("auth", auth.routes);
    gateway.config().set("context_secret", secret);
    gateway.config().set("trusted_proxies", "10.0.0.5");
    ASSERT_TRUE(gateway.start());
  }

  // GET target as the server would dispatch it from peer.
  http::response from(std::string_view peer, std::string target, std::string forwarded_for = {}) {
    http::request req = get(std::move(target));
    if (!forwarded_for.empty()) {
      req.headers.add("X-Forwarded-For", forwarded_for);
    }
    auto m = gateway.routes().find(req.verb, req.path());
    QM_ASSERT(m.has_value());
    http::request_context ctx;
    ctx.request = std::move(req);
    ctx.params = std::move(m->params);
    ctx.route = m->route;
    ctx.deadline = clock.now() + seconds(5);
    ctx.peer = std::string(peer);
    return run_now((*m->target)(std::move(ctx)));
  }
};

TEST_F(gateway_metrics_access, refused_to_a_public_address) {
  for (const char* target : {"/metrics", "/metrics/prometheus", "/health/detailed"}) {
    auto r = from("203.0.113.7", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("quickmart_build_info"), std::string::npos);
    // The harness's own peer is public too.
    EXPECT_EQ(gateway.handle(get(target)).status, 404) << target;
  }
  // Liveness and readiness stay open: load balancers ask them.
  EXPECT_EQ(from("203.0.113.7", "/health").status, 200);
  EXPECT_EQ(from("203.0.113.7", "/health/ready").status, 200);
}

TEST_F(gateway_metrics_access, allowed_from_loopback_and_private_addresses) {
  for (const char* peer : {"127.0.0.1", "::1", "10.77.0.3", "192.168.4.4", "172.16.9.9"}) {
    auto r = from(peer, "/metrics/prometheus");
    EXPECT_EQ(r.status, 200) << peer;
    EXPECT_EQ(r.headers.get("Content-Type"), metrics::text_content_type);
  }
  auto r = from("127.0.0.1", "/health/detailed");
  ASSERT_EQ(r.status, 200);
  auto o = parse(r);
  EXPECT_EQ(o.at("rate_limit_backend"), "memory");
  EXPECT_TRUE(o.at("upstreams").at("auth").at("required").as_bool());
  EXPECT_FALSE(o.at("upstreams").at("product").at("required").as_bool());
}

TEST_F(gateway_metrics_access, behind_a_trusted_proxy_the_real_client_decides) {
  // The load balancer (trusted) forwards a private client: allowed.
  EXPECT_EQ(from("10.0.0.5", "/metrics", "192.168.1.20").status, 200);
  // ... a public client: refused, though the balancer's own address is private.
  EXPECT_EQ(from("10.0.0.5", "/metrics", "198.51.100.1").status, 404);
  // A public client claiming to be loopback is not believed: it is no trusted proxy.
  EXPECT_EQ(from("198.51.100.1", "/metrics", "127.0.0.1").status, 404);
  // A client prepending a private address behind the balancer: the rightmost untrusted wins.
  EXPECT_EQ(from("10.0.0.5", "/metrics", "127.0.0.1, 198.51.100.1").status, 404);
}

TEST_F(gateway_metrics_access, a_non_required_upstream_down_keeps_the_gateway_ready) {
  http.failures["product"] = rt::call_errc::connect_failed;
  http.failures["order"] = rt::call_errc::timeout;
  EXPECT_EQ(from("127.0.0.1", "/health/ready").status, 200);
  http.failures["auth"] = rt::call_errc::connect_failed;
  clock.advance(services::check_cache_ttl);
  auto r = from("127.0.0.1", "/health/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(parse(r).at("failed").as_array(), json::array({"auth"}));
}

TEST_F(gateway_metrics_access, the_detailed_report_shows_an_open_breaker) {
  // product cannot be reached: GET /products fails (retried: 3 attempts each) until the
  // breaker opens after 5 consecutive failures.
  http.failures["product"] = rt::call_errc::connect_failed;
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(from("127.0.0.1", "/products").status, 500);
  }
  auto o = parse(from("127.0.0.1", "/health/detailed"));
  EXPECT_EQ(o.at("upstreams").at("product").at("breaker"), "open");
  EXPECT_EQ(o.at("upstreams").at("auth").at("breaker"), "closed");
  EXPECT_EQ(o.at("status"), "ready");  // product is no requirement of the gateway
}

TEST(gateway_metrics_settings, allowed_cidrs_can_be_set_and_a_bad_one_refuses_to_start) {
  manual_clock clock{t0};
  sim::prng random{7};
  in_process_http http;
  service_host good{"gateway", clock, random, http, nullptr};
  good.config().set("context_secret", secret);
  good.config().set("metrics_allowed_cidrs", "192.0.2.0/24");
  ASSERT_TRUE(good.start());
  EXPECT_EQ(good.handle(get("/metrics")).status, 200);  // the harness's peer is 192.0.2.10

  service_host bad{"gateway", clock, random, http, nullptr};
  bad.config().set("context_secret", secret);
  bad.config().set("metrics_allowed_cidrs", "10.0.0.0/33");
  EXPECT_FALSE(bad.start());
  EXPECT_TRUE(bad.log().saw("metrics_allowed_cidrs"));
}

}  // namespace
}  // namespace qm::test
