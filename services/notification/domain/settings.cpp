#include "services/notification/domain/settings.hpp"

#include "services/common/settings.hpp"

namespace qm::notification {

result<notification_settings, std::string> read_settings(const rt::settings& config) {
  notification_settings s;
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  s.context_secret = std::move(*secret);
  auto capacity = services::int_setting(config, "outbox_capacity", 10'000, 1, 1'000'000);
  if (!capacity) {
    return make_unexpected(capacity.error());
  }
  auto interval_ms = services::int_setting(config, "drain_interval_ms", 100, 1, 60'000);
  if (!interval_ms) {
    return make_unexpected(interval_ms.error());
  }
  auto batch = services::int_setting(config, "drain_batch", 1'000, 1, 100'000);
  if (!batch) {
    return make_unexpected(batch.error());
  }
  auto users = services::int_setting(config, "max_users", 100'000, 1, 10'000'000);
  if (!users) {
    return make_unexpected(users.error());
  }
  s.outbox_capacity = static_cast<std::size_t>(*capacity);
  s.drain_interval = ms(*interval_ms);
  s.drain_batch = static_cast<std::size_t>(*batch);
  s.max_users = static_cast<std::size_t>(*users);
  return s;
}

}  // namespace qm::notification
