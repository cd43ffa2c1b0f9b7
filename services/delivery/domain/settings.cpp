#include "services/delivery/domain/settings.hpp"

#include <charconv>
#include <cmath>

#include "services/common/settings.hpp"

namespace qm::delivery {

result<double, std::string> real_setting(const rt::settings& config, std::string_view key,
                                         double fallback, double min, double max) {
  const std::string text = config.get(key);
  if (text.empty()) {
    return fallback;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v < min ||
      v > max) {
    return make_unexpected(std::string(key) + " must be a number in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "], got '" + text + "'");
  }
  return v;
}

result<delivery_settings, std::string> read_settings(const rt::settings& config) {
  delivery_settings s;
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  s.context_secret = std::move(*secret);
  auto db_timeout = services::int_setting(config, "db_timeout_ms", 2000, 1, 60'000);
  auto upstream_timeout = services::int_setting(config, "upstream_timeout_ms", 2000, 1, 60'000);
  auto sweep = services::int_setting(config, "waiting_sweep_ms", 2000, 0, 600'000);
  for (const auto* r : {&db_timeout, &upstream_timeout, &sweep}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  s.db_timeout = ms(*db_timeout);
  s.upstream_timeout = ms(*upstream_timeout);
  s.waiting_sweep = ms(*sweep);
  auto lat = real_setting(config, "store_lat", s.store.lat, -90, 90);
  auto lon = real_setting(config, "store_lon", s.store.lon, -180, 180);
  // Slower than a walk is a typo; faster than 100 m/s is not a delivery partner.
  auto speed = real_setting(config, "partner_speed_mps", s.partner_speed_mps, 0.1, 100);
  for (const auto* r : {&lat, &lon, &speed}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  s.store = geo_point{*lat, *lon};
  s.partner_speed_mps = *speed;
  auto policy = services::upstream_policy_settings(config, s.upstream_timeout);
  if (!policy) {
    return make_unexpected(policy.error());
  }
  s.upstreams = std::move(*policy);
  return s;
}

}  // namespace qm::delivery
