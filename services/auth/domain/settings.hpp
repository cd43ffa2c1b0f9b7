#pragma once
// The auth service's settings, read once at start from the runtime's config. A missing or
// short token secret, or a cost outside the scrypt bounds, refuses the start with a message
// naming the setting.

#include <cstdint>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"

namespace qm::auth {

struct auth_settings {
  std::string token_secret;              // token_secret: at least 32 bytes, required
  std::uint64_t scrypt_n = 16384;        // scrypt_n: a power of two, 2..2^20
  duration access_ttl = seconds(900);    // access_ttl_s
  duration refresh_ttl = seconds(30LL * 24 * 3600);  // refresh_ttl_s
  duration db_timeout = ms(2000);        // db_timeout_ms
  // token_leeway_s: how far a token's iat and exp may be off this node's clock. A node whose
  // clock is stepped back (NTP, a skew fault) must not refuse the tokens it just issued.
  duration token_leeway = seconds(30);
  std::string context_secret;  // context_secret: verifies the gateway's signed caller (admin routes)
  // admin_email / admin_password: the bootstrap administrator, created (or promoted) at start
  // when both are set. Every other admin or partner is made by an admin through
  // PUT /admin/users/{id}/role; registration only ever creates customers.
  std::string admin_email;
  std::string admin_password;
};

result<auth_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::auth
