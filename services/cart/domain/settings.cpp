#include "services/cart/domain/settings.hpp"

#include "services/common/settings.hpp"

namespace qm::cart {

result<cart_settings, std::string> read_settings(const rt::settings& config) {
  constexpr std::int64_t max_timeout_ms = 60'000;
  cart_settings s;
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  s.context_secret = std::move(*secret);
  auto db_ms = services::int_setting(config, "db_timeout_ms", 2000, 1, max_timeout_ms);
  if (!db_ms) {
    return make_unexpected(db_ms.error());
  }
  auto upstream_ms = services::int_setting(config, "upstream_timeout_ms", 2000, 1, max_timeout_ms);
  if (!upstream_ms) {
    return make_unexpected(upstream_ms.error());
  }
  s.db_timeout = ms(*db_ms);
  s.upstream_timeout = ms(*upstream_ms);
  auto policy = services::upstream_policy_settings(config, s.upstream_timeout);
  if (!policy) {
    return make_unexpected(policy.error());
  }
  s.upstreams = std::move(*policy);
  return s;
}

}  // namespace qm::cart
