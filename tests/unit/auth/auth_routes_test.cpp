// Route-level tests: the real auth service and gateway, client -> gateway -> auth -> SQLite,
// hosted in-process on a manual clock (tests/support/service_harness.hpp).

#include <gtest/gtest.h>

#include <string>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "core/token/jwt.hpp"
#include "runtime/storage.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const std::string secret = "route-test-secret-0123456789abcdefghij";
const std::string context_secret = "route-test-context-0123456789abcdefghij";
const std::string admin_email = "root@quickmart.test";
const std::string admin_password = "bootstrap-admin-password-0123456789ab";
const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

class auth_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{42};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host auth{"auth", clock, random, http, db.get()};
  service_host gateway{"gateway", clock, random, http, nullptr};

  void SetUp() override {
    auth.config().set("token_secret", secret);
    auth.config().set("context_secret", context_secret);
    auth.config().set("admin_email", admin_email);
    auth.config().set("admin_password", admin_password);
    auth.config().set("scrypt_n", "16");
    auth.config().set("db_timeout_ms", "1500");
    gateway.config().set("context_secret", context_secret);
    // These tests are about auth's own answers: the gateway's breaker and rate limits (tested
    // with the gateway) would answer for auth after a few failures or logins.
    gateway.config().set("breaker_failures", "0");
    gateway.config().set("breaker_failure_rate_percent", "101");
    gateway.config().set("rate_limit_enabled", "0");
    ASSERT_TRUE(auth.start());
    ASSERT_TRUE(gateway.start());
    http.attach("auth", auth.routes());
  }

  // A request from a client, through the gateway.
  http::response call(http::method verb, std::string target, std::string body = {},
                      std::string_view bearer = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    if (!bearer.empty()) {
      req.headers.set("Authorization", "Bearer " + std::string(bearer));
    }
    return gateway.handle(std::move(req));
  }

  http::response register_user(std::string_view email, std::string_view password = "s3cret-pass",
                               std::string_view name = "Asha") {
    return call(http::method::post, "/auth/register",
                R"({"email":")" + std::string(email) + R"(","password":")" + std::string(password) +
                    R"(","name":")" + std::string(name) + R"("})");
  }

  http::response login(std::string_view email, std::string_view password = "s3cret-pass") {
    return call(http::method::post, "/auth/login",
                R"({"email":")" + std::string(email) + R"(","password":")" + std::string(password) +
                    R"("})");
  }

  http::response refresh(std::string_view token) {
    return call(http::method::post, "/auth/refresh",
                R"({"refresh_token":")" + std::string(token) + R"("})");
  }

  std::int64_t count_rows(std::string_view table) {
    const auto saved = std::exchange(db->fail_with, std::nullopt);
    auto n = run_now(rt::transact_value<std::int64_t>(*db, seconds(1), [&](sql::transaction& tx) {
      return tx.exec("SELECT COUNT(*) FROM " + std::string(table)).front().get_int(0);
    }));
    db->fail_with = saved;
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }
};

