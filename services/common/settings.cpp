#include "services/common/settings.hpp"

#include <charconv>

#include "core/config/service_config.hpp"

namespace qm::services {

result<std::int64_t, std::string> int_setting(const rt::settings& config, std::string_view key,
                                              std::int64_t default_value, std::int64_t min,
                                              std::int64_t max) {
  const std::string text = config.get(key);
  if (text.empty()) {
    return default_value;
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < min || v > max) {
    return make_unexpected(std::string(key) + " must be an integer in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "], got '" + text + "'");
  }
  return v;
}

result<std::string, std::string> context_secret_setting(const rt::settings& config) {
  std::string secret = config.get("context_secret");
  if (secret.empty()) {
    return make_unexpected(std::string("context_secret is required (shared with the gateway)"));
  }
  if (config::is_placeholder_secret(secret)) {
    return make_unexpected(std::string("context_secret is still a placeholder; set a real secret"));
  }
  return secret;
}

}  // namespace qm::services
