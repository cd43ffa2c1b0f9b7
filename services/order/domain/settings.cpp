#include "services/order/domain/settings.hpp"

#include <array>

#include "services/common/settings.hpp"

namespace qm::order {

result<order_settings, std::string> read_settings(const rt::settings& config) {
  order_settings s;
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  s.context_secret = std::move(*secret);
  struct int_key {
    std::string_view key;
    std::int64_t default_value;
    std::int64_t min;
    std::int64_t max;
  };
  constexpr std::array<int_key, 8> keys = {{
      {"db_timeout_ms", 2000, 1, 60'000},
      {"upstream_timeout_ms", 2000, 1, 60'000},
      {"payment_failure_permille", 0, 0, 1000},
      {"payment_latency_ms", 0, 0, 60'000},
      {"checkout_lease_s", 30, 1, 86'400},
      {"outbox_interval_ms", 250, 0, 60'000},
      {"outbox_batch", 50, 1, 1000},
      {"outbox_max_attempts", 10, 1, 100},
  }};
  std::array<std::int64_t, keys.size()> v{};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto read = services::int_setting(config, keys[i].key, keys[i].default_value, keys[i].min,
                                      keys[i].max);
    if (!read) {
      return make_unexpected(read.error());
    }
    v[i] = *read;
  }
  s.db_timeout = ms(v[0]);
  s.upstream_timeout = ms(v[1]);
  s.payment_failure_permille = v[2];
  s.payment_latency = ms(v[3]);
  s.checkout_lease_s = v[4];
  s.outbox_interval = ms(v[5]);
  s.outbox_batch = v[6];
  s.outbox_max_attempts = v[7];
  auto policy = services::upstream_policy_settings(config, s.upstream_timeout);
  if (!policy) {
    return make_unexpected(policy.error());
  }
  s.upstreams = std::move(*policy);
  return s;
}

}  // namespace qm::order
