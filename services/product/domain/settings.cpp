#include "services/product/domain/settings.hpp"

#include <charconv>

namespace qm::product {

result<product_settings, std::string> read_settings(const rt::settings& config) {
  product_settings s;
  const std::string text = config.get("db_timeout_ms");
  if (text.empty()) {
    return s;
  }
  constexpr std::int64_t max_timeout_ms = 60'000;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 1 || v > max_timeout_ms) {
    return make_unexpected("db_timeout_ms must be an integer in [1, " +
                           std::to_string(max_timeout_ms) + "], got '" + text + "'");
  }
  s.db_timeout = ms(v);
  return s;
}

}  // namespace qm::product
