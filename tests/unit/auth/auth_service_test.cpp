// The auth service and the gateway inside the simulated cluster: a client node calls the
// gateway over the simulated network, the gateway calls auth, auth runs its SQL on auth_db in
// the storage cluster. Faults come from the cluster (database outage and slowness, a crashed
// node, a partition).

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <string>

#include "core/json/json.hpp"
#include "services/registry.hpp"
#include "sim/cluster/cluster.hpp"

namespace qm::sim {
namespace {

const std::string secret = "cluster-test-secret-0123456789abcdefghij";
const std::string context_secret = "cluster-test-context-0123456789abcdefghij";

service_spec spec(const std::string& name, std::map<std::string, std::string> settings) {
  service_spec s;
  s.name = name;
  s.factory = [name](rt::runtime& r) { return services::make_service(name, r); };
  s.database = std::string(services::database_of(name));
  s.credential = s.database.empty() ? "" : s.database + "-credential";
  s.settings = std::move(settings);
  return s;
}

task<void> call_into(rt::http_client& http, rt::clock& clock, http::request req, duration timeout,
                     std::optional<rt::call_result>* out) {
  *out = co_await http.request("gateway", std::move(req), clock.now() + timeout);
}

json::object parse(const http::response& r) {
  auto v = boost::json::parse(r.body);
  return v.is_object() ? v.as_object() : json::object{};
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string error_code(const http::response& r) {
  const auto o = parse(r);
  const auto* e = o.if_contains("error");
  return e != nullptr && e->is_object() ? str(e->as_object(), "code") : "";
}

class auth_in_cluster : public ::testing::Test {
 protected:
  cluster c{cluster_options{}};
  cluster::client* client = nullptr;

  void SetUp() override {
    c.add_service(spec("auth", {{"token_secret", secret},
                                 {"context_secret", context_secret},
                                 {"scrypt_n", "16"},
                                 {"db_timeout_ms", "400"}}));
    c.add_service(spec("gateway", {{"upstream_timeout_ms", "1000"}, {"context_secret", context_secret}}));
    client = &c.add_client("client");
    c.start_all();
    c.run_for(seconds(1));
    ASSERT_TRUE(c.is_started("auth"));
    ASSERT_TRUE(c.is_started("gateway"));
  }

  // One request from the client to the gateway, run to its outcome in virtual time.
  rt::call_result send(http::method verb, std::string target, std::string body = {},
                       std::string_view bearer = {}) {
    http::request req;
    req.verb = verb;
    req.target = std::move(target);
    req.body = std::move(body);
    if (!req.body.empty()) {
      req.headers.set("Content-Type", "application/json");
    }
    if (!bearer.empty()) {
      req.headers.set("Authorization", "Bearer " + std::string(bearer));
    }
    std::optional<rt::call_result> out;
    const duration timeout = seconds(3);
    EXPECT_TRUE(client->scope.spawn(call_into(client->http, client->clock, std::move(req), timeout, &out)));
    // The client's deadline bounds the wait; the loop bound is a guard, not a timing.
    for (int step = 0; step < 100 && !out; ++step) {
      c.run_for(ms(50));
    }
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : rt::call_result(make_unexpected(rt::call_error{}));
  }

  http::response answer(rt::call_result r) {
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : std::string(rt::to_string(r.error().code)));
    return r.ok() ? std::move(*r) : http::response{};
  }

  http::response post(std::string target, std::string body) {
    return answer(send(http::method::post, std::move(target), std::move(body)));
  }

  http::response register_user(std::string_view email) {
    return post("/auth/register", R"({"email":")" + std::string(email) +
                                      R"(","password":"sim-password","name":"Sim"})");
  }
  http::response login(std::string_view email) {
    return post("/auth/login", R"({"email":")" + std::string(email) + R"(","password":"sim-password"})");
  }
  http::response refresh(std::string_view token) {
    return post("/auth/refresh", R"({"refresh_token":")" + std::string(token) + R"("})");
  }

  std::int64_t users() {
    return c.storage().inspect("auth_db", "SELECT COUNT(*) FROM users").front().get_int(0);
  }
};

