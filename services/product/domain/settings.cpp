#include "services/product/domain/settings.hpp"

#include "services/common/settings.hpp"

namespace qm::product {

result<product_settings, std::string> read_settings(const rt::settings& config) {
  product_settings s;
  auto timeout_ms = services::int_setting(config, "db_timeout_ms", 2'000, 1, 60'000);
  if (!timeout_ms) {
    return make_unexpected(timeout_ms.error());
  }
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  auto ttl_s = services::int_setting(config, "reservation_ttl_s", 600, 1, 86'400);
  if (!ttl_s) {
    return make_unexpected(ttl_s.error());
  }
  auto sweep_ms = services::int_setting(config, "reservation_sweep_ms", 1'000, 1, 600'000);
  if (!sweep_ms) {
    return make_unexpected(sweep_ms.error());
  }
  s.db_timeout = ms(*timeout_ms);
  s.context_secret = std::move(*secret);
  s.reservation_ttl_s = *ttl_s;
  s.reservation_sweep = ms(*sweep_ms);
  return s;
}

}  // namespace qm::product
