// The minimal gateway: what it forwards, what it refuses, request ids, deadlines and how
// upstream failures reach the client.

#include <gtest/gtest.h>

#include <string>

#include "services/gateway/forward.hpp"
#include "services/gateway/request_id.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);

class gateway_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{9};
  in_process_http http;
  http::router upstream;  // stands in for the auth service
  service_host gateway{"gateway", clock, random, http, nullptr};
  std::vector<http::request> received;

  void SetUp() override {
    const auto echo = [this](http::request_context rc) -> task<http::response> {
      received.push_back(rc.request);
      http::response r;
      r.status = 201;
      r.headers.set("X-Upstream", "auth");
      r.headers.set("Connection", "close");
      r.body = "echo:" + rc.request.body;
      co_return r;
    };
    upstream.add(http::method::post, "/auth/echo", echo);
    upstream.add(http::method::get, "/auth/a/b/c", echo);
    upstream.add(http::method::post, "/internal/verify-token", echo);
    http.attach("auth", upstream);
    gateway.config().set("upstream_timeout_ms", "300");
    ASSERT_TRUE(gateway.start());
  }

  http::response send(http::method verb, std::string target, std::string body = {},
                      std::optional<std::string> request_id = std::nullopt) {
    auto req = make_request(verb, std::move(target), std::move(body));
    if (request_id) {
      req.headers.set("X-Request-ID", *request_id);
    }
    return gateway.handle(std::move(req));
  }
};

TEST_F(gateway_routes, forwards_auth_requests_and_copies_the_answer_back) {
  auto req = make_request(http::method::post, "/auth/echo?x=1", R"({"a":1})");
  req.headers.set("Authorization", "Bearer abc");
  req.headers.set("Connection", "keep-alive");
  req.headers.set("Transfer-Encoding", "chunked");
  auto r = gateway.handle(std::move(req));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"(echo:{"a":1})");
  EXPECT_EQ(r.headers.get("X-Upstream"), "auth");
  EXPECT_FALSE(r.headers.contains("Connection"));  // hop-by-hop, not copied back

  ASSERT_EQ(received.size(), 1U);
  const http::request& up = received.front();
  EXPECT_EQ(up.verb, http::method::post);
  EXPECT_EQ(up.target, "/auth/echo?x=1");
  EXPECT_EQ(up.body, R"({"a":1})");
  EXPECT_EQ(up.headers.get("Authorization"), "Bearer abc");
  EXPECT_EQ(up.headers.get("Content-Type"), "application/json");
  EXPECT_FALSE(up.headers.contains("Connection"));
  EXPECT_FALSE(up.headers.contains("Transfer-Encoding"));
}

TEST_F(gateway_routes, forwards_deeper_paths_and_unknown_ones_get_the_upstreams_answer) {
  EXPECT_EQ(send(http::method::get, "/auth/a/b/c").status, 201);
  // Within the prefix the upstream decides: its 404 and 405 come back as they are.
  EXPECT_EQ(send(http::method::get, "/auth/nothing").status, 404);
  EXPECT_EQ(send(http::method::put, "/auth/echo").status, 405);
  EXPECT_EQ(received.size(), 1U);
}

TEST_F(gateway_routes, internal_and_unknown_paths_never_leave_the_gateway) {
  EXPECT_EQ(send(http::method::post, "/internal/verify-token", R"({"token":"x"})").status, 404);
  EXPECT_EQ(send(http::method::get, "/auth").status, 404);
  EXPECT_EQ(send(http::method::get, "/products").status, 404);
  EXPECT_EQ(send(http::method::get, "/auth/a/b/c/d").status, 404);  // beyond the depth bound
  for (const char* sneaky : {"/auth/../internal/verify-token", "/auth/./echo", "/auth/%2e%2e/internal",
                             "/auth/a%2Fb", "/auth/a%5cb", "/auth/a\\b"}) {
    auto r = send(http::method::post, sneaky);
    EXPECT_EQ(r.status, 400) << sneaky;
  }
  EXPECT_TRUE(received.empty());
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(gateway_routes, health) {
  auto r = send(http::method::get, "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(gateway_routes, request_id_from_a_client_is_kept_when_well_formed) {
  auto r = send(http::method::post, "/auth/echo", "{}", "client-id_42");
  EXPECT_EQ(r.headers.get("X-Request-ID"), "client-id_42");
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].headers.get("X-Request-ID"), "client-id_42");
}

TEST_F(gateway_routes, request_id_is_generated_when_missing_or_malformed) {
  for (const std::optional<std::string>& bad :
       {std::optional<std::string>{}, std::optional<std::string>{"has space"},
        std::optional<std::string>{std::string(65, 'a')}, std::optional<std::string>{""},
        std::optional<std::string>{"inject\r\nX-Evil: 1"}}) {
    received.clear();
    auto r = send(http::method::post, "/auth/echo", "{}", bad);
    const auto id = r.headers.get("X-Request-ID");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->size(), 32U);
    EXPECT_TRUE(gateway::well_formed_request_id(*id));
    ASSERT_EQ(received.size(), 1U);
    EXPECT_EQ(received[0].headers.get("X-Request-ID"), *id);
    EXPECT_EQ(received[0].headers.fields().size(),
              static_cast<std::size_t>(std::count_if(
                  received[0].headers.fields().begin(), received[0].headers.fields().end(),
                  [](const auto& f) { return !http::iequals(f.first, "X-Evil"); })));
  }
  // Generated ids differ from request to request.
  const auto b = send(http::method::post, "/auth/echo", "{}", std::nullopt);
  const auto c = send(http::method::post, "/auth/echo", "{}", std::nullopt);
  EXPECT_NE(b.headers.get("X-Request-ID"), c.headers.get("X-Request-ID"));
}

TEST_F(gateway_routes, upstream_calls_carry_a_deadline) {
  send(http::method::post, "/auth/echo", "{}");
  ASSERT_EQ(http.deadlines.size(), 1U);
  EXPECT_EQ(http.deadlines[0], t0 + ms(300));
  // A caller that stops waiting sooner shortens the upstream deadline too.
  dispatch(gateway.routes(), make_request(http::method::post, "/auth/echo", "{}"), t0 + ms(100));
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
    http.failures["auth"] = c.failure;
    auto r = send(http::method::post, "/auth/echo", "{}", "rid-1");
    EXPECT_EQ(r.status, c.status) << rt::to_string(c.failure);
    EXPECT_NE(r.body.find(std::string(c.code)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("rid-1"), std::string::npos) << r.body;
    EXPECT_EQ(r.headers.get("X-Request-ID"), "rid-1");
    EXPECT_EQ(r.headers.contains("Retry-After"), c.retry_after) << rt::to_string(c.failure);
  }
  http.failures.clear();
  EXPECT_EQ(send(http::method::post, "/auth/echo", "{}").status, 201);
}

TEST(gateway_start, refuses_a_bad_timeout_setting) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  for (const char* bad : {"0", "-1", "abc", "60001"}) {
    service_host gateway{"gateway", clock, random, http, nullptr};
    gateway.config().set("upstream_timeout_ms", bad);
    EXPECT_FALSE(gateway.start()) << bad;
    EXPECT_TRUE(gateway.log().saw("upstream_timeout_ms"));
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
