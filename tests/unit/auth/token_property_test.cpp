// Properties of the token codec over generated claims: whatever is encoded verifies to the
// same claims, and no single-byte change to a token survives verification.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "core/token/jwt.hpp"

namespace qm::token {
namespace {

const std::string secret = "property-test-secret-0123456789abcdef";
const std::string token_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

rc::Gen<std::string> claim_text(std::size_t max_len) {
  // Printable ASCII without space, quotes and backslashes included (they must be escaped).
  return rc::gen::suchThat(
      rc::gen::container<std::string>(rc::gen::inRange<char>(0x21, 0x7F)),
      [max_len](const std::string& s) { return !s.empty() && s.size() <= max_len; });
}

rc::Gen<claims> any_claims() {
  return rc::gen::apply(
      [](std::string sub, std::string role, bool refresh, std::string jti, std::string fam,
         std::int64_t iat, std::int64_t ttl) {
        claims c;
        c.sub = std::move(sub);
        c.role = std::move(role);
        c.typ = refresh ? token_type::refresh : token_type::access;
        c.jti = std::move(jti);
        c.fam = refresh ? std::move(fam) : std::string{};
        c.iat = iat;
        c.exp = iat + ttl;
        return c;
      },
      claim_text(max_sub_len), claim_text(max_role_len), rc::gen::arbitrary<bool>(),
      claim_text(max_jti_len), claim_text(max_fam_len),
      rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << 36),
      rc::gen::inRange<std::int64_t>(1, std::int64_t{1} << 30));
}

RC_GTEST_PROP(token_property, encode_then_verify_round_trips, ()) {
  const claims c = *any_claims();
  RC_ASSERT(well_formed(c));
  const std::string tok = encode(c, secret);
  RC_ASSERT(tok.size() <= max_token_bytes);
  auto r = verify(tok, secret, from_unix_us(c.iat * 1'000'000));
  RC_ASSERT(r.ok());
  RC_ASSERT(*r == c);
}

RC_GTEST_PROP(token_property, any_single_byte_change_is_refused, ()) {
  const claims c = *any_claims();
  const std::string tok = encode(c, secret);
  const auto pos = *rc::gen::inRange<std::size_t>(0, tok.size());
  // Half the replacements come from the token's own alphabet, where a lax decoder would
  // accept a second spelling of the same bytes.
  const auto replacement = *rc::gen::suchThat(
      rc::gen::oneOf(rc::gen::arbitrary<char>(), rc::gen::elementOf(token_alphabet)),
      [&](char x) { return x != tok[pos]; });
  std::string mutated = tok;
  mutated[pos] = replacement;
  RC_ASSERT(!verify(mutated, secret, from_unix_us(c.iat * 1'000'000)).ok());
}

RC_GTEST_PROP(token_property, another_secret_never_verifies, ()) {
  const claims c = *any_claims();
  const auto other = *rc::gen::suchThat(rc::gen::arbitrary<std::string>(),
                                        [](const std::string& s) { return !s.empty() && s != secret; });
  const auto r = verify(encode(c, secret), other, from_unix_us(c.iat * 1'000'000));
  RC_ASSERT(!r.ok());
  RC_ASSERT(r.error() == token_error::bad_signature);
}

}  // namespace
}  // namespace qm::token