TEST_F(auth_routes, full_session_register_login_me_refresh_reuse_logout) {
  auto reg = register_user("Asha@Example.com");
  ASSERT_EQ(reg.status, 201) << reg.body;
  const auto user = parse(reg);
  EXPECT_EQ(str(user, "email"), "asha@example.com");
  EXPECT_EQ(str(user, "role"), "customer");
  EXPECT_TRUE(user.at("phone").is_null());
  EXPECT_EQ(user.count("password_hash"), 0U);
  const std::int64_t id = user.at("id").as_int64();

  auto in = login("asha@example.com");
  ASSERT_EQ(in.status, 200) << in.body;
  const auto tokens = parse(in);
  EXPECT_EQ(str(tokens, "token_type"), "Bearer");
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 900);
  const std::string access = str(tokens, "access_token");
  const std::string refresh1 = str(tokens, "refresh_token");
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh1.empty());

  auto me = call(http::method::get, "/auth/me", {}, access);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(parse(me).at("id").as_int64(), id);

  auto put = call(http::method::put, "/auth/me", R"({"name":"Asha K","phone":"+919800000001"})", access);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(parse(put), "name"), "Asha K");
  EXPECT_EQ(str(parse(call(http::method::get, "/auth/me", {}, access)), "phone"), "+919800000001");

  clock.advance(seconds(60));
  auto r2 = refresh(refresh1);
  ASSERT_EQ(r2.status, 200) << r2.body;
  const std::string refresh2 = str(parse(r2), "refresh_token");
  const std::string access2 = str(parse(r2), "access_token");
  EXPECT_NE(refresh2, refresh1);
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, access2).status, 200);
  // Both tokens of the pair are in the same family.
  auto c1 = token::verify(refresh1, secret, clock.now());
  auto c2 = token::verify(refresh2, secret, clock.now());
  ASSERT_TRUE(c1.ok() && c2.ok());
  EXPECT_EQ(c1->fam, c2->fam);

  // Presenting the rotated token again is theft: 401, and the whole family is revoked,
  // so the legitimate newer token stops working too.
  auto reuse = refresh(refresh1);
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(error_code(reuse), "invalid_token");
  EXPECT_TRUE(auth.log().saw("refresh token reused"));
  EXPECT_EQ(refresh(refresh2).status, 401);

  // A new login starts a new family; logout revokes it.
  auto again = login("asha@example.com");
  ASSERT_EQ(again.status, 200);
  const std::string refresh3 = str(parse(again), "refresh_token");
  auto out = call(http::method::post, "/auth/logout", R"({"refresh_token":")" + refresh3 + R"("})");
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(out.body.empty());
  EXPECT_EQ(refresh(refresh3).status, 401);
}

TEST_F(auth_routes, duplicate_email_or_phone_is_409) {
  ASSERT_EQ(register_user("dup@example.com").status, 201);
  auto again = register_user("DUP@example.com");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "conflict");
  EXPECT_NE(error_message(again).find("email"), std::string::npos);

  auto p1 = call(http::method::post, "/auth/register",
                 R"({"phone":"+919811111111","password":"longenough","name":"P"})");
  ASSERT_EQ(p1.status, 201) << p1.body;
  auto p2 = call(http::method::post, "/auth/register",
                 R"({"phone":"+919811111111","password":"longenough","name":"Q"})");
  EXPECT_EQ(p2.status, 409);
  EXPECT_NE(error_message(p2).find("phone"), std::string::npos);
  EXPECT_EQ(count_rows("users WHERE role <> 'admin'"), 2);

  // A profile update onto someone else's phone is a conflict too.
  ASSERT_EQ(login("dup@example.com").status, 200);
  const std::string access = str(parse(login("dup@example.com")), "access_token");
  auto put = call(http::method::put, "/auth/me", R"({"phone":"+919811111111"})", access);
  EXPECT_EQ(put.status, 409);
}

