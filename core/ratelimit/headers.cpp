#include "core/ratelimit/headers.hpp"

#include <algorithm>
#include <string>

#include "core/base/assert.hpp"

namespace qm::ratelimit {

std::int64_t seconds_rounded_up(duration d) {
  if (d.count() <= 0) {
    return 0;
  }
  const std::int64_t second_us = seconds(1).count();
  return (d.count() + second_us - 1) / second_us;
}

namespace {

// A policy name as a Structured Field String: class names are plain tokens, but escape the two
// characters a String cannot hold bare rather than emit a malformed field.
std::string sf_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    QM_ASSERT_MSG(c >= 0x20 && c < 0x7f, "a rate class name is printable ASCII");
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

http::headers rate_limit_headers(const rate_class& cls, const verdict& v) {
  const std::int64_t remaining = std::max<std::int64_t>(v.remaining, 0);
  const std::int64_t reset_s = seconds_rounded_up(v.reset_after);
  // The draft's window is a positive whole number of seconds; a sub-second window reads as 1.
  const std::int64_t window_s = std::max<std::int64_t>(seconds_rounded_up(cls.window), 1);
  const std::string policy = sf_string(cls.name);

  http::headers out;
  out.add("X-RateLimit-Limit", std::to_string(v.limit));
  out.add("X-RateLimit-Remaining", std::to_string(remaining));
  out.add("X-RateLimit-Reset", std::to_string(reset_s));
  out.add("RateLimit-Policy", policy + ";q=" + std::to_string(v.limit) + ";w=" + std::to_string(window_s));
  out.add("RateLimit", policy + ";r=" + std::to_string(remaining) + ";t=" + std::to_string(reset_s));
  if (!v.allowed) {
    // Never 0: "retry after 0 seconds" invites a tight loop. Never before the slot frees either,
    // which the draft asks of Retry-After next to RateLimit.
    out.add("Retry-After", std::to_string(std::max<std::int64_t>(reset_s, 1)));
  }
  return out;
}

}  // namespace qm::ratelimit
