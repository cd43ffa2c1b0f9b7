#pragma once
// Where Redis lives, parsed once from configuration: redis://[[user]:password@]host[:port][/db].
// The password is kept for AUTH only: nothing prints it (describe() leaves it out).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace qm::rt::redis {

struct redis_url {
  std::string host;          // without IPv6 brackets: "127.0.0.1", "::1", "redis"
  std::uint16_t port = 6379;
  std::uint32_t db = 0;      // SELECTed on connect when not 0
  std::string user;          // ACL user ("" = the default user)
  std::string password;      // "" = no AUTH
};

// Parses the URL; percent-escapes in user and password are decoded. The error never repeats
// the password.
result<redis_url, std::string> parse_redis_url(std::string_view text);

// "host:port/db" for logs and errors, without credentials.
std::string describe(const redis_url& url);

}  // namespace qm::rt::redis