TEST_F(auth_routes, bad_input_is_400_with_the_field_and_writes_nothing) {
  struct bad {
    std::string body;
    std::string code;
    std::string message_start;
  };
  const std::vector<bad> cases = {
      {"{not json", "invalid_body", "malformed JSON"},
      {"[]", "invalid_body", "body must be a JSON object"},
      {"", "invalid_body", "body is empty"},
      {R"({"email":"a@b.co","password":"longenough","name":"A","admin":true})", "invalid_field", "admin:"},
      {R"({"email":["a@b.co"],"password":"longenough","name":"A"})", "invalid_field", "email:"},
      {R"({"email":"a@b.co","password":12345678,"name":"A"})", "invalid_field", "password:"},
      {R"({"email":"a@b.co","password":"short","name":"A"})", "invalid_field", "password:"},
      {R"({"email":"a@b.co","password":"longenough","name":")" + std::string(101, 'n') + R"("})",
       "invalid_field", "name:"},
      {R"({"email":")" + std::string(300, 'e') + R"(@b.co","password":"longenough","name":"A"})",
       "invalid_field", "email:"},
      {std::string(20'000, ' '), "invalid_body", "body is larger"},
  };
  for (const auto& c : cases) {
    auto r = call(http::method::post, "/auth/register", c.body);
    EXPECT_EQ(r.status, 400) << c.body.substr(0, 80);
    EXPECT_EQ(error_code(r), c.code) << c.body.substr(0, 80);
    EXPECT_EQ(error_message(r).rfind(c.message_start, 0), 0U)
        << c.body.substr(0, 80) << " -> " << error_message(r);
  }
  EXPECT_EQ(count_rows("users WHERE role <> 'admin'"), 0);
  // Login and refresh bodies are checked the same way.
  EXPECT_EQ(call(http::method::post, "/auth/login", R"({"email":1,"password":"x"})").status, 400);
  EXPECT_EQ(call(http::method::post, "/auth/refresh", R"({"token":"x"})").status, 400);
  EXPECT_EQ(call(http::method::put, "/auth/me", "{}", "x").status, 401);
  EXPECT_EQ(count_rows("refresh_tokens"), 0);
}

TEST_F(auth_routes, login_failures_look_the_same) {
  ASSERT_EQ(register_user("known@example.com").status, 201);
  const auto wrong_password = login("known@example.com", "not-the-password");
  const auto unknown_user = login("nobody@example.com", "not-the-password");
  const auto malformed_email = login("not an email", "not-the-password");
  for (const auto* r : {&wrong_password, &unknown_user, &malformed_email}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(error_code(*r), "invalid_credentials");
    EXPECT_EQ(error_message(*r), error_message(wrong_password));
    EXPECT_EQ(r->headers.get("WWW-Authenticate"), "Bearer");
  }
  EXPECT_EQ(count_rows("refresh_tokens"), 0);
}

TEST_F(auth_routes, tokens_of_the_wrong_kind_or_age_are_refused) {
  ASSERT_EQ(register_user("t@example.com").status, 201);
  const auto tokens = parse(login("t@example.com"));
  const std::string access = str(tokens, "access_token");
  const std::string refresh_token = str(tokens, "refresh_token");

  EXPECT_EQ(call(http::method::get, "/auth/me").status, 401);
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, "garbage").status, 401);
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, refresh_token).status, 401);
  EXPECT_EQ(refresh(access).status, 401);
  // A token signed with another secret.
  const token::claims forged{"1", "admin", token::token_type::access, "j", "",
                             to_unix_seconds(clock.now()), to_unix_seconds(clock.now()) + 900};
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, token::encode(forged, "another-secret-0123456789abcdefghij")).status,
            401);

  // Past exp plus the default 30 s leeway.
  clock.advance(seconds(931));
  auto expired = call(http::method::get, "/auth/me", {}, access);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(error_code(expired), "invalid_token");
  // The refresh token still works after the access token expired ...
  auto renewed = refresh(refresh_token);
  ASSERT_EQ(renewed.status, 200);
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, str(parse(renewed), "access_token")).status, 200);
  // ... but not after its own 30 days.
  clock.advance(seconds(31LL * 24 * 3600));
  EXPECT_EQ(refresh(str(parse(renewed), "refresh_token")).status, 401);
}

TEST_F(auth_routes, a_clock_stepped_back_keeps_fresh_tokens_valid_within_the_leeway) {
  ASSERT_EQ(register_user("skew@example.com").status, 201);
  const std::string access = str(parse(login("skew@example.com")), "access_token");
  clock.advance(-seconds(20));
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, access).status, 200);
  clock.advance(-seconds(20));  // 40 s behind the token's iat: beyond the leeway
  EXPECT_EQ(call(http::method::get, "/auth/me", {}, access).status, 401);
}

TEST_F(auth_routes, database_outage_is_503_never_500_and_recovers) {
  ASSERT_EQ(register_user("o@example.com").status, 201);
  const auto tokens = parse(login("o@example.com"));
  const std::string access = str(tokens, "access_token");
  const std::string refresh_token = str(tokens, "refresh_token");
  EXPECT_EQ(db->last_timeout, ms(1500));  // every call carries the configured timeout

  for (const sql::errc failure : {sql::errc::unavailable, sql::errc::timeout}) {
    db->fail_with = failure;
    const std::vector<http::response> answers = {
        register_user("o2@example.com"), login("o@example.com"),
        call(http::method::get, "/auth/me", {}, access),
        call(http::method::put, "/auth/me", R"({"name":"X"})", access), refresh(refresh_token),
        call(http::method::post, "/auth/logout", R"({"refresh_token":")" + refresh_token + R"("})")};
    for (const auto& r : answers) {
      EXPECT_EQ(r.status, 503) << r.body;
      EXPECT_EQ(error_code(r), "unavailable");
      EXPECT_EQ(r.headers.get("Retry-After"), "1");
    }
  }
  db->fail_with.reset();
  EXPECT_EQ(login("o@example.com").status, 200);
  EXPECT_EQ(refresh(refresh_token).status, 200);
  EXPECT_EQ(count_rows("users WHERE role <> 'admin'"), 1);
}

