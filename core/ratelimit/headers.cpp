#include "core/ratelimit/headers.hpp"

#include <algorithm>
#include <string>

#include "core/base/append_int.hpp"
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

// Every response through the gateway carries these fields, so each value is written straight
// into one string of its final size: no growth, no temporaries.
std::string int_text(std::int64_t n) {
  char digits[max_int_chars];
  return std::string(digits, write_int(digits, n));
}

// `"<class>";<k1>=<v1>;<k2>=<v2>`, the shape of both IETF fields. The class is written as a
// Structured Field String: class names are plain tokens, but the two characters a String cannot
// hold bare are escaped rather than emit a malformed field.
std::string policy_item(std::string_view name, std::string_view k1, std::int64_t v1, std::string_view k2,
                        std::int64_t v2) {
  std::size_t escapes = 0;
  for (const char c : name) {
    QM_ASSERT_MSG(c >= 0x20 && c < 0x7f, "a rate class name is printable ASCII");
    escapes += c == '"' || c == '\\' ? 1 : 0;
  }
  char digits1[max_int_chars];
  char* end1 = write_int(digits1, v1);
  char digits2[max_int_chars];
  char* end2 = write_int(digits2, v2);
  const auto digits1_size = static_cast<std::size_t>(end1 - digits1);
  const auto digits2_size = static_cast<std::size_t>(end2 - digits2);
  std::string out(name.size() + escapes + 2 + k1.size() + digits1_size + k2.size() + digits2_size, '\0');
  char* p = out.data();
  *p++ = '"';
  if (escapes == 0) {
    p = std::copy(name.begin(), name.end(), p);
  } else {
    for (const char c : name) {
      if (c == '"' || c == '\\') {
        *p++ = '\\';
      }
      *p++ = c;
    }
  }
  *p++ = '"';
  p = std::copy(k1.begin(), k1.end(), p);
  p = std::copy(digits1, end1, p);
  p = std::copy(k2.begin(), k2.end(), p);
  std::copy(digits2, end2, p);
  return out;
}

}  // namespace

void set_rate_limit_headers(http::headers& into, const rate_class& cls, const verdict& v) {
  const std::int64_t remaining = std::max<std::int64_t>(v.remaining, 0);
  const std::int64_t reset_s = seconds_rounded_up(v.reset_after);
  // The draft's window is a positive whole number of seconds; a sub-second window reads as 1.
  const std::int64_t window_s = std::max<std::int64_t>(seconds_rounded_up(cls.window), 1);

  // What a set() of each field would leave, with one pass over the fields rather than one per
  // field (every response through the gateway carries them).
  static constexpr std::string_view names[] = {"X-RateLimit-Limit", "X-RateLimit-Remaining",
                                               "X-RateLimit-Reset", "RateLimit-Policy",
                                               "RateLimit",         "Retry-After"};
  const std::size_t count = v.allowed ? std::size(names) - 1 : std::size(names);
  // Each of the names starts with X or R: a field starting otherwise (most of them) needs no
  // comparison.
  into.remove_if([count](std::string_view name, std::string_view) {
    const char first = name.empty() ? '\0' : static_cast<char>(name.front() | 0x20);
    return (first == 'x' || first == 'r') &&
           std::any_of(names, names + count, [&](std::string_view n) { return http::iequals(n, name); });
  });
  into.reserve(into.size() + count);
  into.add(std::string(names[0]), int_text(v.limit));
  into.add(std::string(names[1]), int_text(remaining));
  into.add(std::string(names[2]), int_text(reset_s));
  into.add(std::string(names[3]), policy_item(cls.name, ";q=", v.limit, ";w=", window_s));
  into.add(std::string(names[4]), policy_item(cls.name, ";r=", remaining, ";t=", reset_s));
  if (!v.allowed) {
    // Never 0: "retry after 0 seconds" invites a tight loop. Never before the slot frees either,
    // which the draft asks of Retry-After next to RateLimit.
    into.add(std::string(names[5]), int_text(std::max<std::int64_t>(reset_s, 1)));
  }
}

http::headers rate_limit_headers(const rate_class& cls, const verdict& v) {
  http::headers out;
  set_rate_limit_headers(out, cls, v);
  return out;
}

}  // namespace qm::ratelimit
