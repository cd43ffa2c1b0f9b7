// The gateway: its route table reaching every service, centralized authentication with a
// signed caller context, what it refuses, request ids, deadlines, the merged admin stats and
// how upstream failures reach the client. The upstreams are small fakes that record what
// they receive.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <set>
#include <string>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "core/resilience/dependency_down.hpp"
#include "core/token/jwt.hpp"
#include "services/gateway/forward.hpp"
#include "services/gateway/request_id.hpp"
#include "services/gateway/route_table.hpp"
#include "services/gateway/stale_cache.hpp"
#include "services/gateway/token_cache.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
const std::string context_secret = "gateway-test-context-0123456789abcdefgh";

struct received_call {
  std::string upstream;
  http::request request;
};

// The users the fake auth knows, by access token.
const std::map<std::string, std::pair<std::int64_t, std::string>, std::less<>> known_tokens = {
    {"tok-customer", {11, "customer"}},
    {"tok-partner", {22, "partner"}},
    {"tok-admin", {33, "admin"}},
};

// "/orders/{id}/cancel" -> "/orders/7/cancel"
std::string concrete(std::string_view path_template) {
  std::string out;
  bool in_param = false;
  for (const char ch : path_template) {
    if (ch == '{') {
      in_param = true;
      out += '7';
    } else if (ch == '}') {
      in_param = false;
    } else if (!in_param) {
      out += ch;
    }
  }
  return out;
}

class gateway_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{9};
  in_process_http http;
  std::map<std::string, http::router> upstreams;  // fakes of every service
  service_host gateway{"gateway", clock, random, http, nullptr};
  std::vector<received_call> received;
  std::set<std::string> stats_down;  // upstreams whose /admin/stats answers 503
  std::set<std::string> failing;     // upstreams whose routes answer 503

  void SetUp() override {
    for (const auto& route : gateway::gateway_routes) {
      const std::string upstream(route.upstream);
      upstreams[upstream].add(route.verb, std::string(route.path), echo(upstream));
    }
    for (const char* name : {"product", "order", "delivery"}) {
      const std::string upstream = name;
      upstreams[upstream].add(http::method::get, "/admin/stats",
                              [this, upstream](http::request_context rc) -> task<http::response> {
                                received.push_back({upstream, rc.request});
                                if (stats_down.count(upstream) > 0) {
                                  co_return http::error_response(503, "unavailable", "down", "");
                                }
                                co_return http::json_response(200, R"({"count":)" +
                                                                       std::to_string(upstream.size()) + "}");
                              });
    }
    upstreams["auth"].add(http::method::post, "/internal/verify-token",
                          [](http::request_context rc) -> task<http::response> {
                            const auto body = boost::json::parse(rc.request.body).as_object();
                            const std::string token(body.at("token").as_string());
                            json::object o;
                            const auto it = known_tokens.find(token);
                            o["active"] = it != known_tokens.end();
                            if (it != known_tokens.end()) {
                              o["user_id"] = it->second.first;
                              o["role"] = it->second.second;
                              o["exp"] = to_unix_seconds(t0) + 900;
                            }
                            co_return http::json_response(200, json::serialize(o));
                          });
    for (auto& [name, router] : upstreams) {
      http.attach(name, router);
    }
    gateway.config().set("upstream_timeout_ms", "300");
    gateway.config().set("context_secret", context_secret);
    // The routing tests send many requests from one address and make upstreams fail on
    // purpose: limits and the breaker stay out of their way unless a test turns them on.
    gateway.config().set("rate_limit_enabled", "0");
    gateway.config().set("breaker_failures", "0");
    gateway.config().set("breaker_failure_rate_percent", "101");
    configure(gateway.config());
    ASSERT_TRUE(gateway.start());
  }

  // Settings of a derived fixture, applied before the gateway starts.
  virtual void configure(map_settings&) {}

  std::size_t received_by(std::string_view upstream) const {
    std::size_t n = 0;
    for (const auto& r : received) {
      n += r.upstream == upstream ? 1 : 0;
    }
    return n;
  }

  http::handler echo(std::string upstream) {
    return [this, upstream](http::request_context rc) -> task<http::response> {
      received.push_back({upstream, rc.request});
      if (failing.count(upstream) > 0) {
        co_return http::error_response(503, "unavailable", "down", "");
      }
      http::response r;
      r.status = 201;
      r.headers.set("X-Upstream", upstream);
      r.headers.set("Connection", "close");
      r.headers.set(std::string(resilience::dependency_down_header), "product");
      r.body = "echo:" + rc.request.body;
      co_return r;
    };
  }

  http::response send(http::method verb, std::string target, std::string body = {},
                      std::optional<std::string> request_id = std::nullopt,
                      std::string_view token = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    if (request_id) {
      req.headers.set("X-Request-ID", *request_id);
    }
    if (!token.empty()) {
      req.headers.set("Authorization", "Bearer " + std::string(token));
    }
    return gateway.handle(std::move(req));
  }
};

