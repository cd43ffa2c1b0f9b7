#pragma once
// Rate classes: which limit applies to a request (auth endpoints, admin, everything else), how
// a setting spells one ("20/60s", "100/1m") and how a class and a subject name a limiter key.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"

namespace qm::ratelimit {

struct rate_class {
  std::string name;  // "auth", "admin", "general": a key segment and the RateLimit policy name
  std::int64_t limit = 0;
  duration window{0};
};

// The defaults: auth 20/min (login and register are what attackers hammer), admin 50/min,
// general 100/min.
rate_class default_auth_class();
rate_class default_admin_class();
rate_class default_general_class();

// The longest window a setting may ask for: a log holds a window's worth of requests, and the
// kv keeps a key for a window after its last admission.
inline constexpr duration max_window = std::chrono::hours(24);

// Parses "<limit>/<window>": limit 1..100000, window a positive integer followed by a unit
// (ms, s, m or h; "20/s" means one second) no longer than max_window. The error says what is
// wrong with the text, quoting it.
result<rate_class, std::string> parse_rate_class(std::string_view name, std::string_view text);

// Subjects: a signed-in caller is limited by account, an anonymous one by client address.
std::string user_subject(std::string_view user_id);   // "user:<id>"
std::string ip_subject(std::string_view address);     // "ip:<addr>"

// The limiter key: "rl:<class>:<subject>", e.g. "rl:general:user:42", "rl:auth:ip:10.0.0.7".
std::string key_for(std::string_view class_name, std::string_view subject);

}  // namespace qm::ratelimit
