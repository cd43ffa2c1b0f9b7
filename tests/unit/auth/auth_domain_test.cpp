// The auth domain rules: input validation, password hashes, settings and token issuing.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/token/jwt.hpp"
#include "services/auth/domain/passwords.hpp"
#include "services/auth/domain/settings.hpp"
#include "services/auth/domain/tokens.hpp"
#include "services/auth/domain/validation.hpp"
#include "sim/engine/prng.hpp"

namespace qm::auth {
namespace {

std::string field_of(const input_error& e) { return e.field; }

TEST(validation, register_accepts_email_or_phone_and_normalizes) {
  auto a = parse_register(R"({"email":"Asha@Example.COM","password":"longenough","name":"Asha"})");
  ASSERT_TRUE(a.ok()) << describe(a.error());
  EXPECT_EQ(a->email, "asha@example.com");
  EXPECT_FALSE(a->phone.has_value());
  EXPECT_EQ(a->name, "Asha");

  auto b = parse_register(R"({"phone":"+919876543210","password":"longenough","name":"Ravi"})");
  ASSERT_TRUE(b.ok()) << describe(b.error());
  EXPECT_EQ(b->phone, "+919876543210");
  EXPECT_FALSE(b->email.has_value());
}

TEST(validation, register_names_the_bad_field) {
  struct bad {
    const char* body;
    const char* field;
  };
  const bad cases[] = {
      {R"({"password":"longenough","name":"A"})", "email"},  // neither email nor phone
      {R"({"email":"not-an-email","password":"longenough","name":"A"})", "email"},
      {R"({"email":"a@b","password":"longenough","name":"A"})", "email"},
      {R"({"email":"a@@b.com","password":"longenough","name":"A"})", "email"},
      {R"({"email":"a b@c.com","password":"longenough","name":"A"})", "email"},
      {R"({"email":42,"password":"longenough","name":"A"})", "email"},
      {R"({"phone":"12345","password":"longenough","name":"A"})", "phone"},
      {R"({"phone":"98765-43210","password":"longenough","name":"A"})", "phone"},
      {R"({"email":"a@b.co","password":"short","name":"A"})", "password"},
      {R"({"email":"a@b.co","name":"A"})", "password"},
      {R"({"email":"a@b.co","password":true,"name":"A"})", "password"},
      {R"({"email":"a@b.co","password":"longenough"})", "name"},
      {R"({"email":"a@b.co","password":"longenough","name":""})", "name"},
      {R"({"email":"a@b.co","password":"longenough","name":"   "})", "name"},
      {R"({"email":"a@b.co","password":"longenough","name":"a\u0001b"})", "name"},
      {R"({"email":"a@b.co","password":"longenough","name":"A","role":"admin"})", "role"},
      {R"([1,2])", ""},
      {R"({"email":)", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    auto r = parse_register(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(field_of(r.error()), c.field) << c.body << " -> " << describe(r.error());
  }
}

TEST(validation, register_bounds_lengths) {
  const std::string long_password(max_password_len + 1, 'p');
  auto r = parse_register(R"({"email":"a@b.co","password":")" + long_password + R"(","name":"A"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "password");
  const std::string long_name(max_name_len + 1, 'n');
  auto n = parse_register(R"({"email":"a@b.co","password":"longenough","name":")" + long_name + R"("})");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().field, "name");
  // Exactly at the limits is fine; the name limit counts characters, not bytes.
  std::string hindi_name;
  for (std::size_t i = 0; i < max_name_len; ++i) {
    hindi_name += "\xe0\xa4\x85";  // U+0905
  }
  auto ok = parse_register(R"({"email":"a@b.co","password":")" + std::string(max_password_len, 'p') +
                           R"(","name":")" + hindi_name + R"("})");
  EXPECT_TRUE(ok.ok()) << describe(ok.error());
  const std::string huge(max_body_bytes + 1, ' ');
  EXPECT_FALSE(parse_register(huge).ok());
}

TEST(validation, login_wants_exactly_one_identifier) {
  auto e = parse_login(R"({"email":"A@B.co","password":"x"})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->email, "a@b.co");
  EXPECT_FALSE(parse_login(R"({"password":"x"})").ok());
  EXPECT_FALSE(parse_login(R"({"email":"a@b.co","phone":"+911234567","password":"x"})").ok());
  EXPECT_FALSE(parse_login(R"({"email":"a@b.co","password":"x","extra":1})").ok());
  EXPECT_FALSE(parse_login(R"({"email":"a@b.co","password":""})").ok());
}

TEST(validation, profile_update_needs_something_valid) {
  EXPECT_FALSE(parse_profile_update("{}").ok());
  EXPECT_FALSE(parse_profile_update(R"({"email":"x@y.z"})").ok());
  EXPECT_FALSE(parse_profile_update(R"({"phone":"abc"})").ok());
  auto up = parse_profile_update(R"({"name":"New Name"})");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->name, "New Name");
  EXPECT_FALSE(up->phone.has_value());
}

TEST(validation, token_body) {
  EXPECT_EQ(*parse_token_body(R"({"refresh_token":"abc"})", "refresh_token"), "abc");
  EXPECT_FALSE(parse_token_body(R"({"token":"abc"})", "refresh_token").ok());
  EXPECT_FALSE(parse_token_body(R"({"refresh_token":""})", "refresh_token").ok());
  EXPECT_FALSE(parse_token_body(R"({"refresh_token":1})", "refresh_token").ok());
  const std::string big(token::max_token_bytes + 1, 'a');
  EXPECT_FALSE(parse_token_body(R"({"token":")" + big + R"("})", "token").ok());
}

TEST(passwords, hash_then_verify) {
  const auto params = password_params(16);
  const std::string salt(salt_bytes, 's');
  const std::string h = hash_password("correct horse", salt, params);
  EXPECT_EQ(h.rfind("scrypt$16$8$1$", 0), 0U) << h;
  EXPECT_TRUE(verify_password("correct horse", h));
  EXPECT_FALSE(verify_password("correct horsE", h));
  EXPECT_FALSE(verify_password("", h));
  // Another salt gives another hash of the same password.
  const std::string h2 = hash_password("correct horse", std::string(salt_bytes, 't'), params);
  EXPECT_NE(h, h2);
  EXPECT_TRUE(verify_password("correct horse", h2));
}

TEST(passwords, a_hash_keeps_its_own_cost) {
  const std::string salt(salt_bytes, 'x');
  const std::string cheap = hash_password("pw-123456", salt, password_params(16));
  const std::string dearer = hash_password("pw-123456", salt, password_params(64));
  EXPECT_NE(cheap, dearer);
  EXPECT_TRUE(verify_password("pw-123456", cheap));
  EXPECT_TRUE(verify_password("pw-123456", dearer));
}

TEST(passwords, malformed_encodings_never_match) {
  const std::string h = hash_password("pw", std::string(salt_bytes, 's'), password_params(16));
  const std::string tail = h.substr(h.find("$8$"));
  EXPECT_FALSE(verify_password("pw", ""));
  EXPECT_FALSE(verify_password("pw", "plain"));
  EXPECT_FALSE(verify_password("pw", "bcrypt" + h.substr(6)));
  EXPECT_FALSE(verify_password("pw", "scrypt$15" + tail));       // N not a power of two
  EXPECT_FALSE(verify_password("pw", "scrypt$016" + tail));      // leading zero
  EXPECT_FALSE(verify_password("pw", "scrypt$1073741824" + tail));  // beyond the bound
  EXPECT_FALSE(verify_password("pw", h + "$extra"));
  EXPECT_FALSE(verify_password("pw", h.substr(0, h.rfind('$'))));
  std::string bad_b64 = h;
  bad_b64.back() = '=';
  EXPECT_FALSE(verify_password("pw", bad_b64));
}

TEST(passwords, dummy_hash_matches_nothing_a_user_can_send) {
  const std::string d = dummy_hash(password_params(16));
  EXPECT_FALSE(verify_password("", d));
  EXPECT_FALSE(verify_password("password", d));
  EXPECT_FALSE(verify_password(std::string(max_password_len, '#'), d));
  EXPECT_EQ(d, dummy_hash(password_params(16)));  // deterministic
}

class map_settings final : public rt::settings {
 public:
  explicit map_settings(std::map<std::string, std::string> v) : values_(std::move(v)) {}
  std::string get(std::string_view key) const override {
    auto it = values_.find(std::string(key));
    return it == values_.end() ? std::string() : it->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

const std::string good_secret(40, 'k');
const std::string good_context_secret(40, 'c');

TEST(settings, defaults_and_overrides) {
  auto s = read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret}}));
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->scrypt_n, 16384U);
  EXPECT_EQ(s->access_ttl, seconds(900));
  EXPECT_EQ(s->refresh_ttl, seconds(30 * 24 * 3600));
  EXPECT_EQ(s->db_timeout, ms(2000));
  EXPECT_EQ(s->token_leeway, seconds(30));
  auto o = read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret},
                                       {"scrypt_n", "16"},
                                       {"access_ttl_s", "60"},
                                       {"refresh_ttl_s", "3600"},
                                       {"db_timeout_ms", "250"}}));
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->scrypt_n, 16U);
  EXPECT_EQ(o->access_ttl, seconds(60));
  EXPECT_EQ(o->refresh_ttl, seconds(3600));
  EXPECT_EQ(o->db_timeout, ms(250));
}

