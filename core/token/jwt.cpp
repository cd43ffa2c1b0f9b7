#include "core/token/jwt.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

#include "core/base/assert.hpp"
#include "core/crypto/compare.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/json/writer.hpp"
#include "core/token/flat_json.hpp"

namespace qm::token {

namespace {

// The one header this codec writes: {"alg":"HS256","typ":"JWT"}.
constexpr std::string_view encoded_header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

struct segments {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signed_part;  // "header.payload", what the signature covers
};

std::optional<segments> split(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  segments s{token.substr(0, first), token.substr(first + 1, second - first - 1),
             token.substr(second + 1), token.substr(0, second)};
  if (s.header.empty() || s.payload.empty() || s.signature.empty()) {
    return std::nullopt;
  }
  return s;
}

const std::string* get_string(const flat_object& o, std::string_view name) {
  auto it = o.find(name);
  return it == o.end() ? nullptr : std::get_if<std::string>(&it->second);
}

const std::int64_t* get_int(const flat_object& o, std::string_view name) {
  auto it = o.find(name);
  return it == o.end() ? nullptr : std::get_if<std::int64_t>(&it->second);
}

result<void, token_error> check_header(std::string_view decoded) {
  auto header = parse_flat_object(decoded);
  if (!header) {
    return make_unexpected(token_error::malformed);
  }
  const std::string* alg = get_string(*header, "alg");
  if (alg == nullptr || *alg != "HS256") {
    return make_unexpected(token_error::bad_alg);
  }
  for (const auto& [name, value] : *header) {
    if (name == "alg") {
      continue;
    }
    const auto* typ = std::get_if<std::string>(&value);
    if (name != "typ" || typ == nullptr || *typ != "JWT") {
      return make_unexpected(token_error::malformed);
    }
  }
  return ok_v;
}

result<claims, token_error> read_claims(std::string_view decoded) {
  auto payload = parse_flat_object(decoded);
  if (!payload) {
    return make_unexpected(token_error::malformed);
  }
  static constexpr std::array<std::string_view, 7> known = {"sub", "role", "typ", "jti",
                                                            "fam", "iat", "exp"};
  for (const auto& [name, value] : *payload) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return make_unexpected(token_error::malformed);
    }
  }
  const std::string* sub = get_string(*payload, "sub");
  const std::string* role = get_string(*payload, "role");
  const std::string* typ = get_string(*payload, "typ");
  const std::string* jti = get_string(*payload, "jti");
  const std::int64_t* iat = get_int(*payload, "iat");
  const std::int64_t* exp = get_int(*payload, "exp");
  if (sub == nullptr || role == nullptr || typ == nullptr || jti == nullptr || iat == nullptr ||
      exp == nullptr) {
    return make_unexpected(token_error::malformed);
  }
  const auto type = token_type_from_string(*typ);
  if (!type) {
    return make_unexpected(token_error::malformed);
  }
  claims c{*sub, *role, *type, *jti, {}, *iat, *exp};
  if (payload->contains("fam")) {
    const std::string* fam = get_string(*payload, "fam");
    if (fam == nullptr) {
      return make_unexpected(token_error::malformed);
    }
    c.fam = *fam;
  }
  if (!well_formed(c)) {
    return make_unexpected(token_error::malformed);
  }
  return c;
}

std::string payload_json(const claims& c) {
  json::writer w;
  w.begin_object().member("sub", c.sub).member("role", c.role);
  w.member("typ", to_string(c.typ)).member("jti", c.jti);
  if (!c.fam.empty()) {
    w.member("fam", c.fam);
  }
  w.member("iat", c.iat).member("exp", c.exp).end_object();
  return w.finish();
}

}  // namespace

std::string_view to_string(token_error e) {
  switch (e) {
    case token_error::malformed: return "malformed";
    case token_error::bad_alg: return "bad_alg";
    case token_error::bad_signature: return "bad_signature";
    case token_error::expired: return "expired";
    case token_error::not_yet_valid: return "not_yet_valid";
  }
  return "unknown";
}

std::string encode(const claims& c, std::string_view secret) {
  QM_ASSERT_MSG(well_formed(c), "encoding claims that verify() would refuse");
  QM_ASSERT_MSG(!secret.empty(), "an empty token secret");
  const std::string payload = payload_json(c);
  std::string token;
  token.reserve(encoded_header.size() + 1 + crypto::base64url_size(payload.size()) + 1 +
                crypto::base64url_size(crypto::sha256_size));
  token += encoded_header;
  token.push_back('.');
  crypto::append_base64url(token, payload);
  const std::string signature = crypto::hmac_sha256(secret, token);
  token.push_back('.');
  crypto::append_base64url(token, signature);
  QM_ASSERT(token.size() <= max_token_bytes);
  return token;
}

result<claims, token_error> verify(std::string_view token, std::string_view secret,
                                   time_point now, duration leeway) {
  QM_ASSERT_MSG(!secret.empty(), "an empty token secret");
  QM_ASSERT(leeway >= duration{0});
  if (token.size() > max_token_bytes) {
    return make_unexpected(token_error::malformed);
  }
  const auto parts = split(token);
  if (!parts) {
    return make_unexpected(token_error::malformed);
  }
  const auto header = crypto::base64url_decode(parts->header);
  const auto payload = crypto::base64url_decode(parts->payload);
  const auto signature = crypto::base64url_decode(parts->signature);
  if (!header || !payload || !signature) {
    return make_unexpected(token_error::malformed);
  }
  if (auto h = check_header(*header); !h) {
    return make_unexpected(h.error());
  }
  const std::string expected = crypto::hmac_sha256(secret, parts->signed_part);
  if (!crypto::constant_time_equal(expected, *signature)) {
    return make_unexpected(token_error::bad_signature);
  }
  auto c = read_claims(*payload);
  if (!c) {
    return c;
  }
  const std::int64_t now_s = to_unix_seconds(now);
  const std::int64_t leeway_s = std::chrono::duration_cast<std::chrono::seconds>(leeway).count();
  if (now_s - leeway_s >= c->exp) {
    return make_unexpected(token_error::expired);
  }
  if (c->iat > now_s + leeway_s) {
    return make_unexpected(token_error::not_yet_valid);
  }
  return c;
}

}  // namespace qm::token