TEST_F(gateway_routes, every_route_in_the_table_reaches_its_service_with_the_path_unchanged) {
  for (const auto& route : gateway::gateway_routes) {
    received.clear();
    const std::string path = concrete(route.path) + "?limit=5";
    auto r = send(route.verb, path, "{}", std::nullopt, "tok-admin");
    ASSERT_EQ(r.status, 201) << http::to_string(route.verb) << " " << route.path << ": " << r.body;
    EXPECT_EQ(r.headers.get("X-Upstream"), route.upstream);
    ASSERT_EQ(received.size(), 1U) << route.path;
    EXPECT_EQ(received[0].upstream, route.upstream);
    EXPECT_EQ(received[0].request.target, path);
  }
}

TEST_F(gateway_routes, copies_the_answer_back_without_hop_by_hop_headers) {
  auto req = make_request(http::method::post, "/auth/login?x=1", R"({"a":1})");
  req.headers.set("Authorization", "Bearer abc");
  req.headers.set("Connection", "keep-alive");
  req.headers.set("Transfer-Encoding", "chunked");
  req.headers.set(std::string(resilience::dependency_down_header), "forged");
  auto r = gateway.handle(std::move(req));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"(echo:{"a":1})");
  EXPECT_EQ(r.headers.get("X-Upstream"), "auth");
  EXPECT_FALSE(r.headers.contains("Connection"));  // hop-by-hop, not copied back
  // The dependency marker stays between services, in both directions.
  EXPECT_FALSE(r.headers.contains(resilience::dependency_down_header));

  ASSERT_EQ(received.size(), 1U);
  const http::request& up = received.front().request;
  EXPECT_EQ(up.verb, http::method::post);
  EXPECT_EQ(up.target, "/auth/login?x=1");
  EXPECT_EQ(up.body, R"({"a":1})");
  EXPECT_EQ(up.headers.get("Authorization"), "Bearer abc");  // auth reads its own tokens
  EXPECT_EQ(up.headers.get("Content-Type"), "application/json");
  EXPECT_FALSE(up.headers.contains("Connection"));
  EXPECT_FALSE(up.headers.contains("Transfer-Encoding"));
  EXPECT_FALSE(up.headers.contains(identity::context_header));  // an open route has no caller
  EXPECT_FALSE(up.headers.contains(resilience::dependency_down_header));
}

TEST_F(gateway_routes, protected_routes_need_an_active_token_and_the_right_role) {
  struct expectation {
    http::method verb;
    std::string path;
    std::string_view token;
    int status;
  };
  const expectation cases[] = {
      {http::method::get, "/cart", "", 401},
      {http::method::get, "/cart", "tok-unknown", 401},
      {http::method::get, "/cart", "tok-customer", 201},
      {http::method::get, "/orders/5/tracking", "tok-customer", 201},
      {http::method::get, "/delivery/orders", "tok-customer", 403},
      {http::method::get, "/delivery/orders", "tok-partner", 201},
      {http::method::get, "/delivery/orders", "tok-admin", 201},
      {http::method::post, "/admin/products", "tok-partner", 403},
      {http::method::post, "/admin/products", "tok-customer", 403},
      {http::method::post, "/admin/products", "tok-admin", 201},
      {http::method::get, "/products", "", 201},
  };
  for (const auto& c : cases) {
    received.clear();
    auto r = send(c.verb, c.path, {}, std::nullopt, c.token);
    EXPECT_EQ(r.status, c.status) << c.path << " with '" << c.token << "': " << r.body;
    const std::size_t services_reached = c.status == 201 ? 1 : 0;
    std::size_t reached = 0;
    for (const auto& call : received) {
      reached += call.upstream != "auth" ? 1 : 0;
    }
    EXPECT_EQ(reached, services_reached) << c.path;
    if (c.status == 401) {
      EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer");
    }
    EXPECT_TRUE(r.headers.contains("X-Request-ID")) << c.path;  // refusals are traceable too
  }
  // A malformed Authorization header is no token at all.
  auto req = make_request(http::method::get, "/cart");
  req.headers.set("Authorization", "Basic dG9rLWN1c3RvbWVy");
  EXPECT_EQ(gateway.handle(std::move(req)).status, 401);
}

