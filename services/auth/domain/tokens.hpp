#pragma once
// Issuing tokens: a login starts a refresh family, a refresh continues it. Ids come from the
// runtime's random stream; the refresh token's claims are what the store records, so the
// token and its row always agree on jti, family and expiry.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "core/token/jwt.hpp"
#include "runtime/random.hpp"
#include "services/auth/domain/settings.hpp"

namespace qm::auth {

inline constexpr std::size_t token_id_bytes = 16;

// A fresh random id for a token or a family (base64url, 22 characters).
std::string new_token_id(rt::random& random);

// A fresh user id in [1, 2^53): an integer every JSON client holds exactly.
std::int64_t new_user_id(rt::random& random);

// The refresh token to issue next, chosen before the store records it.
struct refresh_plan {
  std::string jti;
  std::string family;
  std::int64_t expires_at = 0;  // unix seconds
};

// A new refresh token id and expiry; family continues a rotation, or std::nullopt starts a
// new family (a login).
refresh_plan plan_refresh(const auth_settings& s, std::optional<std::string> family,
                          time_point now, rt::random& random);

struct token_pair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in_s = 0;  // the access token's lifetime
};

// Both tokens for user_id with role at now: a new access token and the planned refresh token.
token_pair issue_pair(const auth_settings& s, std::int64_t user_id, std::string_view role,
                      const refresh_plan& refresh, time_point now, rt::random& random);

// The user id a token's sub carries, when it is one this service issued.
std::optional<std::int64_t> user_id_of(const token::claims& c);

// The response body of login and refresh.
std::string token_pair_json(const token_pair& pair);

}  // namespace qm::auth