TEST_F(auth_in_cluster, session_flow_through_the_gateway) {
  ASSERT_EQ(register_user("sim@example.com").status, 201);
  auto in = login("sim@example.com");
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string access = str(parse(in), "access_token");
  const std::string refresh1 = str(parse(in), "refresh_token");
  ASSERT_TRUE(in.headers.contains("X-Request-ID"));

  auto me = answer(send(http::method::get, "/auth/me", {}, access));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me), "email"), "sim@example.com");

  auto r2 = refresh(refresh1);
  ASSERT_EQ(r2.status, 200) << r2.body;
  const std::string refresh2 = str(parse(r2), "refresh_token");
  EXPECT_EQ(refresh(refresh1).status, 401);  // reuse: the family is revoked
  EXPECT_EQ(refresh(refresh2).status, 401);

  const std::string refresh3 = str(parse(login("sim@example.com")), "refresh_token");
  EXPECT_EQ(post("/auth/logout", R"({"refresh_token":")" + refresh3 + R"("})").status, 204);
  EXPECT_EQ(refresh(refresh3).status, 401);

  // Only the auth node ever touched auth_db.
  const auto& by_db = c.storage().statements_by_database();
  ASSERT_EQ(by_db.count("auth_db"), 1U);
  for (const auto& [node_name, count] : by_db.at("auth_db")) {
    EXPECT_EQ(node_name, "auth");
    EXPECT_GT(count, 0U);
  }
  EXPECT_EQ(c.storage().access_denied_count(), 0U);
  EXPECT_EQ(c.handler_exceptions(), 0U);
}

TEST_F(auth_in_cluster, duplicates_and_bad_input_change_nothing) {
  ASSERT_EQ(register_user("dup@example.com").status, 201);
  EXPECT_EQ(register_user("dup@example.com").status, 409);
  EXPECT_EQ(error_code(post("/auth/register", "{oops")), "invalid_body");
  EXPECT_EQ(error_code(post("/auth/register", R"({"email":"x@y.co","password":1,"name":"N"})")),
            "invalid_field");
  EXPECT_EQ(post("/auth/register", R"({"email":"x@y.co","password":"sim-password","name":"N","role":"admin"})").status,
            400);
  EXPECT_EQ(users(), 1);
}

TEST_F(auth_in_cluster, database_outage_is_503_within_the_deadline_and_recovers) {
  ASSERT_EQ(register_user("db@example.com").status, 201);

  db_faults down;
  down.unavailable = true;
  c.storage().set_faults("auth_db", down);
  const time_point before = c.sched().now();
  auto r = login("db@example.com");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "unavailable");
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  EXPECT_LT(c.sched().now() - before, seconds(2));

  // A slow database: auth gives up at its db timeout (400 ms) and says so, well before the
  // gateway's upstream deadline (1 s).
  db_faults slow;
  slow.latency_min = seconds(5);
  slow.latency_max = seconds(5);
  c.storage().set_faults("auth_db", slow);
  auto s = login("db@example.com");
  EXPECT_EQ(s.status, 503) << s.body;

  c.storage().set_faults("auth_db", db_faults{});
  EXPECT_EQ(login("db@example.com").status, 200);
  EXPECT_EQ(c.stats().services.handler_exceptions, 0U);
}

TEST_F(auth_in_cluster, crashed_or_partitioned_auth_is_a_gateway_error_not_a_hang) {
  ASSERT_EQ(register_user("crash@example.com").status, 201);
  c.crash("auth");
  auto down = login("crash@example.com");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(error_code(down), "upstream_unavailable");
  EXPECT_TRUE(down.headers.contains("Retry-After"));

  c.restart("auth");
  c.run_for(seconds(1));
  ASSERT_TRUE(c.is_started("auth"));
  EXPECT_EQ(login("crash@example.com").status, 200);  // the database outlived the crash

  c.partition("gateway", "auth", false);
  auto cut = login("crash@example.com");
  EXPECT_EQ(cut.status, 504);
  EXPECT_EQ(error_code(cut), "upstream_timeout");
  c.heal_all();
  EXPECT_EQ(login("crash@example.com").status, 200);
}

TEST_F(auth_in_cluster, internal_routes_are_not_reachable_through_the_gateway) {
  EXPECT_EQ(post("/internal/verify-token", R"({"token":"x"})").status, 404);
}

}  // namespace
}  // namespace qm::sim