TEST_F(gateway_routes, services_receive_the_caller_signed_and_never_a_client_made_one) {
  auto req = make_request(http::method::get, "/cart");
  req.headers.set("Authorization", "Bearer tok-customer");
  req.headers.set("X-Request-ID", "rid-77");
  // A client trying to speak for someone else.
  const identity::user_context forged{33, "admin", to_unix_seconds(t0) + 60, ""};
  req.headers.set(std::string(identity::context_header), identity::sign(forged, context_secret));
  auto r = gateway.handle(std::move(req));
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(received.size(), 1U);
  const http::request& up = received[0].request;
  EXPECT_FALSE(up.headers.contains("Authorization"));  // the token stays at the edge
  const auto header = up.headers.get(identity::context_header);
  ASSERT_TRUE(header.has_value());
  auto caller = identity::verify(*header, context_secret, to_unix_seconds(t0));
  ASSERT_TRUE(caller.ok()) << identity::to_string(caller.error());
  EXPECT_EQ(caller->user_id, 11);
  EXPECT_EQ(caller->role, "customer");
  EXPECT_EQ(caller->request_id, "rid-77");
  EXPECT_EQ(caller->expires_at_s, to_unix_seconds(t0) + identity::context_lifetime_s);

  // On an open route the forged header is dropped as well.
  received.clear();
  auto open = make_request(http::method::get, "/products");
  open.headers.set(std::string(identity::context_header), identity::sign(forged, context_secret));
  EXPECT_EQ(gateway.handle(std::move(open)).status, 201);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_FALSE(received[0].request.headers.contains(identity::context_header));
}

TEST_F(gateway_routes, a_token_auth_vouched_for_is_trusted_for_the_cache_ttl_then_asked_again) {
  const auto introspections = [&] {
    std::size_t n = 0;
    for (const auto& req : http.sent) {
      n += req.target == "/internal/verify-token" ? 1 : 0;
    }
    return n;
  };
  ASSERT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 201);
  ASSERT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 201);
  EXPECT_EQ(introspections(), 1U);
  // The cached answer still meets role checks and still signs a fresh context.
  EXPECT_EQ(send(http::method::get, "/delivery/orders", {}, std::nullopt, "tok-customer").status, 403);
  const auto header = received.back().request.headers.get(identity::context_header);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(identity::verify(*header, context_secret, to_unix_seconds(t0))->user_id, 11);
  // An unknown token is remembered as inactive for a short while (5 s by default).
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-unknown").status, 401);
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-unknown").status, 401);
  EXPECT_EQ(introspections(), 2U);
  clock.advance(seconds(6));
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-unknown").status, 401);
  EXPECT_EQ(introspections(), 3U);
  // Past the TTL (30 s by default) auth is asked again.
  clock.advance(seconds(31));
  ASSERT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 201);
  EXPECT_EQ(introspections(), 4U);
}

