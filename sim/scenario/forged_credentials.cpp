#include "sim/scenario/forged_credentials.hpp"

#include "core/crypto/encoding.hpp"
#include "core/identity/user_context.hpp"
#include "core/token/jwt.hpp"

namespace qm::sim {

namespace {

token::claims access_claims(std::int64_t user_id, std::int64_t iat_s, std::int64_t exp_s,
                            std::uint64_t noise) {
  token::claims c;
  c.sub = std::to_string(user_id);
  c.role = "customer";
  c.typ = token::token_type::access;
  c.jti = "forged-" + std::to_string(noise % 1'000'000'007);
  c.iat = iat_s;
  c.exp = exp_s;
  return c;
}

std::string signing_key(std::string_view real_secret) {
  return std::string(real_secret.empty() ? attacker_key : real_secret);
}

identity::user_context claimed(std::int64_t user_id, std::string_view role, std::int64_t now_s) {
  identity::user_context c;
  c.user_id = user_id;
  c.role = std::string(role);
  c.expires_at_s = now_s + identity::context_lifetime_s;
  return c;
}

// The signed context without its MAC: everything up to and including the last dot.
std::string without_mac(std::int64_t user_id, std::string_view role, std::int64_t now_s) {
  const std::string signed_value = forged_context(user_id, role, now_s);
  return signed_value.substr(0, signed_value.rfind('.') + 1);
}

}  // namespace

std::string_view to_string(bad_token k) {
  switch (k) {
    case bad_token::random_text: return "random_text";
    case bad_token::wrong_key: return "wrong_key";
    case bad_token::alg_none: return "alg_none";
    case bad_token::expired: return "expired";
    case bad_token::refresh_as_access: return "refresh_as_access";
    case bad_token::count: break;
  }
  return "unknown";
}

std::string make_bad_token(bad_token k, std::int64_t user_id, std::int64_t now_s,
                           std::string_view real_secret, std::uint64_t noise) {
  switch (k) {
    case bad_token::random_text:
      return "qm" + crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(&noise), sizeof noise));
    case bad_token::wrong_key:
      return token::encode(access_claims(user_id, now_s, now_s + 900, noise), attacker_key);
    case bad_token::alg_none: {
      const std::string header = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})");
      const std::string body = crypto::base64url_encode(
          R"({"sub":")" + std::to_string(user_id) + R"(","role":"admin","typ":"access","jti":"none-)" +
          std::to_string(noise % 1000) + R"(","iat":)" + std::to_string(now_s) + R"(,"exp":)" +
          std::to_string(now_s + 900) + "}");
      return header + "." + body + ".";
    }
    case bad_token::expired:
      return token::encode(access_claims(user_id, now_s - 3600, now_s - 600, noise), signing_key(real_secret));
    case bad_token::refresh_as_access: {
      token::claims c = access_claims(user_id, now_s, now_s + 3600, noise);
      c.typ = token::token_type::refresh;
      c.fam = "fam-" + std::to_string(noise % 1000);
      return token::encode(c, signing_key(real_secret));
    }
    case bad_token::count:
      break;
  }
  return "invalid";
}

std::string forged_context(std::int64_t user_id, std::string_view role, std::int64_t now_s) {
  return identity::sign(claimed(user_id, role, now_s), attacker_key);
}

std::string unsigned_context(std::int64_t user_id, std::string_view role, std::int64_t now_s) {
  return without_mac(user_id, role, now_s);
}

std::string zero_mac_context(std::int64_t user_id, std::string_view role, std::int64_t now_s) {
  return without_mac(user_id, role, now_s) + crypto::base64url_encode(std::string(32, '\0'));
}

}  // namespace qm::sim
