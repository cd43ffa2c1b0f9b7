#include "services/auth/bootstrap_admin.hpp"

#include "core/identity/user_context.hpp"
#include "services/auth/domain/passwords.hpp"
#include "services/auth/domain/tokens.hpp"

namespace qm::auth {

namespace {

constexpr int max_id_attempts = 3;

}  // namespace

task<rt::db_status> ensure_bootstrap_admin(auth_context& c) {
  if (c.settings.admin_email.empty()) {
    co_return rt::db_status{};
  }
  auto found = co_await c.store.find_by_email(c.settings.admin_email);
  if (!found) {
    co_return make_unexpected(found.error());
  }
  if (found->has_value()) {
    const user& existing = **found;
    if (existing.role == identity::role_admin) {
      co_return rt::db_status{};
    }
    auto promoted = co_await c.store.set_role(existing.id, std::string(identity::role_admin));
    if (!promoted) {
      co_return make_unexpected(promoted.error());
    }
    c.rt.log.warn("bootstrap admin: an existing user was promoted to admin",
                  {{"user_id", std::to_string(existing.id)}});
    co_return rt::db_status{};
  }
  user u;
  u.email = c.settings.admin_email;
  u.name = "Administrator";
  u.role = std::string(identity::role_admin);
  u.created_at = to_unix_seconds(c.rt.clock.now());
  u.password_hash = hash_password(c.settings.admin_password, c.rt.random.bytes(salt_bytes),
                                  password_params(c.settings.scrypt_n));
  for (int attempt = 0; attempt < max_id_attempts; ++attempt) {
    u.id = new_user_id(c.rt.random);
    auto outcome = co_await c.store.create_user(u);
    if (!outcome) {
      co_return make_unexpected(outcome.error());
    }
    if (*outcome == create_outcome::created || *outcome == create_outcome::email_taken) {
      // email_taken: another instance created it between the lookup and the insert.
      c.rt.log.info("bootstrap admin created", {{"user_id", std::to_string(u.id)}});
      co_return rt::db_status{};
    }
  }
  co_return make_unexpected(sql::error{sql::errc::unique_violation, "no free user id for the admin"});
}

}  // namespace qm::auth