TEST(gateway_token_cache, bounded_and_never_past_the_token_s_expiry) {
  gateway::token_cache cache(2, 30);
  cache.remember("a", {1, "customer"}, 1'000 + 10, 1'000);  // the token expires first
  EXPECT_TRUE(cache.find("a", 1'009).has_value());
  EXPECT_FALSE(cache.find("a", 1'010).has_value());
  cache.remember("b", {2, "admin"}, 5'000, 1'000);
  EXPECT_FALSE(cache.find("b", 1'030).has_value());  // the TTL ends first
  EXPECT_EQ(cache.find("b", 1'029)->caller.role, "admin");
  cache.remember("c", {3, "partner"}, 5'000, 1'000);
  EXPECT_EQ(cache.size(), 2U);  // the oldest ("a") made room
  EXPECT_FALSE(cache.find("a", 1'001).has_value());
  EXPECT_TRUE(cache.find("c", 1'001).has_value());
  gateway::token_cache off(2, 0);
  off.remember("a", {1, "customer"}, 5'000, 1'000);
  EXPECT_FALSE(off.find("a", 1'000).has_value());
  off.remember_inactive("x", 1'000);  // negative caching is off too
  EXPECT_EQ(off.size(), 0U);
}

TEST(gateway_token_cache, inactive_answers_are_kept_for_the_negative_ttl_only) {
  gateway::token_cache cache(4, 30, 5);
  cache.remember_inactive("bad", 1'000);
  ASSERT_TRUE(cache.find("bad", 1'004).has_value());
  EXPECT_FALSE(cache.find("bad", 1'004)->active);
  EXPECT_FALSE(cache.find("bad", 1'005).has_value());
  // A later positive answer for the same token replaces the negative one.
  cache.remember("bad", {5, "customer"}, 9'000, 1'006);
  EXPECT_TRUE(cache.find("bad", 1'007)->active);
}

TEST_F(gateway_routes, auth_unreachable_is_a_503_not_a_401) {
  http.failures["auth"] = rt::call_errc::connect_failed;
  auto r = send(http::method::get, "/cart", {}, "rid-2", "tok-customer");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("auth_unavailable"), std::string::npos);
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-2");
  EXPECT_TRUE(received.empty());
}

TEST_F(gateway_routes, internal_and_unknown_paths_never_leave_the_gateway) {
  EXPECT_EQ(send(http::method::post, "/internal/verify-token", R"({"token":"x"})").status, 404);
  EXPECT_EQ(send(http::method::post, "/internal/reservations", "{}", std::nullopt, "tok-admin").status, 404);
  EXPECT_EQ(send(http::method::get, "/auth").status, 404);
  EXPECT_EQ(send(http::method::get, "/auth/nothing").status, 404);
  EXPECT_EQ(send(http::method::get, "/products/1/2").status, 404);
  EXPECT_EQ(send(http::method::put, "/auth/login").status, 405);
  for (const char* sneaky : {"/auth/../internal/verify-token", "/auth/./login", "/auth/%2e%2e/internal"}) {
    EXPECT_EQ(send(http::method::post, sneaky).status, 404) << sneaky;
  }
  // Forms a template would match are refused before they could be normalised upstream.
  for (const char* sneaky : {"/products/%2e%2e", "/products/a%2Fb", "/products/a%5cb", "/products/a\\b",
                             "/products/.."}) {
    auto r = send(http::method::get, sneaky);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << sneaky << " " << r.status;
  }
  EXPECT_EQ(send(http::method::get, "/products/%2e%2e").status, 400);
  EXPECT_TRUE(received.empty());
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(gateway_routes, admin_stats_merges_the_services_and_says_when_it_is_partial) {
  EXPECT_EQ(send(http::method::get, "/admin/stats", {}, std::nullopt, "tok-customer").status, 403);
  auto r = send(http::method::get, "/admin/stats", {}, std::nullopt, "tok-admin");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(o.at("product").as_object().at("count").as_int64(), 7);
  EXPECT_EQ(o.at("order").as_object().at("count").as_int64(), 5);
  EXPECT_EQ(o.at("delivery").as_object().at("count").as_int64(), 8);
  EXPECT_FALSE(o.at("partial").as_bool());
  for (const auto& call : received) {
    const auto header = call.request.headers.get(identity::context_header);
    ASSERT_TRUE(header.has_value()) << call.upstream;
    EXPECT_EQ(identity::verify(*header, context_secret, to_unix_seconds(t0))->role, "admin");
  }

  stats_down = {"order"};
  http.failures["delivery"] = rt::call_errc::timeout;
  r = send(http::method::get, "/admin/stats", {}, std::nullopt, "tok-admin");
  ASSERT_EQ(r.status, 200) << r.body;
  o = boost::json::parse(r.body).as_object();
  EXPECT_TRUE(o.at("order").is_null());
  EXPECT_TRUE(o.at("delivery").is_null());
  EXPECT_TRUE(o.at("partial").as_bool());

  stats_down = {"order", "product"};
  r = send(http::method::get, "/admin/stats", {}, std::nullopt, "tok-admin");
  EXPECT_EQ(r.status, 503) << r.body;
}

TEST_F(gateway_routes, health) {
  auto r = send(http::method::get, "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(gateway_routes, request_id_from_a_client_is_kept_when_well_formed) {
  auto r = send(http::method::post, "/auth/login", "{}", "client-id_42");
  EXPECT_EQ(r.headers.get("X-Request-ID"), "client-id_42");
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].request.headers.get("X-Request-ID"), "client-id_42");
}

TEST_F(gateway_routes, request_id_is_generated_when_missing_or_malformed) {
  for (const std::optional<std::string>& bad :
       {std::optional<std::string>{}, std::optional<std::string>{"has space"},
        std::optional<std::string>{std::string(129, 'a')}, std::optional<std::string>{""},
        std::optional<std::string>{"inject\r\nX-Evil: 1"}}) {
    received.clear();
    auto r = send(http::method::post, "/auth/login", "{}", bad);
    const auto id = r.headers.get("X-Request-ID");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->size(), 32U);
    EXPECT_TRUE(observe::is_well_formed_request_id(*id));
    ASSERT_EQ(received.size(), 1U);
    EXPECT_EQ(received[0].request.headers.get("X-Request-ID"), *id);
    EXPECT_FALSE(received[0].request.headers.contains("X-Evil"));
  }
  // Generated ids differ from request to request.
  const auto b = send(http::method::post, "/auth/login", "{}", std::nullopt);
  const auto c = send(http::method::post, "/auth/login", "{}", std::nullopt);
  EXPECT_NE(b.headers.get("X-Request-ID"), c.headers.get("X-Request-ID"));
}

TEST_F(gateway_routes, upstream_calls_carry_a_deadline) {
  send(http::method::post, "/auth/login", "{}");
  ASSERT_EQ(http.deadlines.size(), 1U);
  EXPECT_EQ(http.deadlines[0], t0 + ms(300));
  // A caller that stops waiting sooner shortens the upstream deadline too.
  dispatch(gateway.routes(), make_request(http::method::post, "/auth/login", "{}"), t0 + ms(100));
  ASSERT_EQ(http.deadlines.size(), 2U);
  EXPECT_EQ(http.deadlines[1], t0 + ms(100));
}

TEST_F(gateway_routes, upstream_failures_become_gateway_errors) {
  struct expectation {
    rt::call_errc failure;
    int status;
    std::string_view code;
    bool retry_after;
  };
  const expectation cases[] = {
      {rt::call_errc::timeout, 504, "upstream_timeout", false},
      {rt::call_errc::connect_failed, 503, "upstream_unavailable", true},
      {rt::call_errc::overloaded, 503, "upstream_unavailable", true},
      {rt::call_errc::connection_reset, 502, "upstream_reset", false},
      {rt::call_errc::unknown_upstream, 502, "bad_gateway", false},
  };
  for (const auto& c : cases) {
    http.failures["product"] = c.failure;
    auto r = send(http::method::get, "/products", {}, "rid-1");
    EXPECT_EQ(r.status, c.status) << rt::to_string(c.failure);
    EXPECT_NE(r.body.find(std::string(c.code)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("rid-1"), std::string::npos) << r.body;
    EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-1");
    EXPECT_EQ(r.headers.contains("Retry-After"), c.retry_after) << rt::to_string(c.failure);
  }
  http.failures.clear();
  EXPECT_EQ(send(http::method::get, "/products").status, 201);
}

TEST(gateway_start, refuses_a_bad_timeout_or_a_missing_or_placeholder_context_secret) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  for (const char* bad : {"0", "-1", "abc", "60001"}) {
    service_host gateway{"gateway", clock, random, http, nullptr};
    gateway.config().set("upstream_timeout_ms", bad);
    gateway.config().set("context_secret", context_secret);
    EXPECT_FALSE(gateway.start()) << bad;
    EXPECT_TRUE(gateway.log().saw("upstream_timeout_ms"));
  }
  for (const char* bad : {"", "short", "change-me-change-me-change-me-change-me"}) {
    service_host gateway{"gateway", clock, random, http, nullptr};
    gateway.config().set("context_secret", bad);
    EXPECT_FALSE(gateway.start()) << bad;
    EXPECT_TRUE(gateway.log().saw("context_secret"));
  }
}

TEST(gateway_paths, unsafe_path_detection) {
  EXPECT_FALSE(gateway::unsafe_path("/auth/me"));
  EXPECT_FALSE(gateway::unsafe_path("/auth/a.b/c..d"));
  EXPECT_FALSE(gateway::unsafe_path("/auth/a%20b"));
  EXPECT_TRUE(gateway::unsafe_path("/auth/.."));
  EXPECT_TRUE(gateway::unsafe_path("/auth/%2E%2e"));
  EXPECT_TRUE(gateway::unsafe_path("/a/%2f"));
}

}  // namespace
}  // namespace qm::test

namespace qm::test {
namespace {

// The limits, the breaker and the retries as configured in production (their defaults).
class gateway_resilience : public gateway_routes {
 protected:
  void configure(map_settings& config) override {
    config.set("rate_limit_enabled", "1");
    config.set("breaker_failures", "5");
    config.set("breaker_failure_rate_percent", "50");
  }
};

TEST_F(gateway_resilience, the_21st_login_in_a_minute_from_one_address_is_refused_with_headers) {
  for (int i = 0; i < 20; ++i) {
    auto r = send(http::method::post, "/auth/login", "{}");
    ASSERT_EQ(r.status, 201) << i;
    EXPECT_EQ(r.headers.get("X-RateLimit-Limit"), "20");
    EXPECT_EQ(r.headers.get("X-RateLimit-Remaining"), std::to_string(19 - i));
    EXPECT_TRUE(r.headers.contains("RateLimit-Policy"));
    EXPECT_TRUE(r.headers.contains("RateLimit"));
  }
  auto r = send(http::method::post, "/auth/login", "{}", "rid-9");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(r.body.find("rate_limited"), std::string::npos);
  EXPECT_EQ(r.headers.get("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(r.headers.get("Retry-After"), "60");
  EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-9");
  EXPECT_EQ(received_by("auth"), 20U);  // the refused one never reached auth
  // The window slides: a minute after the first login there is room again.
  clock.advance(seconds(61));
  EXPECT_EQ(send(http::method::post, "/auth/login", "{}").status, 201);
}

TEST_F(gateway_resilience, forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy) {
  for (int i = 0; i < 20; ++i) {
    auto req = make_request(http::method::post, "/auth/login", "{}");
    req.headers.set("X-Forwarded-For", "203.0.113." + std::to_string(i));  // a client's own claim
    ASSERT_EQ(gateway.handle(std::move(req)).status, 201);
  }
  auto req = make_request(http::method::post, "/auth/login", "{}");
  req.headers.set("X-Forwarded-For", "203.0.113.99");
  EXPECT_EQ(gateway.handle(std::move(req)).status, 429);
}

class gateway_behind_a_proxy : public gateway_resilience {
 protected:
  void configure(map_settings& config) override {
    gateway_resilience::configure(config);
    config.set("trusted_proxies", std::string(test_peer_address) + "/32");
  }
};

TEST_F(gateway_behind_a_proxy, clients_behind_a_trusted_proxy_are_limited_apart) {
  const auto login_from = [&](std::string forwarded) {
    auto req = make_request(http::method::post, "/auth/login", "{}");
    req.headers.set("X-Forwarded-For", std::move(forwarded));
    return gateway.handle(std::move(req)).status;
  };
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(login_from("203.0.113.1"), 201);
  }
  EXPECT_EQ(login_from("203.0.113.1"), 429);
  EXPECT_EQ(login_from("203.0.113.2"), 201);
  // A client that forges an earlier hop is still keyed by the address the proxy saw.
  EXPECT_EQ(login_from("198.51.100.7, 203.0.113.1"), 429);
}

TEST_F(gateway_resilience, signed_in_callers_are_limited_per_account_after_authentication) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 201) << i;
  }
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 429);
  // Another account from the same address has its own budget.
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-partner").status, 201);
  // A request refused by authentication spends nothing.
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-unknown").status, 401);
  // Health is never limited.
  EXPECT_EQ(send(http::method::get, "/health").status, 200);
}

TEST_F(gateway_resilience, the_breaker_opens_and_keeps_calls_from_a_failing_upstream) {
  failing.insert("product");
  // GET is retried (3 attempts), so two client requests make 5 consecutive failures... and
  // the breaker opens on the fifth: the sixth attempt never leaves the gateway.
  EXPECT_EQ(send(http::method::get, "/products").status, 503);
  EXPECT_EQ(send(http::method::get, "/products").status, 503);
  EXPECT_EQ(received_by("product"), 5U);
  for (int i = 0; i < 10; ++i) {
    auto r = send(http::method::get, "/products");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.headers.get("Retry-After"), "1");
  }
  EXPECT_EQ(received_by("product"), 5U);
  // After the open wait (5 s) probes go through; enough successes close it again.
  failing.clear();
  clock.advance(seconds(6));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(send(http::method::get, "/products").status, 201) << i;
  }
  EXPECT_EQ(received_by("product"), 10U);
}

TEST_F(gateway_resilience, only_requests_safe_to_repeat_are_retried) {
  failing.insert("cart");
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "tok-customer").status, 503);
  EXPECT_EQ(received_by("cart"), 3U);  // GET: three attempts
  EXPECT_EQ(send(http::method::post, "/cart/items", "{}", std::nullopt, "tok-customer").status, 503);
  EXPECT_EQ(received_by("cart"), 4U);  // POST: one
  failing.clear();
  failing.insert("order");
  auto req = make_request(http::method::post, "/orders/checkout", "{}");
  req.headers.set("Authorization", "Bearer tok-customer");
  req.headers.set("Idempotency-Key", "k-1");
  EXPECT_EQ(gateway.handle(std::move(req)).status, 503);
  EXPECT_EQ(received_by("order"), 3U);  // an Idempotency-Key makes a POST safe to repeat
}

TEST_F(gateway_resilience, every_attempt_carries_the_remaining_time) {
  send(http::method::get, "/products");
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].request.headers.get("x-quickmart-deadline-ms"), "300");
  // A client cannot hand the services a deadline of its own.
  auto req = make_request(http::method::get, "/products");
  req.headers.set("x-quickmart-deadline-ms", "600000");
  gateway.handle(std::move(req));
  EXPECT_EQ(received.back().request.headers.get("x-quickmart-deadline-ms"), "300");
}

const std::string token_secret = "gateway-test-token-secret-0123456789abcdef";

class gateway_with_fallback : public gateway_routes {
 protected:
  void configure(map_settings& config) override { config.set("token_secret", token_secret); }

  std::string token(std::string sub, std::string role, time_point issued, duration life,
                    std::string_view secret = token_secret) {
    token::claims c;
    c.sub = std::move(sub);
    c.role = std::move(role);
    c.jti = "j-" + c.sub;
    c.iat = to_unix_seconds(issued);
    c.exp = to_unix_seconds(issued + life);
    return token::encode(c, secret);
  }
};

TEST_F(gateway_with_fallback, while_auth_is_unreachable_tokens_are_verified_locally) {
  http.failures["auth"] = rt::call_errc::connect_failed;
  const std::string good = token("11", "customer", t0, seconds(900));
  auto r = send(http::method::get, "/cart", {}, std::nullopt, good);
  EXPECT_EQ(r.status, 201) << r.body;
  const auto header = received.back().request.headers.get(identity::context_header);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(identity::verify(*header, context_secret, to_unix_seconds(t0))->user_id, 11);
  // Roles still apply; bad tokens are still refused, never let through.
  EXPECT_EQ(send(http::method::get, "/admin/orders", {}, std::nullopt, good).status, 403);
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt,
                 token("11", "customer", t0 - seconds(1000), seconds(900))).status, 401);
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt,
                 token("11", "admin", t0, seconds(900), "another-secret-0123456789abcdefghijkl"))
                .status,
            401);
  EXPECT_EQ(send(http::method::get, "/cart", {}, std::nullopt, "not-a-token").status, 401);
  std::size_t to_cart = received_by("cart");
  EXPECT_EQ(to_cart, 1U);
  // Every fallback decision is counted apart.
  EXPECT_GE(gateway.metrics()
                .get_counter("auth_decisions_total", "", {{"source", "fallback"}, {"outcome", "allowed"}})
                .value(),
            1.0);
}

TEST(gateway_start, refuses_a_short_or_placeholder_token_secret_for_the_fallback) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  for (const char* bad : {"short", "change-me-change-me-change-me-change-me"}) {
    service_host gateway{"gateway", clock, random, http, nullptr};
    gateway.config().set("context_secret", context_secret);
    gateway.config().set("token_secret", bad);
    EXPECT_FALSE(gateway.start()) << bad;
    EXPECT_TRUE(gateway.log().saw("token_secret"));
  }
  service_host gateway{"gateway", clock, random, http, nullptr};
  gateway.config().set("context_secret", context_secret);
  gateway.config().set("rate_limit_general", "100 per minute");
  EXPECT_FALSE(gateway.start());
  EXPECT_TRUE(gateway.log().saw("rate_limit_general"));
}

TEST_F(gateway_resilience, catalogue_reads_are_served_stale_while_product_cannot_answer) {
  // The echo upstream answers 201; the cache keeps 200s only, so answer 200 here.
  upstreams["product"] = http::router{};
  upstreams["product"].add(http::method::get, "/products",
                           [this](http::request_context rc) -> task<http::response> {
                             received.push_back({"product", rc.request});
                             if (failing.count("product") > 0) {
                               co_return http::error_response(503, "unavailable", "down", "");
                             }
                             co_return http::json_response(200, R"({"items":[1,2,3]})");
                           });
  http.attach("product", upstreams["product"]);
  ASSERT_EQ(send(http::method::get, "/products?limit=3").status, 200);
  failing.insert("product");
  clock.advance(seconds(10));
  auto r = send(http::method::get, "/products?limit=3", {}, "rid-s");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"items":[1,2,3]})");
  EXPECT_EQ(r.headers.get("X-Quickmart-Fallback"), "stale-cache");
  EXPECT_EQ(r.headers.get("Age"), "10");
  EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-s");
  EXPECT_TRUE(r.headers.contains("X-RateLimit-Remaining"));
  // Another query was never seen: nothing to serve, the failure shows.
  EXPECT_EQ(send(http::method::get, "/products?limit=4").status, 503);
  // Too old (300 s by default): not served any more.
  clock.advance(seconds(300));
  EXPECT_EQ(send(http::method::get, "/products?limit=3").status, 503);
  EXPECT_GE(gateway.metrics().get_counter("gateway_fallbacks_total", "", {{"fallback", "stale_cache"}}).value(),
            1.0);
}

TEST(gateway_stale_cache, bounded_by_entries_and_body_size_and_keeps_only_200s) {
  gateway::stale_cache cache({2, 8, seconds(60)});
  http::response ok;
  ok.body = "small";
  cache.remember("/a", ok, t0);
  cache.remember("/b", ok, t0);
  cache.remember("/c", ok, t0);  // the oldest ("/a") makes room
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_FALSE(cache.stale("/a", t0).has_value());
  EXPECT_TRUE(cache.stale("/c", t0).has_value());
  http::response big;
  big.body = "far too large";
  cache.remember("/big", big, t0);
  EXPECT_FALSE(cache.stale("/big", t0).has_value());
  http::response missing;
  missing.status = 404;
  cache.remember("/gone", missing, t0);
  EXPECT_FALSE(cache.stale("/gone", t0).has_value());
  gateway::stale_cache off({0, 8, seconds(60)});
  off.remember("/a", ok, t0);
  EXPECT_EQ(off.size(), 0U);
}

TEST_F(gateway_resilience, operators_can_force_a_breaker_open_disable_it_and_reset_it) {
  const auto set_mode = [&](std::string_view token, std::string mode) {
    return send(http::method::put, "/admin/breakers/product", R"({"mode":")" + mode + R"("})",
                std::nullopt, token);
  };
  EXPECT_EQ(set_mode("tok-customer", "forced_open").status, 403);
  EXPECT_EQ(send(http::method::put, "/admin/breakers/nowhere", R"({"mode":"normal"})", std::nullopt,
                 "tok-admin").status,
            404);
  EXPECT_EQ(set_mode("tok-admin", "sideways").status, 400);
  auto r = set_mode("tok-admin", "forced_open");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("mode":"forced_open")"), std::string::npos) << r.body;
  EXPECT_EQ(send(http::method::get, "/products").status, 503);
  EXPECT_EQ(received_by("product"), 0U);
  // Logged about the operator's request: the line carries its request id and trace.
  EXPECT_TRUE(gateway.log().saw("circuit breaker mode set by an operator request_id="));
  // Disabled: failures are let through and never trip it.
  ASSERT_EQ(set_mode("tok-admin", "disabled").status, 200);
  failing.insert("product");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(send(http::method::get, "/products").status, 503);
  }
  EXPECT_EQ(received_by("product"), 12U);  // 4 requests x 3 attempts, none refused
  failing.clear();
  ASSERT_EQ(set_mode("tok-admin", "normal").status, 200);
  EXPECT_EQ(send(http::method::get, "/products").status, 201);
  auto list = send(http::method::get, "/admin/breakers", {}, std::nullopt, "tok-admin");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(R"("product":{"state":"closed","mode":"normal")"), std::string::npos)
      << list.body;
}

}  // namespace
}  // namespace qm::test