TEST_F(auth_routes, verify_token_is_internal_only) {
  ASSERT_EQ(register_user("v@example.com").status, 201);
  const auto tokens = parse(login("v@example.com"));
  const std::string access = str(tokens, "access_token");
  const std::string body = R"({"token":")" + access + R"("})";

  // Through the gateway it does not exist.
  EXPECT_EQ(call(http::method::post, "/internal/verify-token", body).status, 404);
  EXPECT_EQ(call(http::method::post, "/auth/../internal/verify-token", body).status, 404);

  // Directly on auth (as the gateway will call it) it introspects.
  auto active = parse(auth.handle(make_request(http::method::post, "/internal/verify-token", body)));
  EXPECT_TRUE(active.at("active").as_bool());
  EXPECT_EQ(str(active, "role"), "customer");
  EXPECT_GT(active.at("user_id").as_int64(), 0);
  EXPECT_EQ(active.at("exp").as_int64(), to_unix_seconds(clock.now()) + 900);
  for (const std::string& t : {str(tokens, "refresh_token"), std::string("x.y.z")}) {
    auto r = parse(auth.handle(
        make_request(http::method::post, "/internal/verify-token", R"({"token":")" + t + R"("})")));
    EXPECT_FALSE(r.at("active").as_bool());
    EXPECT_EQ(r.size(), 1U);
  }
}

TEST_F(auth_routes, health_on_both_services) {
  EXPECT_EQ(call(http::method::get, "/health").status, 200);
  EXPECT_EQ(auth.handle(make_request(http::method::get, "/health")).status, 200);
}

TEST_F(auth_routes, the_bootstrap_admin_exists_and_makes_partners_and_admins) {
  auto admin_in = login(admin_email, admin_password);
  ASSERT_EQ(admin_in.status, 200) << admin_in.body;
  const std::string admin_token = str(parse(admin_in), "access_token");
  auto admin_me = call(http::method::get, "/auth/me", {}, admin_token);
  EXPECT_EQ(str(parse(admin_me), "role"), "admin");
  const std::int64_t admin_id = parse(admin_me).at("id").as_int64();

  auto reg = register_user("rider@example.com");
  ASSERT_EQ(reg.status, 201);
  const std::int64_t rider = parse(reg).at("id").as_int64();
  const std::string path = "/admin/users/" + std::to_string(rider) + "/role";

  // A customer may not hand out roles, not even to itself.
  const std::string rider_token = str(parse(login("rider@example.com")), "access_token");
  auto self_promote = call(http::method::put, path, R"({"role":"admin"})", rider_token);
  EXPECT_EQ(self_promote.status, 403) << self_promote.body;
  EXPECT_EQ(call(http::method::put, path, R"({"role":"admin"})").status, 401);

  auto made = call(http::method::put, path, R"({"role":"partner"})", admin_token);
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(str(parse(made), "role"), "partner");
  // The role travels in the next token.
  const std::string partner_token = str(parse(login("rider@example.com")), "access_token");
  EXPECT_EQ(str(parse(call(http::method::get, "/auth/me", {}, partner_token)), "role"), "partner");

  EXPECT_EQ(call(http::method::put, path, R"({"role":"owner"})", admin_token).status, 400);
  EXPECT_EQ(call(http::method::put, path, R"({"role":"admin","x":1})", admin_token).status, 400);
  EXPECT_EQ(call(http::method::put, "/admin/users/999/role", R"({"role":"partner"})", admin_token).status,
            404);
  auto demote_self = call(http::method::put, "/admin/users/" + std::to_string(admin_id) + "/role",
                          R"({"role":"customer"})", admin_token);
  EXPECT_EQ(demote_self.status, 409) << demote_self.body;
}

