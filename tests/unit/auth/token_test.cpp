// The HS256 codec: round trips, and every way a token must be refused.

#include <gtest/gtest.h>

#include <string>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/token/jwt.hpp"

namespace qm::token {
namespace {

const std::string secret = "0123456789abcdef0123456789abcdef-test-secret";
const time_point t0 = from_unix_us(std::int64_t{1'700'000'000} * 1'000'000);

claims access_claims() {
  return claims{"42", "customer", token_type::access, "jti-1", "", to_unix_seconds(t0),
                to_unix_seconds(t0) + 900};
}

claims refresh_claims() {
  return claims{"42", "customer", token_type::refresh, "jti-2", "fam-9", to_unix_seconds(t0),
                to_unix_seconds(t0) + 30 * 24 * 3600};
}

// A token with any header and payload text, signed correctly with key.
std::string forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view key = secret) {
  std::string signed_part =
      crypto::base64url_encode(header_json) + "." + crypto::base64url_encode(payload_json);
  return signed_part + "." + crypto::base64url_encode(crypto::hmac_sha256(key, signed_part));
}

constexpr std::string_view good_header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view good_payload =
    R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900})";

token_error error_of(std::string_view token, time_point now = t0) {
  auto r = verify(token, secret, now);
  EXPECT_FALSE(r.ok()) << token;
  return r.ok() ? token_error::malformed : r.error();
}

TEST(jwt, round_trips_access_and_refresh_claims) {
  for (const claims& c : {access_claims(), refresh_claims()}) {
    const std::string tok = encode(c, secret);
    auto r = verify(tok, secret, t0);
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(*r, c);
  }
}

TEST(jwt, forged_token_with_our_header_verifies) {
  // The forge helper is itself right: a correct token built by hand is accepted.
  auto r = verify(forge(good_header, good_payload), secret, t0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sub, "42");
  EXPECT_EQ(r->exp, 1'700'000'900);
}

TEST(jwt, header_is_the_standard_one) {
  const std::string tok = encode(access_claims(), secret);
  const auto header = crypto::base64url_decode(tok.substr(0, tok.find('.')));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(*header, good_header);
}

TEST(jwt, refuses_any_alg_but_hs256) {
  EXPECT_EQ(error_of(forge(R"({"alg":"none","typ":"JWT"})", good_payload)), token_error::bad_alg);
  EXPECT_EQ(error_of(forge(R"({"alg":"RS256","typ":"JWT"})", good_payload)), token_error::bad_alg);
  EXPECT_EQ(error_of(forge(R"({"alg":"hs256"})", good_payload)), token_error::bad_alg);
  EXPECT_EQ(error_of(forge(R"({"typ":"JWT"})", good_payload)), token_error::bad_alg);
  EXPECT_EQ(error_of(forge(R"({"alg":256})", good_payload)), token_error::bad_alg);
  // The classic "none" attack: no signature at all.
  const std::string unsigned_token =
      crypto::base64url_encode(R"({"alg":"none"})") + "." + crypto::base64url_encode(good_payload) + ".";
  EXPECT_EQ(error_of(unsigned_token), token_error::malformed);
}

TEST(jwt, refuses_odd_headers) {
  EXPECT_EQ(error_of(forge(R"({"alg":"HS256","typ":"JWS"})", good_payload)), token_error::malformed);
  EXPECT_EQ(error_of(forge(R"({"alg":"HS256","kid":"x"})", good_payload)), token_error::malformed);
  EXPECT_EQ(error_of(forge(R"({"alg":"HS256","alg":"HS256"})", good_payload)), token_error::malformed);
  EXPECT_EQ(error_of(forge(R"(["HS256"])", good_payload)), token_error::malformed);
  EXPECT_EQ(verify(forge(R"({"alg":"HS256"})", good_payload), secret, t0).ok(), true);
}

TEST(jwt, refuses_tampering) {
  const std::string tok = encode(access_claims(), secret);
  const auto dot1 = tok.find('.');
  const auto dot2 = tok.rfind('.');
  // Replace the payload with an admin one but keep the original signature.
  claims admin = access_claims();
  admin.role = "admin";
  const std::string admin_tok = encode(admin, secret);
  const std::string spliced = tok.substr(0, dot1) + admin_tok.substr(dot1, admin_tok.rfind('.') - dot1) +
                              tok.substr(dot2);
  EXPECT_EQ(error_of(spliced), token_error::bad_signature);
  // Flip one signature character to another valid one.
  std::string bad_sig = tok;
  bad_sig[dot2 + 1] = bad_sig[dot2 + 1] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(bad_sig), token_error::bad_signature);
  // A different key.
  EXPECT_EQ(error_of(forge(good_header, good_payload, "another-secret-of-enough-length!!")),
            token_error::bad_signature);
  // A truncated signature.
  EXPECT_EQ(error_of(tok.substr(0, tok.size() - 4)), token_error::bad_signature);
}

TEST(jwt, every_single_character_substitution_is_refused) {
  // Exhaustive over positions and the base64url alphabet: with a lax decoder, changing the
  // unused low bits of the last signature character would give a second valid spelling.
  const std::string tok = encode(refresh_claims(), secret);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  for (std::size_t pos = 0; pos < tok.size(); ++pos) {
    for (const char c : alphabet) {
      if (c == tok[pos]) {
        continue;
      }
      std::string mutated = tok;
      mutated[pos] = c;
      ASSERT_FALSE(verify(mutated, secret, t0).ok()) << "position " << pos << " char " << c;
    }
  }
}

TEST(jwt, refuses_expired_and_future_tokens) {
  const std::string tok = encode(access_claims(), secret);
  EXPECT_TRUE(verify(tok, secret, t0 + seconds(899)).ok());
  EXPECT_EQ(error_of(tok, t0 + seconds(900)), token_error::expired);
  EXPECT_EQ(error_of(tok, t0 + seconds(100'000)), token_error::expired);
  EXPECT_EQ(error_of(tok, t0 - seconds(1)), token_error::not_yet_valid);
  // Leeway admits a small clock disagreement on either side.
  EXPECT_TRUE(verify(tok, secret, t0 - seconds(5), seconds(10)).ok());
  EXPECT_TRUE(verify(tok, secret, t0 + seconds(905), seconds(10)).ok());
  EXPECT_FALSE(verify(tok, secret, t0 + seconds(910), seconds(10)).ok());
}

TEST(jwt, refuses_malformed_shapes) {
  const std::string tok = encode(access_claims(), secret);
  EXPECT_EQ(error_of(""), token_error::malformed);
  EXPECT_EQ(error_of("abc"), token_error::malformed);
  EXPECT_EQ(error_of("a.b"), token_error::malformed);
  EXPECT_EQ(error_of(tok + ".x"), token_error::malformed);
  EXPECT_EQ(error_of("." + tok), token_error::malformed);
  EXPECT_EQ(error_of(tok.substr(0, tok.find('.')) + ".." + tok.substr(tok.rfind('.') + 1)),
            token_error::malformed);
  EXPECT_EQ(error_of(" " + tok), token_error::malformed);
  EXPECT_EQ(error_of(tok + "="), token_error::malformed);
  std::string plus = tok;
  plus[plus.find('.') + 3] = '+';
  EXPECT_EQ(error_of(plus), token_error::malformed);
}

TEST(jwt, refuses_oversized_tokens) {
  const std::string big_payload =
      R"({"sub":"42","role":"customer","typ":"access","jti":")" + std::string(5000, 'x') +
      R"(","iat":1700000000,"exp":1700000900})";
  const std::string big = forge(good_header, big_payload);
  ASSERT_GT(big.size(), max_token_bytes);
  EXPECT_EQ(error_of(big), token_error::malformed);
}

TEST(jwt, refuses_bad_claims_even_when_signed) {
  const auto payload_error = [](std::string_view payload) {
    return error_of(forge(good_header, payload));
  };
  // Missing fields.
  EXPECT_EQ(payload_error(R"({"role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000000})"),
            token_error::malformed);
  // Duplicate fields: a second sub must not silently win.
  EXPECT_EQ(payload_error(R"({"sub":"42","sub":"1","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  // Wrong types.
  EXPECT_EQ(payload_error(R"({"sub":42,"role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":"1700000900"})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900.5})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":["admin"],"typ":"access","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  // Unknown fields, unknown typ, fam on an access token, no fam on a refresh token.
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900,"adm":1})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"id","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","fam":"f","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"refresh","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
  // Time fields out of order, negative, or a payload that is not an object.
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":1700000900,"exp":1700000000})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42","role":"customer","typ":"access","jti":"j","iat":-1,"exp":1700000900})"),
            token_error::malformed);
  EXPECT_EQ(payload_error(R"("just a string")"), token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"42")"), token_error::malformed);
  EXPECT_EQ(payload_error(R"({"sub":"4 2","role":"customer","typ":"access","jti":"j","iat":1700000000,"exp":1700000900})"),
            token_error::malformed);
}

}  // namespace
}  // namespace qm::token
