#include "services/auth/domain/settings.hpp"

#include <optional>

#include "core/crypto/scrypt.hpp"
#include "core/token/jwt.hpp"
#include "core/config/service_config.hpp"
#include "services/auth/domain/passwords.hpp"
#include "services/auth/domain/validation.hpp"
#include "services/common/settings.hpp"

namespace qm::auth {

result<auth_settings, std::string> read_settings(const rt::settings& config) {
  auth_settings s;
  s.token_secret = config.get("token_secret");
  if (s.token_secret.size() < token::min_secret_bytes) {
    return make_unexpected(std::string("token_secret is ") +
                           (s.token_secret.empty() ? "missing" : "too short") + ": it needs at least " +
                           std::to_string(token::min_secret_bytes) + " bytes");
  }
  constexpr std::int64_t day_s = 24 * 3600;
  auto n = services::int_setting(config, "scrypt_n", 16384, 2,
                                 static_cast<std::int64_t>(crypto::scrypt_max_n));
  auto access = services::int_setting(config, "access_ttl_s", 900, 1, day_s);
  auto refresh = services::int_setting(config, "refresh_ttl_s", 30 * day_s, 1, 365 * day_s);
  auto timeout = services::int_setting(config, "db_timeout_ms", 2000, 1, 60'000);
  auto leeway = services::int_setting(config, "token_leeway_s", 30, 0, 300);
  for (const auto* r : {&n, &access, &refresh, &timeout, &leeway}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  s.scrypt_n = static_cast<std::uint64_t>(*n);
  if (!crypto::validate(password_params(s.scrypt_n))) {
    return make_unexpected("scrypt_n must be a power of two within the memory bound, got " +
                           std::to_string(s.scrypt_n));
  }
  s.access_ttl = seconds(*access);
  s.refresh_ttl = seconds(*refresh);
  s.db_timeout = ms(*timeout);
  s.token_leeway = seconds(*leeway);
  auto context_secret = services::context_secret_setting(config);
  if (!context_secret) {
    return make_unexpected(context_secret.error());
  }
  s.context_secret = std::move(*context_secret);
  s.admin_email = config.get("admin_email");
  s.admin_password = config.get("admin_password");
  if (s.admin_email.empty() != s.admin_password.empty()) {
    return make_unexpected(std::string("admin_email and admin_password go together: set both or neither"));
  }
  if (!s.admin_email.empty()) {
    auto email = normalize_email(s.admin_email);
    if (!email) {
      return make_unexpected("admin_email is not an email address: '" + s.admin_email + "'");
    }
    s.admin_email = std::move(*email);
    // The bootstrap admin guards the catalogue and every order: a generated secret (at least
    // 32 characters, like every secret here), never a sample value.
    if (config::is_placeholder_secret(s.admin_password) ||
        s.admin_password.size() > max_password_len) {
      return make_unexpected("admin_password must be 32.." + std::to_string(max_password_len) +
                             " characters and not a placeholder");
    }
  }
  return s;
}

}  // namespace qm::auth