TEST_F(auth_routes, a_request_around_the_gateway_needs_a_context_signed_with_the_secret) {
  auto reg = register_user("mallory@example.com");
  const std::int64_t id = parse(reg).at("id").as_int64();
  const std::string path = "/admin/users/" + std::to_string(id) + "/role";
  auto req = make_request(http::method::put, path, R"({"role":"admin"})");
  // Signed with the wrong key: refused as unauthenticated.
  const identity::user_context forged{id, "admin", to_unix_seconds(t0) + 60, ""};
  req.headers.set(std::string(identity::context_header),
                  identity::sign(forged, "not-the-context-secret-0123456789abcdef"));
  EXPECT_EQ(auth.handle(req).status, 401);
  // Signed with the right key but expired.
  const identity::user_context stale{id, "admin", to_unix_seconds(t0) - 1, ""};
  req.headers.set(std::string(identity::context_header), identity::sign(stale, context_secret));
  EXPECT_EQ(auth.handle(req).status, 401);
  // A client's own context header is dropped by the gateway, never passed on.
  auto through_gateway = make_request(http::method::put, path, R"({"role":"admin"})");
  through_gateway.headers.set(std::string(identity::context_header),
                              identity::sign(forged, context_secret));
  EXPECT_EQ(gateway.handle(std::move(through_gateway)).status, 401);
  EXPECT_EQ(str(parse(call(http::method::get, "/auth/me", {},
                           str(parse(login("mallory@example.com")), "access_token"))),
                "role"),
            "customer");
}

TEST(auth_start, the_bootstrap_admin_promotes_an_existing_user_and_keeps_its_password) {
  manual_clock clock{t0};
  sim::prng random{3};
  in_process_http http;
  auto db = memory_storage();
  {
    service_host first{"auth", clock, random, http, db.get()};
    first.config().set("token_secret", secret);
    first.config().set("context_secret", context_secret);
    first.config().set("scrypt_n", "16");
    ASSERT_TRUE(first.start());
    auto reg = first.handle(make_request(
        http::method::post, "/auth/register",
        R"({"email":"root@quickmart.test","password":"own-password-1","name":"Root"})"));
    ASSERT_EQ(reg.status, 201) << reg.body;
  }
  service_host second{"auth", clock, random, http, db.get()};
  second.config().set("token_secret", secret);
  second.config().set("context_secret", context_secret);
  second.config().set("admin_email", admin_email);
  second.config().set("admin_password", admin_password);
  second.config().set("scrypt_n", "16");
  ASSERT_TRUE(second.start());
  EXPECT_TRUE(second.log().saw("promoted"));
  // Promoted, and still logging in with its own password (the bootstrap one was not set).
  auto in = second.handle(make_request(http::method::post, "/auth/login",
                                       R"({"email":"root@quickmart.test","password":"own-password-1"})"));
  ASSERT_EQ(in.status, 200) << in.body;
  auto again = second.handle(make_request(
      http::method::post, "/auth/login",
      R"({"email":"root@quickmart.test","password":")" + admin_password + R"("})"));
  EXPECT_EQ(again.status, 401);
}

TEST(auth_start, refuses_a_placeholder_admin_password_or_half_an_admin) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  auto db = memory_storage();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {admin_email, "change-me-change-me-change-me-change-me"},
      {admin_email, "short"},
      {admin_email, ""},
      {"not-an-email", admin_password},
  };
  for (const auto& [email, password] : bad) {
    service_host auth{"auth", clock, random, http, db.get()};
    auth.config().set("token_secret", secret);
    auth.config().set("context_secret", context_secret);
    auth.config().set("admin_email", email);
    auth.config().set("admin_password", password);
    EXPECT_FALSE(auth.start()) << email << " / " << password;
    EXPECT_TRUE(auth.log().saw("admin_")) << email;
  }
}

TEST(auth_start, refuses_without_a_usable_secret) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  auto db = memory_storage();
  for (const char* bad_secret : {"", "too-short"}) {
    service_host auth{"auth", clock, random, http, db.get()};
    auth.config().set("token_secret", bad_secret);
    EXPECT_FALSE(auth.start());
    EXPECT_TRUE(auth.log().saw("token_secret"));
    EXPECT_EQ(auth.routes().size(), 0U);
  }
  EXPECT_EQ(db->transactions, 0U);
}

TEST(auth_start, retries_while_the_database_is_down) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  auto db = memory_storage();
  db->fail_with = sql::errc::unavailable;
  service_host auth{"auth", clock, random, http, db.get()};
  auth.config().set("token_secret", secret);
  auth.config().set("context_secret", context_secret);
  EXPECT_FALSE(auth.start());
  EXPECT_EQ(auth.routes().size(), 0U);
}

}  // namespace
}  // namespace qm::test
