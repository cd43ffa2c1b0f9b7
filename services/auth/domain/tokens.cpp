#include "services/auth/domain/tokens.hpp"

#include <charconv>

#include "core/crypto/encoding.hpp"
#include "core/json/writer.hpp"

namespace qm::auth {

namespace {
constexpr std::int64_t max_user_id = (std::int64_t{1} << 53) - 1;

std::int64_t to_seconds(duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}
}  // namespace

std::string new_token_id(rt::random& random) {
  return crypto::base64url_encode(random.bytes(token_id_bytes));
}

std::int64_t new_user_id(rt::random& random) {
  return static_cast<std::int64_t>(random.uniform(static_cast<std::uint64_t>(max_user_id))) + 1;
}

refresh_plan plan_refresh(const auth_settings& s, std::optional<std::string> family,
                          time_point now, rt::random& random) {
  refresh_plan plan;
  plan.jti = new_token_id(random);
  plan.family = family ? std::move(*family) : new_token_id(random);
  plan.expires_at = to_unix_seconds(now) + to_seconds(s.refresh_ttl);
  return plan;
}

token_pair issue_pair(const auth_settings& s, std::int64_t user_id, std::string_view role,
                      const refresh_plan& refresh, time_point now, rt::random& random) {
  const std::int64_t now_s = to_unix_seconds(now);
  const std::string sub = std::to_string(user_id);
  const token::claims access{sub, std::string(role), token::token_type::access,
                             new_token_id(random), "", now_s, now_s + to_seconds(s.access_ttl)};
  const token::claims refresh_claims{sub,          std::string(role), token::token_type::refresh,
                                     refresh.jti,  refresh.family,    now_s,
                                     refresh.expires_at};
  token_pair pair;
  pair.access_token = token::encode(access, s.token_secret);
  pair.refresh_token = token::encode(refresh_claims, s.token_secret);
  pair.expires_in_s = to_seconds(s.access_ttl);
  return pair;
}

std::optional<std::int64_t> user_id_of(const token::claims& c) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(c.sub.data(), c.sub.data() + c.sub.size(), id);
  if (ec != std::errc{} || end != c.sub.data() + c.sub.size() || id < 1 || id > max_user_id) {
    return std::nullopt;
  }
  return id;
}

std::string token_pair_json(const token_pair& pair) {
  json::writer w;
  w.begin_object().member("access_token", pair.access_token);
  w.member("refresh_token", pair.refresh_token).member("token_type", "Bearer");
  w.member("expires_in", pair.expires_in_s).end_object();
  return w.finish();
}

}  // namespace qm::auth
