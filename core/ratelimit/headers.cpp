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

// A policy name as a Structured Field String: class names are plain tokens, but escape the two
// characters a String cannot hold bare rather than emit a malformed field.
void append_sf_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    QM_ASSERT_MSG(c >= 0x20 && c < 0x7f, "a rate class name is printable ASCII");
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
}

// Every response through the gateway carries these fields, so they are written straight into
// their strings rather than assembled from temporaries.
std::string int_text(std::int64_t n) {
  std::string out;
  append_int(out, n);
  return out;
}

// `"<class>";<k1>=<v1>;<k2>=<v2>`, the shape of both IETF fields.
std::string policy_item(std::string_view name, std::string_view k1, std::int64_t v1, std::string_view k2,
                        std::int64_t v2) {
  std::string out;
  out.reserve(name.size() + 48);
  append_sf_string(out, name);
  out += k1;
  append_int(out, v1);
  out += k2;
  append_int(out, v2);
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
  into.remove_if([count](std::string_view name, std::string_view) {
    return std::any_of(names, names + count, [&](std::string_view n) { return http::iequals(n, name); });
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