TEST(settings, refuses_a_missing_or_short_secret_and_bad_numbers) {
  auto missing = read_settings(map_settings({}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("token_secret is missing"), std::string::npos);
  auto short_secret = read_settings(map_settings({{"token_secret", std::string("short")}}));
  ASSERT_FALSE(short_secret.ok());
  EXPECT_NE(short_secret.error().find("too short"), std::string::npos);
  for (const char* n : {"15", "0", "1", "abc", "16x", "1048576"}) {
    auto r = read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret}, {"scrypt_n", n}}));
    EXPECT_FALSE(r.ok()) << n;
  }
  EXPECT_FALSE(read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret}, {"access_ttl_s", "-5"}})).ok());
  EXPECT_FALSE(read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret}, {"db_timeout_ms", "0"}})).ok());
}

TEST(tokens, issued_pair_verifies_and_continues_the_family) {
  auto s = *read_settings(map_settings({{"token_secret", good_secret}, {"context_secret", good_context_secret}}));
  sim::prng random(7);
  const time_point now = from_unix_us(std::int64_t{1'700'000'000} * 1'000'000);
  const refresh_plan login = plan_refresh(s, std::nullopt, now, random);
  const token_pair pair = issue_pair(s, 1234, "customer", login, now, random);
  EXPECT_EQ(pair.expires_in_s, 900);
  auto access = token::verify(pair.access_token, s.token_secret, now);
  auto refresh = token::verify(pair.refresh_token, s.token_secret, now);
  ASSERT_TRUE(access.ok() && refresh.ok());
  EXPECT_EQ(access->typ, token::token_type::access);
  EXPECT_EQ(access->sub, "1234");
  EXPECT_EQ(access->exp - access->iat, 900);
  EXPECT_EQ(refresh->typ, token::token_type::refresh);
  EXPECT_EQ(refresh->jti, login.jti);
  EXPECT_EQ(refresh->fam, login.family);
  EXPECT_EQ(refresh->exp, login.expires_at);
  EXPECT_EQ(user_id_of(*access), 1234);
  const refresh_plan next = plan_refresh(s, login.family, now, random);
  EXPECT_EQ(next.family, login.family);
  EXPECT_NE(next.jti, login.jti);
  // Ids are drawn from the stream: a new login starts a new family.
  EXPECT_NE(plan_refresh(s, std::nullopt, now, random).family, login.family);
}

TEST(tokens, user_ids_stay_json_safe) {
  sim::prng random(11);
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t id = new_user_id(random);
    ASSERT_GE(id, 1);
    ASSERT_LT(id, std::int64_t{1} << 53);
  }
  token::claims c;
  c.sub = "0";
  EXPECT_FALSE(user_id_of(c).has_value());
  c.sub = "12a";
  EXPECT_FALSE(user_id_of(c).has_value());
  c.sub = "9007199254740992";
  EXPECT_FALSE(user_id_of(c).has_value());
}

}  // namespace
}  // namespace qm::auth
